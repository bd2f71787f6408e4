"""Residents and editors see different things (issue 11).

Residents read the source as the decision's name and date, never a seed file name; they never
read the editor's note (anmarkning) or a field name of the data format. This checks every text
the catalogue hands to the bot and the web pages (the chat's replies are built from these)."""
import re

import pytest

from insatskatalog.loader import default_catalogue
from insatskatalog.rights import kontaktvag, ratt_att_ansoka
from insatskatalog.routing import Profile, route
from insatskatalog.schema import RESIDENT_FORBIDDEN

SEED_FILE = re.compile(r"\d{3}_[0-9a-f]{16}")


def resident_texts(insats) -> list[str]:
    """Every text about an insats that a resident can read, in the web pages or the chat."""
    vil = insats.villkor
    return [insats.namn, insats.malgrupp, insats.innehall, insats.omfattning, insats.utforare,
            insats.dokumentation_text, insats.anonymitet, insats.att_tanka_pa, insats.kalla.text(),
            insats.kalla.resident_text(), vil.bosattning_text, vil.samtycke_text, vil.remiss_fran,
            *vil.ovrigt, *insats.metoder, *insats.sprak, insats.anonymitet_kort]


def leaks(text: str, insats=None) -> list[str]:
    found = [m.group(0) for m in RESIDENT_FORBIDDEN.finditer(text)]
    if insats is not None and insats.anmarkning and insats.anmarkning in text:
        found.append("anmarkning")
    return found


@pytest.mark.parametrize("kommun", sorted(default_catalogue().kommuner))
def test_no_resident_text_has_a_file_name_field_name_or_editor_note(kommun):
    problems = []
    for insats in default_catalogue().kommun(kommun).insatser:
        for text in resident_texts(insats):
            if leaks(text, insats):
                problems.append((insats.id, leaks(text, insats), text[:80]))
    assert not problems, problems


def test_the_source_is_the_decision_with_its_date_never_a_file():
    for kommun in default_catalogue().kommuner.values():
        for insats in kommun.insatser:
            text = insats.kalla.text()
            assert insats.kalla.text() == insats.kalla.resident_text()
            assert not SEED_FILE.search(text) and insats.kalla.fil not in text
            assert text.startswith(kommun.beslut_text()), text
    i = default_catalogue().insats("uppsala/haktessamtal")
    assert i.kalla.text().startswith("Socialnämnden i Uppsala, beslut 2025-05-19")
    assert "Bilaga 1" in i.kalla.text()
    assert i.kalla.editor_text().startswith("004_55fd875d406514be.txt")  # editors still find the file


def test_lekeberg_source_names_its_decision_date_and_number():
    assert default_catalogue().kommun("lekeberg").beslut_text() == "Socialnämnden i Lekeberg, beslut 2025-05-02, dnr SON 25-99"


def test_short_names_drop_only_the_genitive_s():
    names = {k.id: k.kort_namn for k in default_catalogue().kommuner.values()}
    assert names == {"alingsas": "Alingsås", "mellerud": "Mellerud", "sala": "Sala", "lekeberg": "Lekeberg",
                     "uppsala": "Uppsala"}


@pytest.mark.parametrize("kommun", sorted(default_catalogue().kommuner))
def test_routing_results_and_rights_text_have_no_editor_material(kommun):
    texts = [kontaktvag(default_catalogue().kommun(kommun)), ratt_att_ansoka(default_catalogue().kommun(kommun))]
    for for_vem, kw in (("sig", {"alder": 16}), ("sig", {"alder": 40}), ("mitt-barn", {"barn_alder": 8}),
                        ("anhorig", {"alder": 50, "barn_alder": 20}), ("familj", {"alder": 35})):
        for amne in ("beroende", "vald", "foraldraskap", "psykisk-ohalsa", "ekonomi", "kris"):
            res = route(Profile(kommun, for_vem, amnen=(amne,), **kw))
            data = res.to_json()
            texts += [r["varfor"] for r in data["rekommenderade"]] + [r["anonymitet"] for r in data["rekommenderade"]]
            texts += [s["text"] for r in data["rekommenderade"] for s in r["villkor"]]
            texts += [e["skal"] for e in data["villkor_ej_uppfyllda"]]
    notes = [i.anmarkning for i in default_catalogue().kommun(kommun).insatser if i.anmarkning]
    for text in texts:
        assert not leaks(text), text
        assert not any(n in text for n in notes), text


def test_chat_replies_have_no_editor_material():
    import importlib
    svar = None
    for name in ("bot.actions.replies", "bot.actions.svar"):  # the chat's reply builder (being rewritten)
        try:
            svar = importlib.import_module(name)
            break
        except ImportError:
            continue
    if svar is None or not hasattr(svar, "mer_om_text"):
        pytest.skip("the bot's reply builder has no mer_om_text")
    catalogue = default_catalogue()
    for kommun in catalogue.kommuner.values():
        for insats in kommun.insatser:
            text = svar.mer_om_text(insats, kommun)
            assert not SEED_FILE.search(text), (insats.id, text)
            assert not (insats.anmarkning and insats.anmarkning in text), insats.id
