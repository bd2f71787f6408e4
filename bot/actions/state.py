"""What the actions need from a conversation: the needs profile, the municipality, statistics.

Reads slots only; message text is read solely by tolkning.py, and never stored or logged.
"""
from __future__ import annotations

from typing import Any, Optional

from catalogue import statistics
from catalogue.loader import default_catalogue
from catalogue.models import Kommun
from catalogue.routing import Profil

from .tolkning import ALDER_OKAND, OKANT


def _alder(value: Any) -> Optional[int]:
    try:
        value = int(float(value))
    except (TypeError, ValueError):
        return None
    return None if value == ALDER_OKAND else value


def kommun_av(tracker) -> Optional[Kommun]:
    """The municipality: the slot, else the page's metadata on the latest message."""
    kommun_id = tracker.get_slot("kommun") or ((tracker.latest_message or {}).get("metadata") or {}).get("kommun")
    if kommun_id in default_catalogue().kommuner:
        return default_catalogue().kommun(kommun_id)
    return None


def profil_av(tracker) -> Optional[Profil]:
    kommun = kommun_av(tracker)
    if kommun is None:
        return None
    for_vem = tracker.get_slot("for_vem")
    samtycke = tracker.get_slot("samtycke")
    return Profil(
        kommun=kommun.id,
        for_vem=for_vem if for_vem in ("sig", "mitt-barn", "anhorig", "familj") else "sig",
        alder=_alder(tracker.get_slot("alder")),
        barn_alder=_alder(tracker.get_slot("barn_alder")),
        amnen=tuple(a for a in (tracker.get_slot("amnen") or []) if a != OKANT),
        anonym=bool(tracker.get_slot("anonym")),
        format=tracker.get_slot("format") if tracker.get_slot("format") in ("grupp", "individuellt") else None,
        samtycke=samtycke if isinstance(samtycke, bool) else None,
    )


def senaste_intent(tracker) -> Optional[str]:
    return (tracker.latest_message or {}).get("intent", {}).get("name")


def _forsta_behov_intent(tracker) -> Optional[str]:
    """The intent that started the current need: the last topic intent, else the latest intent."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            name = (event.get("parse_data") or {}).get("intent", {}).get("name", "")
            if name.startswith("behov_") or name in ("fraga_foraldraprogram",):
                return name
    return senaste_intent(tracker)


def registrera(tracker, utfall: str, intent: Optional[str] = None) -> None:
    """Counts one outcome in the anonymous statistics (catalogue.statistics)."""
    amnen = [a for a in (tracker.get_slot("amnen") or []) if a != OKANT]
    statistics.record(
        kommun=tracker.get_slot("kommun"), kanal="chatt", amne=amnen[0] if amnen else None,
        intent=intent or _forsta_behov_intent(tracker), utfall=utfall,
    )
