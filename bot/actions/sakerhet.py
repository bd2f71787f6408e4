"""Acute danger first; personal data and other languages handled kindly, never echoed."""
from __future__ import annotations

from typing import Text

from rasa_sdk import Action

from catalogue.emergency import akut_text

from .kontext import registrera


class ActionAkut(Action):
    def name(self) -> Text:
        return "action_akut"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text=akut_text())
        dispatcher.utter_message(text=(
            "Du är inte ensam. Om du inte är i fara just nu kan du berätta mer, så hjälper jag dig att hitta "
            "stöd i kommunen."))
        registrera(tracker, "kris", intent="akut_fara")
        return []


PERSONUPPGIFT_TEXT = (
    "Jag behöver inte ditt personnummer, telefonnummer eller din e-postadress, så jag har tagit bort det "
    "och sparar det inte. Du kan vara anonym här.")


def har_personuppgift(tracker) -> bool:
    """Whether the latest message had personal data removed (by the channel or the NLU component)."""
    latest = tracker.latest_message or {}
    return bool((latest.get("metadata") or {}).get("borttaget")) or any(
        e.get("entity") == "personuppgift" for e in latest.get("entities") or [])


class ActionPersonuppgift(Action):
    def name(self) -> Text:
        return "action_personuppgift"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text=PERSONUPPGIFT_TEXT + " Berätta gärna med egna ord vad det gäller.")
        return []


class ActionAnnatSprak(Action):
    def name(self) -> Text:
        return "action_annat_sprak"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text=(
            "Jag kan tyvärr bara svenska. Skriv gärna på svenska, även med enkla ord. Du kan också ringa "
            "kommunens socialtjänst och be om tolk. Om någon är i fara: ring 112.\n"
            "I can only answer in Swedish. You can call the municipality's social services and ask for an "
            "interpreter. In an emergency, call 112."))
        return []
