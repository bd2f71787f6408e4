"""Every data file follows the format; broken files give `file:line: message` in Swedish."""
import shutil
import subprocess
import sys
import textwrap

import pytest

from insatskatalog import vocabulary as v
from insatskatalog.loader import CatalogueError, load_catalogue
from insatskatalog.schema import data_files, validate_all, validate_file

ROOT = v.DATA_DIR.parent.parent


def test_all_five_municipalities_have_a_file():
    assert [p.stem for p in data_files()] == sorted(v.KOMMUN_IDS)


@pytest.mark.parametrize("path", data_files(), ids=lambda p: p.name)
def test_every_file_is_valid(path):
    assert validate_file(path) == []


def test_ids_are_unique_across_the_catalogue():
    ids = [i.id for i in load_catalogue().alla_insatser()]
    assert len(ids) == len(set(ids))


@pytest.fixture
def broken_dir(tmp_path):
    for name in ("_amnen.yml", "_alltid_behovsprovade.yml"):
        shutil.copy(v.DATA_DIR / name, tmp_path / name)
    return tmp_path


def _write(directory, name, body):
    path = directory / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


GOOD_KOMMUN = """\
kommun:
  id: sala
  namn: Sala kommun
  namnd: Vård- och omsorgsnämnden
  beslut: {titel: "Riktlinje", datum: "", diarienummer: ""}
  bosattningsvillkor: ""
  kontakt: {namn: "", telefon: "", epost: "", webb: "", adress: ""}
  kalla: {fil: 002_6d4ffd2d5a89017a.txt, avsnitt: "4"}
insatser:
  - id: sala/testinsats
    namn: Testinsats
    kategori: radgivnin
    amnen: [beroende, nagot-okant]
    for_vem: [sig]
    malgrupp: Vuxna
    villkor:
      alder: {min: 30, max: 18}
      bosattning: {krav: folkbokford, text: ""}
    innehall: Text
    format: [individuellt]
    omfattning: ""
    metoder: []
    utforare: ""
    dokumentation: {regel: radgivning_14_4, text: "", anonymitet: "Du kan vara anonym."}
    kontakt: {telefon: "", epost: "", webb: "", adress: ""}
    kalla: {fil: 002_6d4ffd2d5a89017a.txt, avsnitt: "4.1"}
"""


def test_errors_name_file_line_and_allowed_values(broken_dir):
    path = _write(broken_dir, "sala.yml", GOOD_KOMMUN)
    messages = [str(p) for p in validate_file(path)]
    assert any(m.startswith("sala.yml:12: ") and "radgivnin" in m and "Tillåtna" in m for m in messages), messages
    assert any(m.startswith("sala.yml:13: ") and "nagot-okant" in m for m in messages), messages
    assert any("alder.min (30) är större än alder.max (18)" in m for m in messages), messages


def test_yaml_syntax_error_is_reported_with_line(broken_dir):
    path = _write(broken_dir, "sala.yml", "kommun:\n  id: sala\n  namn: [oavslutad\n")
    problems = validate_file(path)
    assert len(problems) == 1 and problems[0].line >= 3 and "YAML" in problems[0].message


def test_wrong_kommun_id_and_unknown_field(broken_dir):
    body = GOOD_KOMMUN.replace("id: sala\n", "id: stockholm\n", 1).replace("    innehall: Text\n", "    innehall: Text\n    malgrup: x\n")
    messages = [str(p) for p in validate_file(_write(broken_dir, "sala.yml", body))]
    assert any("stockholm" in m and "alingsas" in m for m in messages)
    assert any("\"malgrup\" är okänt" in m for m in messages)


def test_loader_refuses_invalid_data(broken_dir):
    _write(broken_dir, "sala.yml", GOOD_KOMMUN)
    with pytest.raises(CatalogueError) as info:
        load_catalogue(broken_dir)
    assert "sala.yml:" in str(info.value)
    assert validate_all(broken_dir)


