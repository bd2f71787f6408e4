"""Splits the blind-authored conversations once into a dev half and a sealed half.

The authors (helpers given only ../shared/seeds and ../shared/GUIDE.md, never our code, NLU data
or the bot's questions) name the fitting insatser as the seeds write them. This script resolves
each name to a catalogue id (exact, then diacritics-insensitive, then the closest name in that
municipality) and assigns each conversation to a half by a hash of its id, so the split never
depends on the content. Unresolved names are printed (the name only, never the conversation).

Usage: python -m bench.blind_split /work/blind/*.jsonl   -> bench/blind/dev.jsonl, sealed.jsonl
"""
from __future__ import annotations

import difflib
import hashlib
import json
import sys
from pathlib import Path

from bench.metrics import normalize
from insatskatalog.loader import default_catalogue

OUT = Path(__file__).parent / "blind"


def half(scenario_id: str) -> str:
    return "sealed" if int(hashlib.sha256(scenario_id.encode()).hexdigest(), 16) % 2 else "dev"


def _key(name: str) -> str:
    return normalize(name.replace("–", "-").replace("—", "-")).replace(" - ", " ").replace("-", " ")


def resolve(name: str, kommun: str) -> str | None:
    insatser = default_catalogue().kommun(kommun).insatser
    by_name = {_key(i.namn): i.id for i in insatser}
    want = _key(name)
    if want in by_name:
        return by_name[want]
    for key, insats_id in by_name.items():
        if want and (want in key or key in want):
            return insats_id
    acronym = name.split()[0] if name.split() else ""
    if len(acronym) >= 3 and acronym.isupper():
        hits = [i.id for i in insatser if acronym.lower() in normalize(i.namn).replace("(", " ").split()]
        if len(hits) == 1:
            return hits[0]
    close = difflib.get_close_matches(want, list(by_name), n=1, cutoff=0.55)
    if close:
        return by_name[close[0]]
    # word overlap: the author's short name inside the catalogue's longer one
    words = set(want.replace("-", " ").split())
    best = max(by_name, key=lambda k: len(words & set(k.replace("-", " ").split())), default=None)
    if best and len(words & set(best.replace("-", " ").split())) >= max(2, len(words) // 2):
        return by_name[best]
    return None


def main(paths: list[str]) -> int:
    halves: dict[str, list[dict]] = {"dev": [], "sealed": []}
    unresolved = []
    approximate: set = set()
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            s = json.loads(line)
            ids = []
            for name in s.get("expect") or []:
                insats_id = resolve(name, s["kommun"])
                if insats_id:
                    ids.append(insats_id)
                    if _key(name) != _key(default_catalogue().insats(insats_id).namn):
                        approximate.add((name, default_catalogue().insats(insats_id).namn))
                else:
                    unresolved.append((s["kommun"], name))
            s["expect_names"] = s.get("expect") or []
            s["expect"] = list(dict.fromkeys(ids))
            halves[half(s["id"])].append(s)
    OUT.mkdir(exist_ok=True)
    for name, rows in halves.items():
        rows.sort(key=lambda s: s["id"])
        with open(OUT / f"{name}.jsonl", "w", encoding="utf-8") as f:
            for s in rows:
                f.write(json.dumps(s, ensure_ascii=False) + "\n")
        print(f"{name}: {len(rows)} samtal")
    for name, resolved in sorted(approximate):
        print(f"ungefärligt: {name} -> {resolved}")
    for kommun, name in sorted(set(unresolved)):
        print(f"olöst namn ({kommun}): {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
