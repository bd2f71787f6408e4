"""The resident's words order insatser that fit alike (bot/insats_relevance.py + Profile.relevans)."""
from dataclasses import replace

import pytest

from bot.insats_relevance import KEEP, combine, relevance
from insatskatalog.routing import Profile, ProfileError, route


def test_the_words_of_the_message_find_the_insats_that_is_about_them():
    scores = relevance("min son sitter häktad sedan i fredags, kan någon från kommunen träffa honom", "uppsala")
    assert next(iter(scores)) == "uppsala/haktessamtal"
    assert all(i.startswith("uppsala/") for i in scores) and len(scores) <= KEEP


def test_spelling_without_diacritics_finds_the_same_insats():
    assert next(iter(relevance("min son sitter haktad sen i fredags", "uppsala"))) == "uppsala/haktessamtal"


def test_a_message_with_no_words_of_any_insats_gives_nothing():
    assert relevance("", "uppsala") == {}
    assert relevance("   ", "uppsala") == {}


def test_earlier_messages_count_less_but_stay():
    out = combine({"a": 1.0}, {"b": 0.5})
    assert out == {"a": 0.7, "b": 0.5}
    assert combine(out, {"b": 0.5})["b"] == pytest.approx(0.85)


def _ids(profil):
    return [r.insats.id for r in route(profil).rekommenderade]


@pytest.mark.parametrize("kommun, alder, amne, text, first", [
    ("mellerud", 16, "beroende", "jag röker cannabis varje dag", "mellerud/cpu-cannabisprogram-for-ungdomar"),
    ("sala", 40, "ekonomi", "jag har skulder hos kronofogden och vill ha skuldsanering",
     "sala/skuldradgivning-och-skuldsanering"),
])
def test_relevance_moves_the_closest_insats_first_among_those_that_fit(kommun, alder, amne, text, first):
    profil = Profile(kommun=kommun, for_vem="sig", alder=alder, amnen=(amne,))
    plain = _ids(profil)
    assert plain[0] != first and first in plain   # without the words another one came first
    ranked = _ids(replace(profil, relevans=tuple(relevance(text, kommun).items())))
    assert ranked[0] == first
    assert set(ranked) == set(plain), "relevance reorders, it never adds or removes an insats"


def test_relevance_never_makes_an_insats_of_another_topic_fit():
    res = route(Profile(kommun="uppsala", for_vem="sig", alder=35, amnen=("ekonomi",),
                       relevans=(("uppsala/haktessamtal", 1.0),)))
    assert "uppsala/haktessamtal" not in [r.insats.id for r in res.rekommenderade]


def test_negative_relevance_is_refused_in_swedish():
    with pytest.raises(ProfileError, match="Relevansen"):
        route(Profile(kommun="uppsala", amnen=("brott",), relevans=(("uppsala/haktessamtal", -1.0),)))
