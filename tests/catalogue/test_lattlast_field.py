"""The easy-to-read summaries (issue 13.6): every insats of the covered municipality has one, and
each says only what the insats's own catalogue fields say (no new number, no lost legal reference)."""
import re

import pytest

from insatskatalog.loader import default_catalogue
from insatskatalog.schema import LATTLAST_MAX_ORD, warnings_all

# The municipality whose insatser all have a lättläst summary (README: how much is covered).
LATTLAST_KOMMUN = "mellerud"
LAGRUM = re.compile(r"\d+ kap\. \d+ §")


def own_text(insats) -> str:
    vil = insats.villkor
    parts = [insats.namn, insats.malgrupp, insats.innehall, insats.omfattning, insats.anonymitet,
             vil.bosattning_text, vil.samtycke_text, *vil.ovrigt, *insats.metoder,
             vil.alder.text() if vil.alder.angivet else "", vil.barn_alder.text() if vil.barn_alder.angivet else ""]
    return " ".join(parts)


INSATSER = default_catalogue().kommun(LATTLAST_KOMMUN).insatser


def test_every_insats_of_the_covered_municipality_has_one():
    assert INSATSER and [i.id for i in INSATSER if not i.innehall_lattlast] == []


@pytest.mark.parametrize("insats", INSATSER, ids=lambda i: i.slug)
def test_it_adds_no_number_and_keeps_every_legal_reference(insats):
    easy, own = insats.innehall_lattlast, own_text(insats)
    assert set(re.findall(r"\d+", easy)) <= set(re.findall(r"\d+", own)), "a number not in the catalogue"
    assert LAGRUM.findall(insats.innehall) == LAGRUM.findall(easy)
    assert "@" not in easy and "http" not in easy  # no contact of its own


def test_its_sentences_are_short():
    assert [str(w) for w in warnings_all() if "innehall_lattlast" in w.message] == []
    for insats in INSATSER:
        for sentence in re.split(r"(?<=[.!?])\s+", insats.innehall_lattlast):
            assert len(sentence.split()) <= LATTLAST_MAX_ORD, sentence


def test_elsewhere_the_normal_summary_stands_in():
    other = next(i for i in default_catalogue().alla_insatser() if not i.innehall_lattlast)
    assert other.sammanfattning(lattlast=True) == other.innehall


def test_the_bots_cards_carry_it_for_the_widget():
    from bot.actions.replies import rekommendation_svar
    from insatskatalog.routing import Profile, route

    catalogue = default_catalogue()
    res = route(Profile(kommun=LATTLAST_KOMMUN, for_vem="sig", alder=16, amnen=("beroende",)), catalogue)
    cards = rekommendation_svar(res)[1]["insatser"]
    assert cards and all(c["lattlast"] == catalogue.insats(c["id"]).innehall_lattlast for c in cards)
    other = next(i for i in catalogue.alla_insatser() if not i.innehall_lattlast and not i.behovsprovad)
    res = route(Profile(kommun=other.kommun, for_vem="sig", amnen=other.amnen[:1]), catalogue)
    assert all(c["lattlast"] == catalogue.insats(c["id"]).sammanfattning(lattlast=True) for c in rekommendation_svar(res)[1]["insatser"])
