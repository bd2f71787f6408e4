"""The NLU lookup tables that are catalogue data (bot/lookups.py): generated, never hand-kept apart."""

from __future__ import annotations

import pytest
import yaml

from bot import lookups
from insatskatalog import vocabulary as v


def test_the_committed_topic_tables_are_up_to_date():
    assert lookups.main(["--check"]) == 0, "run: python -m bot.lookups"


def test_the_municipality_tables_are_valid_rasa_data_with_every_name_and_locality():
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    data = RasaYAMLReader().reads(lookups.render_kommuner())
    tables = {t["name"]: t["elements"] for t in data.lookup_tables}
    forms = lookups.kommun_forms()
    assert set(forms) == set(v.KOMMUN_IDS)
    assert tables["kommun"] == [f for fs in forms.values() for f in fs]
    assert tables["ort"] == [o for names in lookups.orter().values() for o in names]
    for kommun_id, kommun_forms in forms.items():
        for form in kommun_forms:
            assert data.entity_synonyms.get(form.lower(), kommun_id) == kommun_id


def test_no_municipality_or_locality_table_is_kept_by_hand():
    """The `kommun` and `ort` tables and the municipality synonyms exist only as generated
    (build/nlu/kommuner_lookups.yml): a hand-kept copy in nlu_data/ would drift from the catalogue."""
    copies = []
    for path in sorted((lookups.ROOT / "nlu_data").rglob("*.yml")):
        with open(path, encoding="utf-8") as f:
            nlu = (yaml.safe_load(f) or {}).get("nlu") or []
        copies += [
            f"{path.relative_to(lookups.ROOT)}: {t}"
            for t in nlu
            if t.get("lookup") in ("kommun", "ort") or t.get("synonym") in v.KOMMUN_IDS
        ]
    assert copies == []


def test_training_and_validation_read_the_generated_tables(monkeypatch, tmp_path):
    from bot import paths, train, validate_data

    assert lookups.KOMMUNER_TARGET.parent in paths.TRAIN_DATA
    for module in (train, validate_data):
        calls = []
        monkeypatch.setattr(module, "write_kommuner", lambda calls=calls: calls.append(1))
        monkeypatch.setattr(
            module.subprocess,
            "run",
            lambda *a, **k: pytest.fail("ran before the tables were written") if not calls else _Failed(),
        )
        monkeypatch.setattr(module, "MODEL", tmp_path / "none.tar.gz", raising=False)
        assert module.main() == 1 and calls == [1]


class _Failed:
    returncode, stdout = 1, ""


def test_write_kommuner_writes_the_generated_table(monkeypatch, tmp_path):
    monkeypatch.setattr(lookups, "KOMMUNER_TARGET", tmp_path / "nlu" / "kommuner_lookups.yml")
    assert lookups.write_kommuner().read_text(encoding="utf-8") == lookups.render_kommuner()
