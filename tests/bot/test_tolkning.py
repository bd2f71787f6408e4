"""Reading ages, who the help is for, topics and the municipality from informal Swedish."""
import pytest

from bot.actions import tolkning as t


@pytest.mark.parametrize("text,expected", [
    ("16", 16), ("han är 16", 16), ("typ 15", 15), ("sexton", 16), ("sexton år", 16), ("tonåring", 15),
    ("bebis", 0), ("går i sjuan", 13), ("jag är bara 14", 14), ("15–17", 16), ("Under 15", 13),
    ("hon är tjugotre", 23), ("han är 6 månader", 0), ("femtonåring", 15), ("65 eller äldre", 70),
])
def test_parse_alder(text, expected):
    assert t.parse_alder(text) == expected


@pytest.mark.parametrize("text", ["300", "min son röker på", "hej", ""])
def test_parse_alder_none(text):
    assert t.parse_alder(text) is None


def test_strict_mode_needs_an_age_expression():
    assert t.parse_alder("jag har 3 barn", fri=False) is None
    assert t.parse_alder("min dotter på 12 år", fri=False) == 12


def test_invalid_age_numbers():
    assert t.ogiltig_alder("300")
    assert t.ogiltig_alder("-3")
    assert not t.ogiltig_alder("16")


@pytest.mark.parametrize("text,entities,expected", [
    ("Mig själv", [], "sig"),
    ("Mitt barn", [], "mitt-barn"),
    ("min son röker på", [{"entity": "relation", "value": "son"}], "mitt-barn"),
    ("min man dricker", [{"entity": "relation", "value": "partner"}], "anhorig"),
    ("det gäller oss båda", [{"entity": "relation", "value": "familj"}], "familj"),
    ("hej", [], None),
])
def test_for_vem(text, entities, expected):
    assert t.for_vem_fran(text, entities) == expected


def test_topics_from_intent_buttons_and_entities():
    assert t.amnen_fran("min son röker på", "behov_beroende", []) == ["beroende"]
    assert t.amnen_fran("Relationer och separation", "nlu_fallback", []) == ["relation", "separation"]
    assert t.amnen_fran("han dricker", "behov_anhorig", [{"entity": "substans", "value": "alkohol"}]) == ["anhorig", "beroende"]
    assert t.amnen_fran("finns det föräldrakurser", "fraga_foraldraprogram", []) == ["foraldraskap"]


def test_kommun_from_metadata_first():
    assert t.kommun_fran("jag bor i Sala", [], {"kommun": "uppsala"}) == "uppsala"
    assert t.kommun_fran("jag bor i Sala", [], {}) == "sala"
    assert t.kommun_fran("Alingsås", [], None) == "alingsas"
    assert t.kommun_fran("hej", [], {"kommun": "stockholm"}) is None


def test_whose_age():
    assert t.alder_galler_barnet("han är 16", "mitt-barn", None)
    assert not t.alder_galler_barnet("jag är bara 14", "mitt-barn", None)
    assert t.alder_galler_barnet("16", "sig", "barn_alder")
    assert not t.alder_galler_barnet("16", "mitt-barn", "alder")


def test_skip():
    assert t.ar_skip("vill inte säga", None)
    assert t.ar_skip("Vill inte säga", "nlu_fallback")
    assert t.ar_skip("whatever", "skip")
    assert not t.ar_skip("16", "uppge_alder")


def test_ordning():
    assert t.ordning_fran("berätta mer om den andra", []) == 2
    assert t.ordning_fran("mer om", [{"entity": "ordning", "value": "3"}]) == 3
    assert t.ordning_fran("den sista", []) == -1


def test_topic_lookup_tables_are_generated_from_the_vocabulary():
    from bot.lookups import main
    assert main(["--check"]) == 0


@pytest.mark.parametrize("text", ["ligger efter med hyran 3 månader", "han har druckit i 10 år",
                                  "för 5 år sedan slog han mig", "vi har varit gifta i 20 år"])
def test_a_duration_in_the_first_message_is_not_an_age(text):
    assert t.parse_alder(text, fri=False) is None


@pytest.mark.parametrize("text,expected", [
    ("bebisen är 3 månader", 0), ("min son på 15 år röker", 15), ("jag har druckit i 20 år och är 45 år", 45),
    ("en 15-åring i klassen", 15),
])
def test_an_age_beside_a_duration_is_still_found(text, expected):
    assert t.parse_alder(text, fri=False) == expected


@pytest.mark.parametrize("text", ["hej jag bor i sverige två år nu", "jag har bott här i tre år",
                                  "vi har varit ihop 12 år"])
def test_a_duration_in_words_is_not_an_age(text):
    assert t.parse_alder(text, fri=False) is None
