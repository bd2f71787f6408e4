"""Every data file follows the format; broken files give `file:line: message` in Swedish."""
import shutil
import subprocess
import sys
import textwrap

import pytest

from catalogue import vocabulary as v
from catalogue.loader import CatalogueError, load_catalogue
from catalogue.schema import data_files, validate_all, validate_file

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
    ok = subprocess.run([sys.executable, "-m", "catalogue", "validate"], cwd=ROOT, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "giltiga" in ok.stdout
