"""The information every recommendation must carry: the right to apply (11 kap. 1 § and 6 §).

Sources: seed 000 §2.1 and §2.3.1 (Alingsås), seed 002 §3.1 (Sala: whoever does not meet the
villkor can still apply and get an individual assessment). Contact details come only from the
catalogue; when the seed gave none we say where to look instead of inventing a number.
"""
from __future__ import annotations

from .models import Kommun


def kontaktvag(kommun: Kommun) -> str:
    k = kommun.kontakt
    parts = []
    if k.telefon:
        parts.append(f"telefon {k.telefon}")
    if k.epost:
        parts.append(f"e-post {k.epost}")
    if k.webb:
        parts.append(k.webb)
    if parts:
        return f"Kontakta socialtjänsten i {kommun.namn}: {', '.join(parts)}."
    return f"Kontakta kommunens socialtjänst i {kommun.namn}; kontaktuppgifter finns på kommunens webbplats."


def ratt_att_ansoka(kommun: Kommun) -> str:
    return (
        "Du har alltid rätt att ansöka om insatser hos socialtjänsten och få din ansökan prövad "
        "(11 kap. 1 § socialtjänstlagen), också om du inte uppfyller villkoren för en insats utan "
        "behovsprövning, eller om inget här passar. Den som ger en insats utan behovsprövning ska "
        "informera dig om den rätten (11 kap. 6 §). " + kontaktvag(kommun)
    )
