"""A contact path for every municipality (issue 11): explicit, empty-by-default contact fields that
the municipality fills in; `validate` warns for each empty one; until filled, residents are told
plainly and get the national numbers already shown elsewhere (never an invented local number)."""
import dataclasses
import subprocess
import sys

from insatskatalog import vocabulary as v
from insatskatalog.emergency import nodnummer
from insatskatalog.loader import default_catalogue
from insatskatalog.rights import kontakt_saknas, kontaktvag
from insatskatalog.schema import KOMMUN_KONTAKT_ATT_FYLLA_I, warnings_all
from insatskatalog.yamlio import load

ROOT = v.DATA_DIR.parent.parent


def test_every_municipality_file_has_the_contact_fields():
    for kid in v.KOMMUN_IDS:
        kontakt = load(v.DATA_DIR / f"{kid}.yml")["kommun"]["kontakt"]
        assert set(KOMMUN_KONTAKT_ATT_FYLLA_I) <= set(kontakt), kid


def test_validate_warns_with_file_and_line_for_every_empty_contact_field():
    warnings = [w for w in warnings_all() if "kommun.kontakt." in w.message]
    for kid in v.KOMMUN_IDS:
        kontakt = load(v.DATA_DIR / f"{kid}.yml")["kommun"]["kontakt"]
        for key in KOMMUN_KONTAKT_ATT_FYLLA_I:
            mine = [w for w in warnings if w.file == f"{kid}.yml" and f"kommun.kontakt.{key} " in w.message]
            if str(kontakt.get(key) or "").strip():
                assert not mine, (kid, key)
            else:
                assert len(mine) == 1 and mine[0].line == kontakt.line_of(key), (kid, key)
                assert "fyll i" in mine[0].message


def test_validate_warns_but_does_not_fail():
    out = subprocess.run([sys.executable, "-m", "insatskatalog", "validate"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "varning: kommun.kontakt.telefon är tomt" in out.stderr
    assert "uppsala.yml:" in out.stderr


def test_without_contact_details_the_answer_says_so_and_gives_the_national_numbers():
    uppsala = default_catalogue().kommun("uppsala")
    assert kontakt_saknas(uppsala)
    text = kontaktvag(uppsala)
    assert "har ännu inte lagt in sina kontaktuppgifter" in text
    assert "webbplats" not in text  # no more "finns på kommunens webbplats" with nothing to click
    for n in nodnummer():
        assert n.nummer in text
    assert "112" not in kontaktvag(uppsala, nationella=False)


def test_sala_contact_from_the_seed_is_used():
    sala = default_catalogue().kommun("sala")
    assert not kontakt_saknas(sala)
    assert kontaktvag(sala) == "Kontakta socialtjänsten i Sala kommun: telefon 0224-74 70 00, e-post kommun.info@sala.se."


def test_filled_in_contact_and_a_site_override():
    uppsala = default_catalogue().kommun("uppsala")
    filled = dataclasses.replace(uppsala, kontakt=dataclasses.replace(
        uppsala.kontakt, telefon="018-000 00 00", oppettider="vardagar 8–16", webb="https://example.se/soc"))
    assert kontaktvag(filled) == ("Kontakta socialtjänsten i Uppsala kommun: telefon 018-000 00 00 (vardagar 8–16), "
                                  "https://example.se/soc.")
    assert kontaktvag(filled, kontakt_url="https://kommun.example/kontakt").endswith("https://kommun.example/kontakt.")
    assert kontaktvag(filled, kontakt_url="javascript:alert(1)").endswith("https://example.se/soc.")
    assert "ännu inte" not in kontaktvag(uppsala, kontakt_url="https://kommun.example/kontakt")
