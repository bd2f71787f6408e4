"""Emergency numbers (data/_nodinformation.yml), shown first whenever there is acute danger."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

from .vocabulary import DATA_DIR


@dataclass(frozen=True)
class Nodnummer:
    namn: str
    nummer: str
    nar: str
    kalla: str
    nar_lattlast: str = ""  # `nar` in easy-to-read Swedish (issue 13.6); "" = show `nar`


@lru_cache(maxsize=1)
def nodnummer() -> tuple[Nodnummer, ...]:
    with open(DATA_DIR / "_nodinformation.yml", encoding="utf-8") as f:
        return tuple(Nodnummer(**d) for d in yaml.safe_load(f)["nummer"])


def akut_text() -> str:
    lines = ["Om någon är i fara just nu: ring 112."]
    for n in nodnummer()[1:]:
        lines.append(f"{n.namn}: {n.nummer}. {n.nar}")
    return "\n".join(lines)
