"""Spelling normalisation before the topic vocabulary is matched.

Residents type on phones: without å/ä/ö ("mar dalig"), with typos ("gymnaiset", "skulldsatt") and
in sms style. Matching is done on folded text (å/ä → a, ö → o), so missing diacritics cost nothing;
typos are corrected here with SymSpell (symspellpy) over a dictionary of Swedish word frequencies
(wordfreq's "sv" list) plus every word of our own topic vocabulary, so that a rare domain word
("kronofogden", "spelberoende") is never "corrected" into a common one.

A word is only replaced when it is not itself a known word and a known word lies within one edit
(two for long words). When the packages are missing the text is only folded.
"""
from __future__ import annotations

import re
from functools import lru_cache

from insatskatalog import vocabulary as v
from insatskatalog.text import fold

_WORD = re.compile(r"[a-z0-9]+|[^a-z0-9]+")
_TOP_WORDS = 60000
_VOCAB_COUNT = 10 ** 9  # our own words win every tie


@lru_cache(maxsize=1)
def _speller():
    try:
        from symspellpy import SymSpell
        from wordfreq import top_n_list, zipf_frequency
    except ImportError:  # pragma: no cover - the setup installs both
        return None
    speller = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
    counts: dict[str, int] = {}
    for word in top_n_list("sv", _TOP_WORDS):
        key = fold(word)
        if key.isalpha():
            counts[key] = max(counts.get(key, 0), int(10 ** zipf_frequency(word, "sv")))
    for info in v.amnen().values():
        for phrase in info.get("nyckelord", []):
            for word in re.findall(r"\w+", fold(phrase)):
                counts[word] = _VOCAB_COUNT
    for word, count in counts.items():
        speller.create_dictionary_entry(word, count)
    return speller, set(counts)


def correct_word(word: str) -> str:
    """The word, or the known word one (two for long words) edit away; folded."""
    loaded = _speller()
    word = fold(word)
    if loaded is None or len(word) < 4 or not word.isalpha():
        return word
    speller, known = loaded
    if word in known:
        return word
    from symspellpy import Verbosity

    suggestions = speller.lookup(word, Verbosity.TOP, max_edit_distance=2 if len(word) >= 8 else 1)
    return suggestions[0].term if suggestions else word


def normalise(text: str) -> str:
    """Folded text with typos corrected word by word (punctuation and spacing kept)."""
    return "".join(correct_word(piece) if piece[0].isalnum() else piece for piece in _WORD.findall(fold(text)))


def warm_up() -> None:
    """Builds the dictionary now (a second or two) instead of on the first resident's message."""
    _speller()
