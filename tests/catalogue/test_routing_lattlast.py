"""Lättläst in the routing core (issue 13.6): every reason, villkor and "does not fit" text that
routing makes has its easy-to-read form beside it, made by the same rule, with the same facts."""
from __future__ import annotations

import re

import pytest

from insatskatalog import routing
from insatskatalog import vocabulary as v
from insatskatalog.loader import default_catalogue
from insatskatalog.routing import Profile, ProfileError, route

PROFILER = [
    Profile(kommun="mellerud", for_vem="sig", alder=16, amnen=("beroende",)),
    Profile(kommun="mellerud", for_vem="mitt-barn", barn_alder=12, amnen=("foraldraskap",), format="grupp", anonym=True),
    Profile(kommun="mellerud", for_vem="sig", alder=70, amnen=("skola",)),
    Profile(kommun="alingsas", for_vem="anhorig", barn_alder=17, alder=45, amnen=("beroende",)),
    Profile(kommun="alingsas", for_vem="familj", alder=35, amnen=("relation",), format="individuellt"),
    Profile(kommun="uppsala", for_vem="mitt-barn", barn_alder=8, amnen=("psykisk-ohalsa",)),
]

NUMBERS = re.compile(r"\d+(?:–\d+)?")


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+", text.strip()) if s]


@pytest.mark.parametrize("profil", PROFILER, ids=lambda p: f"{p.kommun}-{p.for_vem}-{'-'.join(p.amnen)}")
def test_each_reason_is_one_short_sentence_with_the_same_facts(profil):
    res = route(profil, default_catalogue())
    assert res.rekommenderade
    for rek in res.rekommenderade:
        easy = rek.varfor_lattlast
        assert easy and easy != rek.varfor
        assert all(len(s.split()) <= 15 for s in sentences(easy)), easy
        # the same ages, and every topic named in the normal reason
        assert NUMBERS.findall(easy) == NUMBERS.findall(rek.varfor), (rek.varfor, easy)
        for amne in profil.amnen:
            label = v.amne_etikett(amne).lower()
            assert (label in easy) == (label in rek.varfor), (label, easy)
        # "you can stay anonymous" only where the normal reason says it
        assert ("Du behöver inte säga vem du är." in easy) == ("du kan vara anonym" in rek.varfor)


def test_the_age_villkor_and_the_referral_have_an_easy_text_the_catalogues_own_do_not():
    res = route(PROFILER[0], default_catalogue())
    seen = set()
    for rek in res.rekommenderade:
        for s in rek.villkor:
            if s.text.startswith("Ålder: "):
                assert s.text_lattlast == "Åldern ska vara " + s.text.removeprefix("Ålder: ")
                seen.add("alder")
            elif s.text.startswith("Kräver remiss"):
                assert s.text_lattlast.startswith("Du behöver en remiss")
            else:
                assert s.text_lattlast == "" and s.visa(lattlast=True) == s.text  # from the catalogue: as it is
            assert s.visa() == s.text
    assert seen == {"alder"}


def test_what_does_not_fit_is_said_in_whole_easy_sentences():
    res = route(Profile(kommun="mellerud", for_vem="sig", alder=70, amnen=("beroende",)), default_catalogue())
    assert res.villkor_ej_uppfyllda
    for e in res.villkor_ej_uppfyllda:
        assert e.skal_lattlast.endswith(".") and "Du är 70 år." in e.skal_lattlast, e.skal_lattlast
        assert NUMBERS.findall(e.skal_lattlast) == NUMBERS.findall(e.skal)


def test_the_guardians_consent_when_it_fails():
    res = route(Profile(kommun="alingsas", for_vem="sig", alder=13, amnen=("psykisk-ohalsa",), samtycke=False),
                default_catalogue())
    consent = [e for e in res.villkor_ej_uppfyllda if "samtycke" in e.skal]
    assert consent and all(e.skal_lattlast == "En vårdnadshavare måste säga ja till stödet." for e in consent)


def test_an_age_out_of_range_is_explained_in_lattlast_too():
    with pytest.raises(ProfileError) as exc:
        Profile(kommun="mellerud", alder=500).validate(default_catalogue())
    assert str(exc.value).startswith("Ålder 500 går inte att använda.")
    assert exc.value.lattlast == f"Ålder 500 år går inte. Skriv en ålder från 0 till {routing.MAX_ALDER} år."
    # a message without an easy form is its own
    assert ProfileError("Relevansen måste vara tal från 0 och uppåt.").lattlast.startswith("Relevansen")


def test_the_bots_cards_carry_the_easy_reasons():
    from bot.actions.replies import rekommendation_svar

    res = route(PROFILER[0], default_catalogue())
    cards = rekommendation_svar(res)[1]["insatser"]
    assert [c["varfor_lattlast"] for c in cards] == [r.varfor_lattlast for r in res.rekommenderade[:len(cards)]]
