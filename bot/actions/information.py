"""Answers to questions: anonymity, the right to apply, what an insats is, reaching a person,
and the insatser that always need an application."""
from __future__ import annotations

from typing import Optional, Text

from rasa_sdk import Action

from catalogue.loader import default_catalogue
from catalogue.models import Insats
from catalogue.rights import kontaktvag, ratt_att_ansoka
from catalogue.text import fold

from . import svar
from .kontext import kommun_av, registrera
from .tolkning import entity_values


class ActionAnonymitet(Action):
    def name(self) -> Text:
        return "action_anonymitet"

    async def run(self, dispatcher, tracker, domain):
        catalogue = default_catalogue()
        insatser = [catalogue.insats(i) for i in (tracker.get_slot("visade") or [])]
        for text in svar.anonymitet_svar(insatser):
            dispatcher.utter_message(text=text)
        return []


class ActionRattAttAnsoka(Action):
    def name(self) -> Text:
        return "action_ratt_att_ansoka"

    async def run(self, dispatcher, tracker, domain):
        kommun = kommun_av(tracker)
        if kommun:
            dispatcher.utter_message(text=ratt_att_ansoka(kommun))
        else:
            dispatcher.utter_message(text=(
                "Du har alltid rätt att ansöka om insatser hos socialtjänsten i din kommun och få din ansökan "
                "prövad (11 kap. 1 § socialtjänstlagen), också om du inte uppfyller villkoren för en insats utan "
                "behovsprövning. Den som ger en insats utan behovsprövning ska informera dig om den rätten "
                "(11 kap. 6 §). Kontakta socialtjänsten i den kommun där du bor."))
        return []


def _hitta_insats(text: str, names: list[str], kommun_id: Optional[str]) -> Optional[Insats]:
    """The insats the resident asks about: a named programme or method, in their municipality first."""
    catalogue = default_catalogue()
    kandidater = [k for k in catalogue.kommuner.values() if k.id == kommun_id] or list(catalogue.kommuner.values())
    wanted = [fold(n) for n in names] + [fold(text)]
    for want in wanted:
        for kommun in kandidater:
            for insats in kommun.insatser:
                labels = [fold(insats.namn)] + [fold(m) for m in insats.metoder]
                if any(label and (label == want or (len(label) >= 3 and label in want.split()) or
                                  (len(want) >= 3 and want in label) or (len(label) >= 4 and label in want))
                       for label in labels):
                    return insats
    return None


class ActionForklaraInsats(Action):
    def name(self) -> Text:
        return "action_forklara_insats"

    async def run(self, dispatcher, tracker, domain):
        latest = tracker.latest_message or {}
        names = entity_values(latest.get("entities") or [], "program")
        kommun = kommun_av(tracker)
        insats = _hitta_insats(latest.get("text") or "", names, kommun.id if kommun else None)
        if insats is None:
            where = f" i {kommun.namn}" if kommun else ""
            dispatcher.utter_message(text=f"Jag hittar ingen insats med det namnet{where}. Berätta gärna vad det gäller, så letar jag efter något som passar.")
            return []
        egen = default_catalogue().kommun(insats.kommun)
        if kommun and egen.id != kommun.id:
            dispatcher.utter_message(text=f"{kommun.namn} har ingen insats med det namnet, men {egen.namn} har:")
        dispatcher.utter_message(text=svar.mer_om_text(insats, egen))
        if insats.behovsprovad:
            dispatcher.utter_message(text="Den här insatsen behovsprövas: du behöver ansöka hos socialtjänsten.")
        dispatcher.utter_message(text=ratt_att_ansoka(egen))
        return []


class ActionKontakt(Action):
    def name(self) -> Text:
        return "action_kontakt"

    async def run(self, dispatcher, tracker, domain):
        kommun = kommun_av(tracker)
        text = "Jag kan inte koppla dig till en person här i chatten. "
        text += kontaktvag(kommun) if kommun else "Kontakta socialtjänsten i den kommun där du bor."
        text += " Du kan vara anonym när du ringer och frågar. Om någon är i fara just nu: ring 112."
        dispatcher.utter_message(text=text)
        registrera(tracker, "bad_om_person", intent="fraga_person")
        return []


class ActionKraverAnsokan(Action):
    """Ekonomiskt bistånd and the insatser that can never be given without behovsprövning."""

    def name(self) -> Text:
        return "action_kraver_ansokan"

    async def run(self, dispatcher, tracker, domain):
        latest = tracker.latest_message or {}
        text = fold(latest.get("text") or "")
        intent = (latest.get("intent") or {}).get("name")
        catalogue = default_catalogue()
        traffar = [a for a in catalogue.alltid_behovsprovade if any(fold(w) in text for w in a.nyckelord)]
        if not traffar:
            traffar = [a for a in catalogue.alltid_behovsprovade if a.id == "ekonomiskt-bistand"] if intent == "ekonomiskt_bistand" else []
        kommun = kommun_av(tracker)
        if traffar:
            for a in traffar[:2]:
                dispatcher.utter_message(text=f"{a.namn} kan inte ges utan ansökan ({a.lagrum}). {a.forklaring}")
        else:
            dispatcher.utter_message(text="Den typen av insats kräver att du ansöker hos socialtjänsten, som då gör en individuell behovsprövning.")
        dispatcher.utter_message(text=(
            "Så här gör du: kontakta socialtjänsten och säg att du vill ansöka. Socialtjänsten utreder ditt behov "
            "och fattar ett beslut. " + (kontaktvag(kommun) if kommun else "Kontakta socialtjänsten i den kommun där du bor.")))
        if kommun:
            dispatcher.utter_message(text=ratt_att_ansoka(kommun))
        registrera(tracker, "kraver_ansokan", intent=intent)
        return []
