"""How close a message's words are to each insats's own description.

The topic says which insatser could fit; within a topic the catalogue often has several (a
municipality may have six insatser on addiction). Their order used to depend only on topic
position, role and age, and ties were broken by name. A resident who writes "han spelar bort
pengarna på casino" or "sitter häktad" names what the right insats is about, so the words of the
message are compared with each insats's name, content, target group and methods, and the closest
ones get a bonus in the routing core (`Profile.relevans`).

Character n-grams (4–5, within words) on folded text, because Swedish compounds and residents'
spelling ("spelberoende", "spelar", "spelandet", "casinot") share their stems but not their words.
Only n-grams that are rare across the catalogue count (max_df), so "stöd" or "barn" carry nothing.

Nothing of the message is kept: the result is insats ids with numbers, for the conversation's
slots (bot/actions/state.py).
"""
from __future__ import annotations

from functools import lru_cache

from insatskatalog.loader import default_catalogue
from insatskatalog.text import fold

KEEP = 12            # ids kept per message: enough for every topic's candidates
# Cosine similarities at or below NOISE are chance (a few shared n-grams of common words); above
# it, each insats gets its share of the best match in the municipality (best = 1). Relative, not
# absolute: on the dev half an absolute scale (full marks from 0.15 or 0.25) ranked worse
# (hit@1 0.60–0.61 against 0.63), because how close a description can come depends on how
# much text the municipality wrote for it.
NOISE = 0.03


def _document(insats) -> str:
    # the name twice: it is the shortest and most specific text an insats has
    parts = [insats.namn, insats.namn, insats.innehall or "", insats.malgrupp or "", " ".join(insats.metoder or [])]
    return fold(" ".join(parts))


@lru_cache(maxsize=1)
def _index():
    from sklearn.feature_extraction.text import TfidfVectorizer

    insatser = [i for k in default_catalogue().kommuner.values() for i in k.insatser]
    vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 5), sublinear_tf=True, max_df=0.2)
    matrix = vectoriser.fit_transform([_document(i) for i in insatser])
    return vectoriser, matrix, [i.id for i in insatser]


def relevance(text: str, kommun: str | None = None) -> dict[str, float]:
    """The insatser (of `kommun`, or of all municipalities) whose description is closest to the
    text, as {insats id: 0..1}, best first, at most KEEP."""
    if not text or not text.strip():
        return {}
    vectoriser, matrix, ids = _index()
    sims = (matrix @ vectoriser.transform([fold(text)]).T).toarray().ravel()
    prefix = f"{kommun}/" if kommun else ""
    ranked = sorted(((s, i) for s, i in zip(sims, ids) if s > NOISE and i.startswith(prefix)), reverse=True)
    if not ranked:
        return {}
    best = float(ranked[0][0])
    return {i: round((float(s) - NOISE) / (best - NOISE), 4) for s, i in ranked[:KEEP]}


def combine(earlier: dict[str, float], latest: dict[str, float], decay: float = 0.7) -> dict[str, float]:
    """The need's relevance after one more message: earlier messages count less, never vanish."""
    out = {i: s * decay for i, s in earlier.items()}
    for i, s in latest.items():
        out[i] = round(min(1.0, out.get(i, 0.0) + s), 4)
    return dict(sorted(out.items(), key=lambda kv: -kv[1])[:KEEP])
