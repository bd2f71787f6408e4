"""The catalogue against the seeds: complete, traceable to its source, and in correct Swedish."""
import functools
import re
from pathlib import Path

import pytest

from insatskatalog.loader import default_catalogue
from insatskatalog.text import fold

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
EXPECTED = {"alingsas": 29, "mellerud": 16, "sala": 34, "lekeberg": 27, "uppsala": 31}
SEED_OF = {"alingsas": "000_b7d841ce0235e73d.txt", "mellerud": "001_d999316172960153.txt",
           "sala": "002_6d4ffd2d5a89017a.txt", "lekeberg": "003_0ec7c05ec02aba41.txt",
           "uppsala": "004_55fd875d406514be.txt"}



def needs_seeds(test):
    """Fails, never skips, without ../shared/seeds: an unchecked catalogue must not look checked."""
    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        if not SEEDS.exists():
            pytest.fail(f"the seeds are missing ({SEEDS}); these tests check the catalogue against them")
        return test(*args, **kwargs)
    return wrapper


@pytest.mark.parametrize("kommun,count", EXPECTED.items())
def test_every_insats_without_behovsprovning_is_in_the_catalogue(kommun, count):
    insatser = default_catalogue().kommun(kommun).insatser
    assert sum(not i.behovsprovad for i in insatser) == count


def test_only_lekeberg_lists_behovsprovade_insatser():
    for kommun in default_catalogue().kommuner.values():
        flagged = [i for i in kommun.insatser if i.behovsprovad]
        assert bool(flagged) == (kommun.id == "lekeberg"), kommun.id


@pytest.mark.parametrize("kommun", EXPECTED)
def test_every_entry_names_its_own_seed_file_and_a_section(kommun):
    for insats in default_catalogue().kommun(kommun).insatser:
        assert insats.kalla.fil == SEED_OF[kommun], insats.id
        assert insats.kalla.avsnitt.strip(), insats.id


def _ocr_tolerant(text: str) -> str:
    """Folded seed text with the OCR confusions of seed 002 (ö→6/é, ä→a...) undone as far as folding allows."""
    return re.sub(r"\s+", " ", fold(text).replace("6", "o").replace("é", "o").replace("-\n", ""))


@needs_seeds
@pytest.mark.parametrize("kommun", EXPECTED)
def test_every_name_occurs_in_its_seed(kommun):
    seed = _ocr_tolerant((SEEDS / SEED_OF[kommun]).read_text(encoding="utf-8"))
    seed_words = set(re.findall(r"[a-z0-9]+", seed))
    missing = []
    for insats in default_catalogue().kommun(kommun).insatser:
        words = [w for w in re.findall(r"[a-z0-9]+", fold(insats.namn)) if len(w) >= 4]
        found = sum(w in seed_words or w in seed for w in words)
        if words and found < max(1, (len(words) + 1) // 2):
            missing.append(insats.namn)
    assert not missing, f"names not found in {SEED_OF[kommun]}: {missing}"


def _all_text(insats) -> list[str]:
    vil = insats.villkor
    return [insats.namn, insats.malgrupp, insats.innehall, insats.omfattning, insats.utforare, insats.anonymitet,
            insats.dokumentation_text, insats.anmarkning, vil.bosattning_text, vil.samtycke_text, vil.remiss_fran,
            *vil.ovrigt, *insats.metoder]


# Words that the OCR of seed 002 produced without their å/ä/ö; none may remain in the catalogue.
OCR_WORDS = {"ar", "for", "pa", "nar", "aven", "foraldrar", "foralder", "foraldraskap", "radgivning", "behovsprovning",
             "stodsamtal", "anhoriga", "anhorig", "malgrupp", "insatsen ar", "ocksa", "mojlighet", "langre", "aldre",
             "hjalp", "halsa", "ohalsa", "mote", "moten", "gar", "sarskilda", "tillganglig"}


@pytest.mark.parametrize("kommun", ["sala"])
def test_no_ocr_damage_in_sala(kommun):
    problems = []
    for insats in default_catalogue().kommun(kommun).insatser:
        for text in _all_text(insats):
            for word in re.findall(r"[A-Za-zÅÄÖåäöéÉ0-9]+", text):
                low = word.lower()
                if re.search(r"[a-zåäö][0-9]|[0-9][a-zåäö]", low) and not re.fullmatch(r"\d+(år|-årig|e|a|:e|:a)", low):
                    problems.append((insats.id, word))
                if "é" in low and low not in ("café", "idé", "idéer", "kafé"):
                    problems.append((insats.id, word))
                if low == "dr" or low in OCR_WORDS:
                    problems.append((insats.id, word))
    assert not problems, problems[:20]


def test_swedish_letters_are_used():
    for kommun in default_catalogue().kommuner.values():
        text = " ".join(t for i in kommun.insatser for t in _all_text(i))
        assert re.search(r"[åäö]", text), kommun.id
