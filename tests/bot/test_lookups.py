"""The NLU lookup tables that are catalogue data (bot/lookups.py): generated, never hand-kept apart."""

from __future__ import annotations

import pytest
import yaml

from bot import lookups
from insatskatalog import vocabulary as v


@pytest.mark.xfail(
    strict=True,
    reason="nlu_data/train/amnen_lookups.yml is older than catalogue/data/_amnen.yml "
    "(about 1,800 lines): the NLU data's owner regenerates it (python -m bot.lookups) before the "
    "next training, then removes this mark",
)
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


def test_a_hand_kept_municipality_table_holds_nothing_the_catalogue_does_not_generate():
    """nlu_data/train/lookups.yml still has a hand-kept `kommun` table and synonyms (to be replaced
    by build/nlu/kommuner_lookups.yml): while it is there, each of its forms must be one the
    generator makes from the catalogue, mapped to the same id, and every municipality must be in it."""
    with open(lookups.ROOT / "nlu_data" / "train" / "lookups.yml", encoding="utf-8") as f:
        nlu = yaml.safe_load(f)["nlu"]
    hand = [line.strip("- ").strip() for t in nlu if t.get("lookup") == "kommun" for line in t["examples"].splitlines()]
    if not hand:
        return  # replaced by the generated table: nothing hand-kept left to drift
    forms = lookups.kommun_forms()
    generated = {form: kommun_id for kommun_id, fs in forms.items() for form in fs}
    assert set(hand) <= set(generated), set(hand) - set(generated)
    assert {generated[form] for form in hand} == set(v.KOMMUN_IDS)
    for t in nlu:
        if t.get("synonym") in forms:
            for line in t["examples"].splitlines():
                form = line.strip("- ").strip()
                assert generated.get(form, generated.get(form.capitalize())) == t["synonym"], form
