"""The one redaction function: removes personnummer, phone numbers and e-mail addresses.

Used by the web chat proxy (before anything leaves the browser's request) and by the Rasa
input channel and NLU component (for anything that reaches Rasa another way), so personal
data never reaches NLU, the tracker or a log. It never returns what it removed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

PLATSHALLARE = {
    "personnummer": "«personnummer borttaget»",
    "telefonnummer": "«telefonnummer borttaget»",
    "epost": "«e-postadress borttagen»",
}

# Personnummer and samordningsnummer: (YY)YYMMDD, optional - or + or space, four digits.
# The day may be 61–91 (samordningsnummer). We do not require a valid check digit: a mistyped
# personnummer is still personal data.
_PERSONNUMMER = re.compile(
    r"(?<![\d])(?:19|20)?\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])\s?[-+]?\s?\d{4}(?![\d])"
)
_EPOST = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A Swedish mobile number written without separators ("0701234567") looks like a 10-digit
# personnummer of someone born in 2007; as typed into a chat it is far more often a phone number.
_MOBIL = re.compile(r"(?<![\d])07[02369]\d{7}(?![\d])")
# Swedish and international phone numbers: +46 / 0046 / 0 and at least 7 more digits, with
# spaces or dashes between groups ("070-123 45 67", "+46 70 1234567", "08-123 456 78").
_TELEFON = re.compile(r"(?<![\w+])(?:\+|00)?\d(?:[\s-]?\d){6,14}(?![\w])")


@dataclass(frozen=True)
class Redaktion:
    text: str
    borttaget: tuple[str, ...]  # kinds removed, e.g. ("personnummer",); never the values


def redact(text: str) -> Redaktion:
    kinds: list[str] = []

    def _sub(pattern: re.Pattern, kind: str, value: str) -> str:
        new, n = pattern.subn(PLATSHALLARE[kind], value)
        if n:
            kinds.append(kind)
        return new

    text = _sub(_EPOST, "epost", text)
    text = _sub(_MOBIL, "telefonnummer", text)
    text = _sub(_PERSONNUMMER, "personnummer", text)
    text = _sub(_TELEFON, "telefonnummer", text)
    return Redaktion(text=text, borttaget=tuple(dict.fromkeys(kinds)))


def har_platshallare(text: str) -> tuple[str, ...]:
    """The kinds of placeholders already in a text (the message was redacted upstream)."""
    return tuple(kind for kind, marker in PLATSHALLARE.items() if marker in text)
