"""The conversation's facts as slots, and the needs profile the routing core gets from them.

Slots hold only categories and numbers (topic ids, who, age ranges), never message text. They
live in Rasa's tracker, in memory, and expire with the session (bot/domain/session.yml).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from insatskatalog import statistics
from insatskatalog.loader import default_catalogue
from insatskatalog.models import Kommun
from insatskatalog.routing import Profile

from bot.interpreter import UNKNOWN

FOR_VEM_VALUES = ("sig", "mitt-barn", "anhorig", "familj")


def _span(value: Any) -> Optional[tuple[int, int]]:
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(x, (int, float)) for x in value):
        return int(value[0]), int(value[1])
    return None


def _scores(value: Any) -> dict:
    if not isinstance(value, dict):
        return {}
    return {str(k): float(s) for k, s in value.items() if isinstance(s, (int, float)) and s >= 0}


@dataclass
class State:
    """The facts gathered so far in the current need."""
    kommun: Optional[str] = None
    amnen: list[str] = field(default_factory=list)
    for_vem: Optional[str] = None
    alder: Optional[tuple[int, int]] = None            # the asker's age range
    barn_alder: list[tuple[int, int]] = field(default_factory=list)   # the child's / relative's
    alder_skipped: bool = False
    format: Optional[str] = None
    sprak: Optional[str] = None
    anonym: bool = False
    asked: Optional[str] = None      # the question the bot asked last turn, if any
    asked_before: list[str] = field(default_factory=list)  # questions asked in this need
    recommended: bool = False        # this need has had its recommendation (and was counted)
    visade: list[str] = field(default_factory=list)
    sida: int = 0
    relevans: dict = field(default_factory=dict)   # {insats id: score}: numbers, never the words
    kontakt_url: Optional[str] = None   # from the message's metadata each turn; not a slot

    @classmethod
    def from_tracker(cls, tracker) -> "State":
        slot = tracker.get_slot
        barn = slot("barn_alder")
        return cls(
            kommun=slot("kommun"), amnen=list(slot("amnen") or []), for_vem=slot("for_vem"),
            alder=_span(slot("alder")),
            barn_alder=[s for s in (_span(b) for b in (barn or [])) if s] if isinstance(barn, list) else [],
            alder_skipped=bool(slot("alder_skipped")), format=slot("format"), sprak=slot("sprak"),
            anonym=bool(slot("anonym")), asked=slot("asked"), asked_before=list(slot("asked_before") or []),
            recommended=bool(slot("recommended")), visade=list(slot("visade") or []), sida=int(slot("sida") or 0),
            relevans=_scores(slot("relevans")),
        )

    def slots(self) -> dict:
        return {
            "kommun": self.kommun, "amnen": self.amnen, "for_vem": self.for_vem,
            "alder": list(self.alder) if self.alder else None,
            "barn_alder": [list(s) for s in self.barn_alder] or None, "alder_skipped": self.alder_skipped,
            "format": self.format, "sprak": self.sprak, "anonym": self.anonym, "asked": self.asked,
            "asked_before": self.asked_before, "recommended": self.recommended, "visade": self.visade,
            "sida": float(self.sida), "relevans": self.relevans or None,
        }

    def new_need(self, keep_person: bool) -> None:
        """A different need: nothing of the old one carries over unless it is the same person."""
        if not keep_person:
            self.for_vem, self.alder, self.barn_alder, self.alder_skipped = None, None, [], False
        self.format, self.asked, self.asked_before, self.recommended = None, None, [], False
        self.visade, self.sida, self.relevans = [], 0, {}

    def unknown(self) -> tuple[str, ...]:
        missing = []
        if self.for_vem is None:
            missing.append("for_vem")
        if self.alder is None and not self.alder_skipped:
            missing.append("alder")
        if not self.barn_alder and not self.alder_skipped:
            missing.append("barn_alder")
        return tuple(m for m in missing if m not in self.asked_before)

    def profil(self) -> Optional[Profile]:
        if self.kommun not in default_catalogue().kommuner:
            return None
        alder = self.alder
        return Profile(
            kommun=self.kommun,
            for_vem=self.for_vem if self.for_vem in FOR_VEM_VALUES else "sig",
            alder=alder[0] if alder and alder[0] == alder[1] else None,
            alder_span=alder if alder and alder[0] != alder[1] else None,
            barn_aldrar=tuple(self.barn_alder),
            amnen=tuple(a for a in self.amnen if a != UNKNOWN),
            anonym=self.anonym,
            format=self.format if self.format in ("grupp", "individuellt") else None,
            sprak=self.sprak,
            relevans=tuple(self.relevans.items()),
        )

    def kommun_obj(self) -> Optional[Kommun]:
        return default_catalogue().kommun(self.kommun) if self.kommun in default_catalogue().kommuner else None


def record(state: State, outcome: str, intent: Optional[str]) -> None:
    """Counts one outcome in the anonymous statistics (insatskatalog.statistics): categories only."""
    statistics.record(kommun=state.kommun, kanal="chatt", amne=state.amnen[0] if state.amnen else None,
                      intent=intent, utfall=outcome)
