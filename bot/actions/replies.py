"""Composing the bot's Swedish replies from routing results and catalogue entries.

Pure functions returning text and payloads, so they can be tested without Rasa, and so the bot
never echoes what the resident wrote: every reply is built from the catalogue and fixed text.
"""
from __future__ import annotations

from typing import Optional

from catalogue import vocabulary as v
from catalogue.models import Insats, Kommun
from catalogue.routing import Rekommendation, Resultat

STATUS_MARK = {"uppfyllt": "uppfyllt", "ej_uppfyllt": "inte uppfyllt", "okant": "kontrolleras av verksamheten"}
MAX_FORSLAG = 3

UPPFOLJNING_KNAPPAR = [
    {"title": "Berätta mer om den första", "payload": "Berätta mer om den första"},
    {"title": "Finns det något i grupp?", "payload": "Finns det något i grupp?"},
    {"title": "Något annat?", "payload": "Något annat?"},
    {"title": "Kan jag vara anonym där?", "payload": "Kan jag vara anonym där?"},
]

ANONYM_CHATT = (
    "Här i chatten är du anonym: jag frågar aldrig efter namn, personnummer eller adress, och det du "
    "skriver sparas inte. Kommunen ser bara anonym statistik över vilka ämnen som tas upp, per vecka."
)
ANONYM_GRANSER = (
    "Viktigt att veta: den som arbetar inom socialtjänsten måste anmäla till socialnämnden om hen får "
    "veta något som gör att hen är orolig för att ett barn far illa (anmälningsskyldighet). Det gäller "
    "också när du är anonym, om det du berättar gör att det går att förstå vem det gäller. "
    "Uppgifter som inte visar vem du är, som antal besökare, ålder och kön, kan alltid antecknas."
)
ANONYM_REGLER = (
    "Om du går till en verksamhet beror det på insatsen. Vid rådgivning skrivs inga uppgifter om dina "
    "personliga förhållanden ner (14 kap. 4 § socialtjänstlagen). För vissa insatser har nämnden beslutat "
    "att inget som kan visa vem du är skrivs ner (14 kap. 5 §). Andra insatser dokumenteras med dina "
    "uppgifter (14 kap. 3 §)."
)


def insats_url(insats: Insats) -> str:
    return f"/{insats.kommun}/insatser/{insats.slug}"


def kontakt_text(insats: Insats, kommun: Kommun) -> str:
    k = insats.kontakt
    parts = [p for p in (k.telefon and f"telefon {k.telefon}", k.epost and f"e-post {k.epost}", k.webb, k.adress) if p]
    if parts:
        return "Kontakt: " + ", ".join(parts) + "."
    who = f" ({insats.utforare})" if insats.utforare else ""
    return f"Kontakt: kontakta kommunens socialtjänst i {kommun.namn}{who} och fråga efter insatsen."


def villkor_text(rek: Rekommendation) -> str:
    if not rek.villkor:
        return "Villkor: inga särskilda villkor."
    return "Villkor: " + "; ".join(f"{s.text.rstrip('.')} ({STATUS_MARK[s.status]})" for s in rek.villkor) + "."


def forslag_text(n: int, rek: Rekommendation, kommun: Kommun) -> str:
    return "\n".join([
        f"{n}. {rek.insats.namn}",
        rek.varfor,
        villkor_text(rek),
        f"Anonymitet: {rek.anonymitet}",
        kontakt_text(rek.insats, kommun),
    ])


def kort(rek: Rekommendation, kommun: Kommun) -> dict:
    """One card for the widget (the `custom` payload); id and namn are what evaluation reads."""
    return {
        "id": rek.insats.id,
        "namn": rek.insats.namn,
        "varfor": rek.varfor,
        "villkor": [{"text": s.text, "status": s.status} for s in rek.villkor],
        "anonymitet": rek.anonymitet,
        "kontakt": kontakt_text(rek.insats, kommun),
        "url": insats_url(rek.insats),
    }


def rekommendation_svar(res: Resultat, start: int = 0) -> tuple[list[str], Optional[dict], list[str]]:
    """(texts, custom payload or None, ids shown) for a routing result, from position `start`."""
    kommun = res.kommun
    visade = res.rekommenderade[start:start + MAX_FORSLAG]
    texts: list[str] = []
    if visade:
        intro = (f"Det här kan passa i {kommun.namn}. Du behöver inte ansöka: du vänder dig direkt till verksamheten."
                 if start == 0 else "Här är fler insatser som kan passa:")
        texts.append(intro)
        texts += [forslag_text(start + n, rek, kommun) for n, rek in enumerate(visade, 1)]
    elif start == 0:
        texts.append(f"Jag hittade ingen insats i {kommun.namn} som du kan få utan ansökan och som passar det du beskrivit.")
    else:
        texts.append("Jag har inga fler förslag som passar.")
    if start == 0 and res.villkor_ej_uppfyllda:
        delar = [f"{e.insats.namn} – {e.skal}" for e in res.villkor_ej_uppfyllda[:3]]
        texts.append("Det finns också: " + "; ".join(delar) + ".")
    if start == 0 and res.kraver_ansokan:
        texts.append("Det här finns också, men kräver att du ansöker: " + ", ".join(i.namn for i in res.kraver_ansokan[:3]) + ".")
    texts.append(res.ratt_att_ansoka)
    payload = {"insatser": [kort(r, kommun) for r in visade]} if visade else None
    return texts, payload, [r.insats.id for r in visade]


def mer_om_text(insats: Insats, kommun: Kommun) -> str:
    vil = insats.villkor
    rader = [insats.namn, insats.innehall, f"Målgrupp: {insats.malgrupp}"]
    villkor = []
    if vil.alder.angivet:
        villkor.append(f"ålder {vil.alder.text()}")
    if vil.barn_alder.angivet:
        villkor.append(f"barnets ålder {vil.barn_alder.text()}")
    if vil.bosattning_text:
        villkor.append(vil.bosattning_text.rstrip("."))
    if vil.samtycke_text:
        villkor.append(vil.samtycke_text.rstrip("."))
    if vil.remiss_kravs:
        villkor.append("remiss" + (f" från {vil.remiss_fran}" if vil.remiss_fran else ""))
    villkor += [o.rstrip(".") for o in vil.ovrigt]
    if villkor:
        rader.append("Villkor: " + "; ".join(villkor) + ".")
    rader.append("Form: " + ", ".join(v.FORMAT[f].lower() for f in insats.format) + ".")
    if insats.omfattning:
        rader.append(f"Omfattning: {insats.omfattning}")
    if insats.metoder:
        rader.append("Metod: " + ", ".join(insats.metoder) + ".")
    rader.append(f"Anonymitet: {insats.anonymitet}")
    rader.append(kontakt_text(insats, kommun))
    rader.append(f"Källa: {kommun.namn}s beslut, {insats.kalla.text()}.")
    return "\n".join(rader)


def anonymitet_svar(insatser: list[Insats]) -> list[str]:
    texts = [ANONYM_CHATT]
    if insatser:
        texts.append("I de insatser jag visade:\n" + "\n".join(f"- {i.namn}: {i.anonymitet}" for i in insatser))
    else:
        texts.append(ANONYM_REGLER)
    texts.append(ANONYM_GRANSER)
    return texts
