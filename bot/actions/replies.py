"""Composing the bot's Swedish replies from routing results, catalogue entries and fixed text.

Pure functions returning text and payloads, so they can be tested without Rasa, and so the bot
never echoes what the resident wrote: every reply is built from the catalogue and fixed text.
"""
from __future__ import annotations

from typing import Optional

from insatskatalog import vocabulary as v
from insatskatalog.models import Insats, Kommun
from insatskatalog.emergency import akut_text
from insatskatalog.models import AlltidBehovsprovad
from insatskatalog.rights import kontaktvag, ratt_att_ansoka, ratt_att_ansoka_kort
from insatskatalog.routing import SAMTYCKESALDER, Rekommendation, Resultat

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


NO_APPLICATION = "Du behöver inte ansöka: du vänder dig direkt till verksamheten."


def kort(rek: Rekommendation, kommun: Kommun) -> dict:
    """One card for the widget (the `custom` payload); id and namn are what evaluation reads."""
    return {
        "id": rek.insats.id,
        "namn": rek.insats.namn,
        "varfor": rek.varfor,
        # in easy-to-read Swedish (issue 13.6), for the widget's "Lättläst" switch: the reasons
        # (routing's varfor_lattlast, one per sentence) and the insats's summary
        "varfor_lattlast": rek.varfor_lattlast,
        "lattlast": rek.insats.sammanfattning(lattlast=True),
        "villkor": [{"text": s.text, "status": s.status} for s in rek.villkor],
        "anonymitet": rek.anonymitet,
        "kontakt": kontakt_text(rek.insats, kommun),
        "url": insats_url(rek.insats),
    }


