"""Noting a described need, and the form that asks only for what is still missing.

One question at a time, each skippable ("vill inte säga"); the municipality comes from the
widget's metadata and is asked only when absent.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from . import tolkning as t
from .sakerhet import PERSONUPPGIFT_TEXT, har_personuppgift

# Intents that have their own in-form rule (bot/data/rules.yml): for these the form gives way.
AVBROTT = {
    "fraga_anonym", "fraga_ansoka", "fraga_person", "fraga_insats", "ekonomiskt_bistand", "behovsprovad_insats",
    "personuppgift", "akut_fara", "bot_challenge", "out_of_scope", "annat_sprak", "goodbye", "tomt_meddelande",
}


def _msg(tracker: Tracker) -> tuple[str, Optional[str], list, dict]:
    latest = tracker.latest_message or {}
    return (latest.get("text") or "", (latest.get("intent") or {}).get("name"), latest.get("entities") or [],
            latest.get("metadata") or {})


def tolka(tracker: Tracker, requested: Optional[str] = None) -> Dict[Text, Any]:
    """Slot values this message gives, given which question (if any) the bot just asked."""
    text, intent, entities, metadata = _msg(tracker)
    slots: Dict[Text, Any] = {}
    kommun = t.kommun_fran(text, entities, metadata)
    if kommun and kommun != tracker.get_slot("kommun"):
        slots["kommun"] = kommun
    amnen = t.amnen_fran(text, intent, entities)
    if amnen:
        slots["amnen"] = amnen
    if intent == "fraga_foraldraprogram" and not tracker.get_slot("for_vem"):
        slots["for_vem"] = "mitt-barn"
    for_vem = t.for_vem_fran(text, entities)
    if for_vem:
        slots["for_vem"] = for_vem
    if intent == "fraga_grupp":
        slots["format"] = "grupp"
    elif intent == "fraga_individuellt":
        slots["format"] = "individuellt"
    if "anonym" in text.lower() and intent not in ("fraga_anonym",):
        slots["anonym"] = True

    asked_age = requested in ("alder", "barn_alder")
    alder = t.parse_alder(text, fri=asked_age)
    if alder is not None:
        current_for = slots.get("for_vem") or tracker.get_slot("for_vem")
        slot = "barn_alder" if t.alder_galler_barnet(text, current_for, requested) else "alder"
        slots[slot] = alder
    if requested and requested not in slots and t.ar_skip(text, intent):
        slots[requested] = {"for_vem": t.OKANT, "alder": t.ALDER_OKAND, "barn_alder": t.ALDER_OKAND,
                            "amnen": [], "samtycke": t.OKANT, "kommun": None}.get(requested)
    if requested == "samtycke" and "samtycke" not in slots:
        if intent == "affirm":
            slots["samtycke"] = True
        elif intent == "deny":
            slots["samtycke"] = False
    return slots


class ActionNoteraBehov(Action):
    """Runs before the form: keeps what the resident's message already told us."""

    def name(self) -> Text:
        return "action_notera_behov"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        slots = tolka(tracker)
        _, intent, _, _ = _msg(tracker)
        if har_personuppgift(tracker):
            dispatcher.utter_message(text=PERSONUPPGIFT_TEXT)
        events = [SlotSet(k, v) for k, v in slots.items()]
        if "amnen" in slots or intent in ("fraga_grupp", "fraga_individuellt") or "alder" in slots or "barn_alder" in slots:
            events.append(SlotSet("sida", 0))  # a changed need starts the suggestions from the top
        return events


class ValidateBehovForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_behov_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> List[Text]:
        slots = ["kommun", "amnen", "for_vem"]
        for_vem = tracker.get_slot("for_vem")
        slots.append("barn_alder" if for_vem == "mitt-barn" else "alder")
        alder = tracker.get_slot("alder")
        if for_vem in ("sig", t.OKANT) and isinstance(alder, (int, float)) and 0 <= alder < 15:
            slots.append("samtycke")
        return slots

    async def run(self, dispatcher, tracker, domain):
        requested = tracker.get_slot("requested_slot")
        slots = tolka(tracker, requested)
        text, intent, _, _ = _msg(tracker)
        if har_personuppgift(tracker) and intent != "personuppgift":
            dispatcher.utter_message(text=PERSONUPPGIFT_TEXT)
        if requested and not slots and intent not in AVBROTT:
            if requested in ("alder", "barn_alder") and t.ogiltig_alder(text):
                dispatcher.utter_message(text="Det låter inte som en ålder. Skriv en ålder mellan 0 och 120 år, eller \"vill inte säga\".")
            else:
                dispatcher.utter_message(text="Jag förstod inte riktigt. Du kan välja ett av alternativen eller skriva \"vill inte säga\".")
            # Setting an unrelated slot keeps the form active, so it asks the same question again
            # instead of handing the turn to the dialogue policies.
            slots["sida"] = 0
        for key, value in slots.items():
            tracker.slots[key] = value
        events = [SlotSet(k, v) for k, v in slots.items()]
        next_slot = None
        for slot in await self.required_slots([], dispatcher, tracker, domain):
            if tracker.get_slot(slot) is None:
                next_slot = slot
                break
        if next_slot is None and tracker.get_slot("kommun") is None:
            next_slot = "kommun"
        return events + [SlotSet("requested_slot", next_slot)]
