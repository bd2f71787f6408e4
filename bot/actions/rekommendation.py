"""Recommending insatser through the one routing core, and the follow-ups on a recommendation."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from catalogue.loader import default_catalogue
from catalogue.routing import route

from . import svar
from .kontext import kommun_av, profil_av, registrera
from .tolkning import ordning_fran


def _visa(dispatcher: CollectingDispatcher, tracker: Tracker, start: int) -> List[Dict[Text, Any]]:
    profil = profil_av(tracker)
    if profil is None:
        dispatcher.utter_message(response="utter_ask_kommun")
        return []
    res = route(profil)
    texts, payload, ids = svar.rekommendation_svar(res, start)
    for text in texts[:-1]:
        dispatcher.utter_message(text=text)
    if payload:
        dispatcher.utter_message(json_message=payload)
    # The right to apply always comes last, with the follow-up choices.
    dispatcher.utter_message(text=texts[-1], buttons=svar.UPPFOLJNING_KNAPPAR if ids else [])
    if start == 0:
        registrera(tracker, "rekommenderat" if ids else ("kraver_ansokan" if res.kraver_ansokan else "inget_passade"))
    return [SlotSet("visade", ids or tracker.get_slot("visade")), SlotSet("sida", start)]


class ActionRekommendera(Action):
    def name(self) -> Text:
        return "action_rekommendera"

    async def run(self, dispatcher, tracker, domain):
        return _visa(dispatcher, tracker, 0)


class ActionNagotAnnat(Action):
    """"Något annat?": the next suggestions for the same needs."""

    def name(self) -> Text:
        return "action_nagot_annat"

    async def run(self, dispatcher, tracker, domain):
        if not tracker.get_slot("visade"):
            dispatcher.utter_message(response="utter_ask_amnen")
            return []
        start = int(tracker.get_slot("sida") or 0) + svar.MAX_FORSLAG
        return _visa(dispatcher, tracker, start)


class ActionBerattaMer(Action):
    """"Berätta mer om den andra": every detail of one shown insats."""

    def name(self) -> Text:
        return "action_beratta_mer"

    async def run(self, dispatcher, tracker, domain):
        visade = tracker.get_slot("visade") or []
        if not visade:
            dispatcher.utter_message(text="Jag har inte visat några insatser än. Berätta vad det gäller, så letar jag.")
            return []
        latest = tracker.latest_message or {}
        n = ordning_fran(latest.get("text") or "", latest.get("entities") or []) or 1
        index = len(visade) - 1 if n == -1 else min(max(n, 1), len(visade)) - 1
        insats = default_catalogue().insats(visade[index])
        kommun = kommun_av(tracker) or default_catalogue().kommun(insats.kommun)
        dispatcher.utter_message(text=svar.mer_om_text(insats, kommun))
        return []