def rekommendation_svar(res: Resultat, start: int = 0,
                        kontakt_url: Optional[str] = None) -> tuple[list[str], Optional[dict], list[str]]:
    """(texts, custom payload or None, ids shown) for a routing result, from position `start`."""
    kommun = res.kommun
    visade = res.rekommenderade[start:start + MAX_FORSLAG]
    texts: list[str] = []
    if visade:
        intro = (f"Det här kan passa i {kommun.namn}. {NO_APPLICATION}"
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
    texts.append(ratt_att_ansoka(kommun, kontakt_url) if kontakt_url else res.ratt_att_ansoka)
    payload = {"insatser": [kort(r, kommun) for r in visade]} if visade else None
    return texts, payload, [r.insats.id for r in visade]


def card_view(intro: str, understood: Optional[str], count: int, rights: str, replaced: list[str]) -> dict:
    """The short form of a recommendation for a channel that shows cards (the widget)."""
    if understood:   # the first page of a recommendation
        fit = "En insats kan passa." if count == 1 else f"{count} insatser kan passa."
        summary = f"{understood} {fit} {NO_APPLICATION}"
    else:
        summary = intro
    return {"sammanfattning": summary, "ersatter": replaced,
            "ratt_att_ansoka": {"kort": ratt_att_ansoka_kort(), "mer": rights}}


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
    rader.append(f"Källa: {insats.kalla.text()}.")
    return "\n".join(rader)


def anonymitet_svar(insatser: list[Insats]) -> list[str]:
    texts = [ANONYM_CHATT]
    if insatser:
        texts.append("I de insatser jag visade:\n" + "\n".join(f"- {i.namn}: {i.anonymitet}" for i in insatser))
    else:
        texts.append(ANONYM_REGLER)
    texts.append(ANONYM_GRANSER)
    return texts


# -- questions the bot asks (only those that change the answer: insatskatalog.routing.questions_that_matter)

QUESTIONS = {
    "for_vem": ("Gäller det dig själv eller någon annan? Det avgör vilka insatser som passar.",
                [("Mig själv", "Mig själv"), ("Mitt barn", "Mitt barn"), ("En anhörig eller vän", "En anhörig eller vän"),
                 ("Oss som par eller familj", "Oss som par eller familj"), ("Vill inte säga", "Vill inte säga")]),
    "alder": ("Hur gammal är du, ungefär? Några av insatserna gäller bara vissa åldrar. "
              "Du kan också skriva \"vill inte säga\".",
              [("Under 15", "Under 15"), ("15–17", "15–17"), ("18–25", "18–25"), ("26–64", "26–64"),
               ("65 eller äldre", "65 eller äldre"), ("Vill inte säga", "Vill inte säga")]),
    "barn_alder": ("Hur gammal är den det gäller, ungefär? Några av insatserna gäller bara vissa åldrar. "
                   "Du kan också skriva \"vill inte säga\".",
                   [("0–2 år", "0–2 år"), ("3–12 år", "3–12 år"), ("13–17 år", "13–17 år"),
                    ("18 eller äldre", "18 eller äldre"), ("Vill inte säga", "Vill inte säga")]),
    "vem_alder": ("Gäller det dig själv eller någon annan, och hur gammal är den det gäller? Det avgör vilka "
                  "insatser som passar. Skriv till exempel \"min dotter, 13 år\" eller \"jag är 40\". "
                  "Du kan också skriva \"vill inte säga\".", []),
}
TOPIC_QUESTION = ("Vad handlar det om? Skriv med egna ord eller välj ett ämne.",
                  [("Alkohol, droger eller spel", "Alkohol, droger eller spel"), ("Föräldraskap", "Föräldraskap"),
                   ("Våld i nära relation", "Våld i nära relation"), ("Psykisk ohälsa", "Psykisk ohälsa"),
                   ("Kris och sorg", "Kris och sorg"), ("Ekonomi och skulder", "Ekonomi och skulder"),
                   ("Relationer och separation", "Relationer och separation"), ("Ensamhet", "Ensamhet")])
NOT_UNDERSTOOD = "Jag förstod inte riktigt. Kan du skriva med andra ord vad det gäller? Du kan också välja ett ämne."
ASK_THE_SERVICE = ("Det kan jag inte svara säkert på här. Fråga verksamheten när du kontaktar den, "
                   "du kan fråga innan du bestämmer dig.")
NOT_AN_AGE = "Det låter inte som en ålder. Skriv en ålder mellan 0 och 120 år, eller \"vill inte säga\"."
EMPTY = "Jag fick inget meddelande som jag kunde läsa. Skriv gärna med egna ord vad du undrar över."
WELCOME = ("Hej! Jag kan hjälpa dig att hitta stöd från socialtjänsten som du kan få utan att ansöka. "
           "Du är anonym här: jag frågar aldrig vem du är och sparar inte det du skriver. Skriv inte ditt namn "
           "eller personnummer. Om någon är i fara just nu: ring 112. Berätta med egna ord vad det gäller.")
THANKS = "Varsågod. Skriv gärna igen om du undrar något mer."
GOODBYE = "Ta hand om dig. Du är välkommen tillbaka när du vill. Om någon är i fara, ring 112."
BOT = ("Jag är en chattbot, inte en människa. Ingen personal läser det du skriver, och jag sparar det inte. "
       "Vill du prata med en person kan du kontakta socialtjänsten i din kommun.")
OUT_OF_SCOPE = ("Det kan jag tyvärr inte svara på. Jag hjälper bara till att hitta stöd från socialtjänsten som du "
                "kan få utan att ansöka. För andra frågor, kontakta kommunen.")
PERSONAL_DATA = ("Jag behöver inte ditt namn, personnummer, telefonnummer, din adress eller e-post, så jag har tagit "
                 "bort det och sparar det inte. Du kan vara anonym här.")
ENGLISH_NOTE = ("In English: I answer in Swedish. For help in English, call the municipality's social services "
                "and ask for an interpreter; in an emergency, call 112.")
SHORTENED = ("Ditt meddelande var mycket långt, så jag har bara läst början av det. Skriv gärna resten i ett "
             "nytt meddelande.")
OTHER_LANGUAGE = (
    "Jag kan tyvärr bara svenska. Skriv gärna på svenska, även med enkla ord. Du kan också ringa kommunens "
    "socialtjänst och be om tolk. Om någon är i fara: ring 112.\n"
    "I can only answer in Swedish. You can call the municipality's social services and ask for an interpreter. "
    "In an emergency, call 112.")
ACUTE_FOLLOW_UP = ("Du är inte ensam. Om du inte är i fara just nu kan du berätta mer, så hjälper jag dig att hitta "
                   "stöd i kommunen.")
NEW_NEED = "Jag förstår det som en ny fråga, så jag utgår inte från det du berättade tidigare."
SWITCHED_KOMMUN = "Jag visar det som finns i {namn}."
GENERAL_RIGHT_TO_APPLY = (
    "Du har alltid rätt att ansöka om insatser hos socialtjänsten i din kommun och få din ansökan prövad "
    "(11 kap. 1 § socialtjänstlagen), också om du inte uppfyller villkoren för en insats utan behovsprövning. "
    "Den som ger en insats utan behovsprövning ska informera dig om den rätten (11 kap. 6 §). "
    "Kontakta socialtjänsten i den kommun där du bor.")


def emergency() -> str:
    return akut_text()


def what_we_understood(amnen: list[str], for_vem: Optional[str], ages: str) -> str:
    """One sentence on what the bot took from the conversation, so a wrong reading is easy to correct."""
    topic = " och ".join(v.amne_etikett(a).lower() for a in amnen[:2])
    who = {"sig": "dig själv", "mitt-barn": "ditt barn", "anhorig": "en anhörig eller närstående",
           "familj": "er som par eller familj"}.get(for_vem or "", "")
    parts = f"Jag har förstått att det handlar om {topic}"
    if who:
        parts += f" och gäller {who}"
    if ages:
        parts += f" ({ages})"
    return parts + ". Skriv gärna om jag har fel."


def consent_note(own_age: Optional[tuple[int, int]], for_vem: Optional[str]) -> Optional[str]:
    if for_vem == "sig" and own_age and own_age[1] < SAMTYCKESALDER:
        return ("Eftersom du är under 15 år behövs oftast samtycke från en vårdnadshavare (oftast en förälder) "
                "för att du ska kunna delta i en insats. Det står vid varje insats vad som gäller. Rådgivning och "
                "samtal där du är anonym kan ofta gå bra ändå – fråga verksamheten.")
    return None


def answer_parents_know(own_age: Optional[tuple[int, int]]) -> str:
    age = ""
    if own_age and own_age[1] < SAMTYCKESALDER:
        age = "Du är under 15 år, och då behövs oftast samtycke från en vårdnadshavare för att du ska delta i en insats. "
    elif own_age and own_age[0] >= SAMTYCKESALDER:
        age = ("Du är 15 år eller äldre, och då kan socialnämnden ge dig en insats utan vårdnadshavarens samtycke om "
               "den bedöms lämplig (21 kap. 2 § socialtjänstlagen). ")
    return (age + "Under 15 år behövs som regel vårdnadshavares samtycke; från 15 år kan en insats ges utan samtycke "
            "om den bedöms lämplig (21 kap. 2 § socialtjänstlagen). Vid rådgivning kan du vara anonym. "
            + ANONYM_GRANSER)


def answer_count(insatser: list[Insats]) -> str:
    known = [f"- {i.namn}: {i.omfattning}" for i in insatser if i.omfattning]
    if not known:
        return "Hur många gånger står inte i kommunens beslut. Fråga verksamheten när du kontaktar den."
    return "Så här mycket står det i kommunens beslut:\n" + "\n".join(known)


def answer_cost(insatser: list[Insats]) -> str:
    said = []
    for i in insatser:
        text = f"{i.innehall} {i.omfattning}".lower()
        if any(w in text for w in ("avgift", "kostnad", "kostar", "gratis", "kostnadsfri")):
            said.append(i.namn)
    base = ("Kommunens beslut säger inget om avgift för de här insatserna. Fråga verksamheten när du hör av dig.")
    if said:
        base = ("Om kostnad: läs mer om " + ", ".join(said) + " – beslutet nämner kostnad där. "
                "Fråga verksamheten om något är oklart.")
    return base


def answer_where(insatser: list[Insats], kommun: Kommun, kontakt_url: Optional[str] = None) -> str:
    if not insatser:
        return kontaktvag(kommun, kontakt_url)
    lines = [f"- {i.namn}: {kontakt_text(i, kommun).removeprefix('Kontakt: ')}" for i in insatser]
    return ("Du vänder dig direkt till verksamheten, utan ansökan:\n" + "\n".join(lines) + "\n" + kontaktvag(kommun, kontakt_url))


def answer_person(kommun: Optional[Kommun], kontakt_url: Optional[str] = None) -> str:
    text = "Jag kan inte koppla dig till en person här i chatten. "
    text += kontaktvag(kommun, kontakt_url) if kommun else "Kontakta socialtjänsten i den kommun där du bor."
    return text + " Du kan vara anonym när du ringer och frågar. Om någon är i fara just nu: ring 112."


def application_needed(items: list[AlltidBehovsprovad], kommun: Optional[Kommun],
                       kontakt_url: Optional[str] = None) -> list[str]:
    texts = [f"{a.namn} kan inte ges utan ansökan ({a.lagrum}). {a.forklaring}" for a in items[:2]]
    texts.append("Så här gör du för att ansöka: kontakta socialtjänsten och säg att du vill ansöka. Socialtjänsten "
                 "utreder ditt behov och fattar ett beslut. "
                 + (kontaktvag(kommun, kontakt_url) if kommun else "Kontakta socialtjänsten i den kommun där du bor."))
    return texts
