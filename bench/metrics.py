"""Metric functions for the scenario runner: name matching and hit@k."""
from __future__ import annotations

import math
import re
import unicodedata
from typing import Iterable, Sequence


def normalize(name: str) -> str:
    """Case-insensitive, diacritics-insensitive form of an insats name or id."""
    text = unicodedata.normalize("NFKD", name.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9/ -]", " ", text)).strip()


def matches(expected: str, item: dict) -> bool:
    """An expectation (an insats id or name) matches a recommended item {"id", "namn"}."""
    want = normalize(expected)
    return want in (normalize(item.get("id", "")), normalize(item.get("namn", "")))


def hit_at(recommended: Sequence[dict], expected: Iterable[str], k: int) -> bool:
    expected = list(expected)
    return any(matches(e, item) for item in recommended[:k] for e in expected)


def rate(values: Sequence[bool]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def percentile(values: Sequence[float], p: float) -> float | None:
    if not values:
        return None
    # nearest-rank method: the smallest value with at least p % of the values at or below it
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))
    return round(ordered[index], 1)