def test_cli_validate_exit_code():
    ok = subprocess.run([sys.executable, "-m", "insatskatalog", "validate"], cwd=ROOT, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "giltiga" in ok.stdout


# -- issue 11: ages in the text against the structured limits; text residents read ---------------

AGE_KOMMUN = GOOD_KOMMUN.replace("    kategori: radgivnin\n", "    kategori: radgivning\n").replace(
    "    amnen: [beroende, nagot-okant]\n", "    amnen: [beroende]\n").replace(
    "      alder: {min: 30, max: 18}\n", "      alder: null\n").replace(
    "    malgrupp: Vuxna\n", "    malgrupp: Vuxna över 18 år som vill prata om sitt spelande.\n")


def test_age_in_the_text_without_a_limit_is_reported_with_file_and_line(broken_dir):
    from insatskatalog.schema import check_file
    path = _write(broken_dir, "sala.yml", AGE_KOMMUN)
    errors, warnings = check_file(path)
    assert errors == []
    ages = [str(w) for w in warnings if "texten nämner" in w.message]
    assert ages and ages[0].startswith("sala.yml:17: ") and "över 18 år" in ages[0] and "alder_bekraftad" in ages[0]


def test_age_in_the_text_that_differs_from_the_limit_is_reported(broken_dir):
    from insatskatalog.schema import warnings_file
    path = _write(broken_dir, "sala.yml", AGE_KOMMUN.replace("      alder: null\n", "      alder: {min: 21, max: null}\n"))
    assert any("texten nämner över 18 år" in w.message and "21" in w.message for w in warnings_file(path))
    path = _write(broken_dir, "sala.yml", AGE_KOMMUN.replace("      alder: null\n", "      alder: {min: 18, max: null}\n"))
    assert not any("texten nämner" in w.message for w in warnings_file(path))


def test_an_editor_confirms_a_difference_in_alder_bekraftad(broken_dir):
    from insatskatalog.schema import warnings_file
    body = AGE_KOMMUN.replace("    innehall: Text\n", "    innehall: Text\n    alder_bekraftad: \"Målgruppen är inget villkor här.\"\n")
    assert not any("texten nämner" in w.message for w in warnings_file(_write(broken_dir, "sala.yml", body)))


def test_the_catalogue_has_no_unconfirmed_age_differences():
    from insatskatalog.schema import warnings_all
    assert [str(w) for w in warnings_all() if "texten nämner" in w.message] == []


@pytest.mark.parametrize("text,ages", [
    ("Vuxna över 18 år", [("över", 18)]), ("Barn 8–19 år", [("", 8), ("", 19)]),
    ("som är under 20 år och", [("under", 20)]), ("mellan 13 och 21 år", [("", 13), ("", 21)]),
    ("Barn under 15 år kan delta efter samtycke", []), ("barn omkring 8 månaders ålder", []),
])
def test_ages_in_text(text, ages):
    from insatskatalog.schema import ages_in_text
    assert ages_in_text(text) == ages


def test_a_seed_file_name_or_field_name_in_resident_text_is_an_error(broken_dir):
    body = AGE_KOMMUN.replace("    malgrupp: Vuxna över 18 år som vill prata om sitt spelande.\n",
                              "    malgrupp: \"Vuxna, se 002_6d4ffd2d5a89017a.txt (barn_alder).\"\n")
    messages = [str(p) for p in validate_file(_write(broken_dir, "sala.yml", body))]
    assert any(m.startswith("sala.yml:15: ") and "visas för invånare" in m for m in messages), messages


# -- issue 13.6: the summary in easy-to-read Swedish (innehall_lattlast) ------------------------

LATT_KOMMUN = AGE_KOMMUN.replace("    malgrupp: Vuxna över 18 år som vill prata om sitt spelande.\n", "    malgrupp: Vuxna\n")


def test_a_lattlast_summary_that_is_not_text_is_refused_in_swedish(broken_dir):
    body = LATT_KOMMUN.replace("    innehall: Text\n", "    innehall: Text\n    innehall_lattlast: [Kort, mening]\n")
    path = _write(broken_dir, "sala.yml", body)
    messages = [str(p) for p in validate_file(path)]
    assert any(m.startswith("sala.yml:20: ") and "\"innehall_lattlast\" ska vara text" in m
               and "då visas \"innehall\"" in m for m in messages), messages
    with pytest.raises(CatalogueError):
        load_catalogue(broken_dir)


def test_a_lattlast_summary_loads_and_long_sentences_are_warned_about(broken_dir):
    from insatskatalog.schema import check_file
    long = " ".join(["ord"] * 16) + "."
    body = LATT_KOMMUN.replace("    innehall: Text\n", f"    innehall: Text\n    innehall_lattlast: \"Kort mening. {long}\"\n")
    errors, warnings = check_file(_write(broken_dir, "sala.yml", body))
    assert errors == []
    said = [str(w) for w in warnings if "innehall_lattlast" in w.message]
    assert len(said) == 1 and said[0].startswith("sala.yml:20: ") and "16 ord" in said[0] and "högst 15" in said[0]
    insats = load_catalogue(broken_dir).insats("sala/testinsats")
    assert insats.sammanfattning(lattlast=True) == f"Kort mening. {long}" and insats.sammanfattning() == "Text"


def test_without_a_lattlast_summary_the_normal_one_is_shown(broken_dir):
    _write(broken_dir, "sala.yml", LATT_KOMMUN)
    insats = load_catalogue(broken_dir).insats("sala/testinsats")
    assert insats.innehall_lattlast == "" and insats.sammanfattning(lattlast=True) == "Text"


def test_a_field_name_in_the_lattlast_summary_is_an_error(broken_dir):
    body = LATT_KOMMUN.replace("    innehall: Text\n", "    innehall: Text\n    innehall_lattlast: \"Se barn_alder.\"\n")
    assert any("visas för invånare" in p.message for p in validate_file(_write(broken_dir, "sala.yml", body)))


# -- general guidance (vagledning), whatever the need --------------------------------------------

def test_vagledning_that_is_not_a_boolean_is_refused_in_swedish(broken_dir):
    body = LATT_KOMMUN.replace("    innehall: Text\n", "    innehall: Text\n    vagledning: ja\n")
    messages = [str(p) for p in validate_file(_write(broken_dir, "sala.yml", body))]
    assert any("\"vagledning\" ska vara true eller false" in m for m in messages), messages
    _write(broken_dir, "sala.yml", LATT_KOMMUN.replace("    innehall: Text\n", "    innehall: Text\n    vagledning: true\n"))
    assert load_catalogue(broken_dir).insats("sala/testinsats").vagledning is True
