"""The information every recommendation must carry: the right to apply (11 kap. 1 § and 6 §),
and how to get in touch.

Sources: seed 000 §2.1 and §2.3.1 (Alingsås), seed 002 §3.1 (Sala: whoever does not meet the
villkor can still apply and get an individual assessment). Contact details come only from the
catalogue, which the municipality fills in (kommun.kontakt); until it has, we say so plainly and
give the national numbers from data/_nodinformation.yml, never an invented local number.
"""
from __future__ import annotations

from typing import Optional

from .emergency import nodnummer
from .models import Kommun


def _nationella_nummer(lattlast: bool = False) -> str:
    """'112 (...), Mind Självmordslinjen 90101, ...' from _nodinformation.yml, in its order."""
    nummer = nodnummer()
    first, rest = nummer[0], nummer[1:]
    text = f"Är någon i fara just nu? Ring {first.nummer}." if lattlast else f"Om någon är i fara just nu: ring {first.nummer}."
    if rest:
        text += (" Andra nummer för hela landet: " if lattlast else " Andra nationella nummer: ") + ", ".join(
            f"{n.namn} {n.nummer}" for n in rest) + "."
    return text


def kontakt_saknas(kommun: Kommun) -> bool:
    """True while the municipality has not added any way to reach its social services."""
    k = kommun.kontakt
    return not (k.telefon or k.epost or k.webb)


def kontaktvag(kommun: Kommun, kontakt_url: Optional[str] = None, nationella: bool = True,
               lattlast: bool = False) -> str:
    """How to reach the municipality's social services, in one or two Swedish sentences.

    `kontakt_url` is a contact page given by the site that embeds the widget (data-kontakt-url);
    it is used only when it is an https address, and it comes before the catalogue's web address.
    `nationella=False` leaves the national numbers out of the not-yet-added text, for places that
    show them beside it anyway (the result cards, above the page's emergency box).
    `lattlast` gives the same facts in easy-to-read Swedish (issue 13.6).
    """
    k = kommun.kontakt
    parts = []
    if k.telefon:
        parts.append(f"telefon {k.telefon}" + (f" ({k.oppettider})" if k.oppettider else ""))
    if k.epost:
        parts.append(f"e-post {k.epost}")
    webb = kontakt_url if is_https_url(kontakt_url) else k.webb
    if webb:
        parts.append(webb)
    if parts:
        return f"Kontakta socialtjänsten i {kommun.namn}: {', '.join(parts)}."
    if lattlast:
        text = (f"{kommun.namn} har inte lagt in sina kontaktuppgifter här än. Ring kommunens växel eller "
                "kontaktcenter. Fråga efter socialtjänsten.")
    else:
        text = (f"{kommun.namn} har ännu inte lagt in sina kontaktuppgifter här. Fråga efter socialtjänsten "
                "hos kommunens växel eller kontaktcenter.")
    return text + " " + _nationella_nummer(lattlast) if nationella else text


def is_https_url(url: Optional[str]) -> bool:
    """An address a site may give as its contact page: https only, short, no spaces."""
    return isinstance(url, str) and url.startswith("https://") and len(url) <= 300 and not any(c.isspace() for c in url)


# The one home of the right-to-apply text (issue 14): every channel takes it from here.
_PROVAD = "få din ansökan prövad (11 kap. 1 § socialtjänstlagen)"
_INFORMERA = "Den som ger en insats utan behovsprövning ska informera dig om den rätten (11 kap. 6 §)."


# The same rights in easy-to-read Swedish (issue 13.6): one idea per sentence, the same legal references.
_PROVAD_LATTLAST = "Socialtjänsten ska då pröva din ansökan (11 kap. 1 § socialtjänstlagen)."
_INFORMERA_LATTLAST = "Den som ger dig stöd utan ansökan ska berätta det för dig (11 kap. 6 §)."


def ratt_att_ansoka_kort(lattlast: bool = False) -> str:
    """The right to apply in one sentence, for a card view with "Läs mer" (issue 13)."""
    if lattlast:
        return f"Du har alltid rätt att ansöka om stöd hos socialtjänsten. {_PROVAD_LATTLAST}"
    return f"Du har alltid rätt att ansöka om stöd hos socialtjänsten och {_PROVAD}."


def ratt_att_ansoka(kommun: Kommun, kontakt_url: Optional[str] = None, lattlast: bool = False) -> str:
    """The right to apply, with how to reach this municipality's social services."""
    if lattlast:
        return (
            f"Du har alltid rätt att ansöka om stöd hos socialtjänsten. {_PROVAD_LATTLAST} Det gäller också om du "
            "inte uppfyller villkoren för stöd utan ansökan. Det gäller också om inget här passar dig. "
            f"{_INFORMERA_LATTLAST} " + kontaktvag(kommun, kontakt_url, lattlast=True)
        )
    return (
        f"Du har alltid rätt att ansöka om insatser hos socialtjänsten och {_PROVAD}, också om du inte "
        "uppfyller villkoren för en insats utan behovsprövning, eller om inget här passar. "
        f"{_INFORMERA} " + kontaktvag(kommun, kontakt_url)
    )


def ratt_att_ansoka_utan_kommun() -> str:
    """The right to apply while the municipality is not known (the chat before it is told)."""
    return (
        f"Du har alltid rätt att ansöka om insatser hos socialtjänsten i din kommun och {_PROVAD}, också "
        f"om du inte uppfyller villkoren för en insats utan behovsprövning. {_INFORMERA} "
        "Kontakta socialtjänsten i den kommun där du bor."
    )
