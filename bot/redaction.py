"""The one redaction function: removes personnummer, samordningsnummer, phone numbers, e-mail
addresses (also written out: "anna at exempel punkt se"), names after "jag heter / mitt namn är /
hon heter …" and street addresses ("Storgatan 12").

Used by the web chat proxy (before anything leaves the browser's request) and by the Rasa
input channel and NLU component (for anything that reaches Rasa another way), so personal
data never reaches NLU, the tracker or a log. It never returns what it removed.

How numbers are found: the text is first mapped character by character to a "shadow" in which
every Unicode decimal digit (full-width ８, Arabic-Indic …) is an ASCII digit and every dash
(‐ ‑ ‒ – — ― − －) is "-". Patterns run on the shadow; a match is replaced in both texts, so
positions always agree. A run of digits with separators (space, dash, dot, slash, parentheses,
plus) is then read as a whole — "0 7 0 - 9 4 9  5 3  6 0", "87.01.22-7020", "870122/7020" — and
classified by its digits: a personnummer/samordningsnummer (10 or 12 digits with a real month and
day or day + 60), a phone number (starting with 0, +, or 00, 8–13 digits), or nothing (ages,
years, times, amounts stay as they are).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

PLATSHALLARE = {
    "personnummer": "«personnummer borttaget»",
    "telefonnummer": "«telefonnummer borttaget»",
    "epost": "«e-postadress borttagen»",
    "namn": "«namn borttaget»",
    "adress": "«adress borttagen»",
}

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_FULLWIDTH = {"\uff0b": "+", "\uff0f": "/", "\uff0e": ".", "\uff20": "@", "\uff08": "(", "\uff09": ")",
              "\u3000": " ", "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " "}


def _shadow(text: str) -> str:
    """Same length as text: digits as ASCII, dashes as '-', full-width punctuation as ASCII."""
    out = []
    for ch in text:
        if ch in _DASHES:
            out.append("-")
        elif ch in _FULLWIDTH:
            out.append(_FULLWIDTH[ch])
        elif not ch.isascii() and ch.isdecimal():
            out.append(str(unicodedata.decimal(ch)))
        else:
            out.append(ch)
    return "".join(out)


# -- e-mail --------------------------------------------------------------------------------

# The lookbehind starts a match only where an address can start (no quadratic rescans of a long word).
_EPOST = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_TLD = r"(?:se|nu|com|net|org|info|eu|io|me|dk|no|fi|de|uk|fr|es|it|nl|pl|ax|biz|edu|gov)"
_AT = r"(?:@|\(\s*at\s*\)|\[\s*at\s*\]|\{\s*at\s*\}|(?<![\w])at(?![\w])|snabel-?a|kanelbulle)"
_DOT = r"(?:\.|\(\s*(?:punkt|dot)\s*\)|\[\s*(?:punkt|dot)\s*\]|(?<![\w])(?:punkt|dot)(?![\w]))"
# Written out: "anna at exempel punkt se", "anna (at) exempel (dot) com", "anna snabel-a exempel.se".
# The last part must be a known top-level domain, so ordinary words around "at" stay.
_EPOST_UTSKRIVEN = re.compile(
    rf"(?<![\w.+-])[\w.+-]+\s*{_AT}\s*[\w-]+(?:\s*{_DOT}\s*[\w-]+)*?\s*{_DOT}\s*{_TLD}(?![\w])",
    re.IGNORECASE | re.UNICODE)

# -- street addresses ----------------------------------------------------------------------

_GATUSUFFIX = r"(?:gatan|vägen|vagen|gränd|grand|backen|stigen|allén|allen|allé|torget)"
_UNITS = r"(?:år|år\b|gånger|ggr|gång|minuter|min|timmar|tim|km|meter|m|kr|kronor|dagar|dag|veckor|månader|%)"
_ADRESS = re.compile(
    rf"(?<![\w])(?:(?:lilla|stora|norra|södra|östra|västra|gamla|nya)\s+)?[^\W\d_][\w-]*{_GATUSUFFIX}"
    rf"\s+\d{{1,4}}(?!\d)(?!\s*{_UNITS}(?![\w]))(?:\s?[a-hA-H](?![\w]))?"
    r"(?:\s*,?\s*(?:lgh|lägenhet)\.?\s*\d{1,5})?"
    r"(?:\s*,?\s*\d{3}\s?\d{2}(?!\d)(?:\s+[A-ZÅÄÖ][\wåäö]+)?)?",
    re.IGNORECASE | re.UNICODE)

# -- names ---------------------------------------------------------------------------------

_NAMN_START = re.compile(
    r"(?<![\w])(?:jag\s+heter|heter\s+jag|mitt\s+namn\s+är|mitt\s+namn\s+e|namnet\s+är|jag\s+kallas|"
    r"(?:hon|han|hen)\s+heter|(?:min|mitt|vår|vårt)\s+[^\W\d_]+\s+heter)\s+",
    re.IGNORECASE | re.UNICODE)
_ORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
# Words that are not a name: "jag heter inte …", "hon heter likadant som jag".
_INTE_NAMN = {
    "inte", "typ", "ju", "bara", "också", "så", "nog", "väl", "egentligen", "faktiskt", "något", "nåt", "samma",
    "likadant", "det", "den", "detta", "som", "och", "men", "eller", "är", "du", "ni", "vi", "jag", "han", "hon",
    "hen", "de", "dom", "man", "min", "mitt", "mina", "hans", "hennes", "vad", "vem", "hur", "när", "var", "ett",
    "en", "i", "på", "att", "för", "med", "till", "från", "om", "av", "har", "bor", "går", "kan", "vill", "ska",
    "skulle", "blir", "känner", "mår", "tycker", "fyller", "inget", "ingen", "nej", "ja", "okej", "ok", "alltså",
    "liksom", "precis", "heller", "numera", "nu", "redan", "sedan", "sen", "här", "där", "hemma", "tack", "hej",
}
# A second or third word is part of the name when it starts with a capital letter or looks like a
# Swedish surname written in lower case ("anna svensson", "karl lindberg").
_EFTERNAMN = re.compile(
    r"^[a-zåäöéü-]+(?:sson|son|berg|ström|strom|qvist|kvist|lund|gren|dahl|holm|blom|stedt|stam|ling|by|ander|"
    r"ius|sén|sen|ovic|ović|ić|zadeh|pour|oğlu|oglu|i|sky|ski|ska)$")


def _namn_spann(text: str) -> list[tuple[int, int]]:
    spans = []
    for start in _NAMN_START.finditer(text):
        pos = start.end()
        end = None
        for n in range(3):
            m = _ORD.match(text, pos)
            if not m:
                break
            word = m.group(0)
            if word.casefold() in _INTE_NAMN:
                break
            if n > 0 and not (word[0].isupper() or _EFTERNAMN.match(word.casefold())):
                break
            end = m.end()
            gap = re.match(r"[ \t]+", text[end:])
            if not gap:
                break
            pos = end + gap.end()
        if end is not None:
            spans.append((start.end(), end))
    return spans


# -- numbers -------------------------------------------------------------------------------

# A run of digits with separators; at most three separator characters between two digits.
_SIFFERKEDJA = re.compile(r"(?:\+|(?<![\d+]))\d(?:[ \t.\-/()+]{0,3}\d)*(?!\d)")
_GRUPP = re.compile(r"\d+")
# A Swedish mobile number written without separators ("0701234567") looks like a 10-digit
# personnummer of someone born in 2007; typed into a chat it is far more often a phone number.
_MOBIL = re.compile(r"^07[02369]\d{7}$")


def _datum_ok(mm: str, dd: str) -> bool:
    m, d = int(mm), int(dd)
    return 1 <= m <= 12 and (1 <= d <= 31 or 61 <= d <= 91)  # 61–91: samordningsnummer


def _pnr_form(sizes: tuple[int, ...], date_len: int) -> bool:
    if len(sizes) <= 1 or all(x == 1 for x in sizes):
        return True
    total, bounds = 0, set()
    for x in sizes:
        total += x
        bounds.add(total)
    return date_len in bounds


def _slag(digits: str, plus: bool, sizes: tuple[int, ...] = ()) -> str | None:
    """What a string of digits is: "personnummer", "telefonnummer" or None. `sizes` are the digit
    groups as written: a personnummer is one group, digits typed one by one, or groups with a break
    between the date and the last four ("870122-7020", "87 01 22 7020"), never "16 070-123 45"."""
    n = len(digits)
    if plus:
        return "telefonnummer" if 8 <= n <= 13 else None
    if _MOBIL.match(digits):
        return "telefonnummer"
    if n in (10, 12) and _pnr_form(sizes, n - 4):
        if n == 10 and _datum_ok(digits[2:4], digits[4:6]):
            return "personnummer"
        if n == 12 and digits[:2] in ("19", "20") and _datum_ok(digits[4:6], digits[6:8]):
            return "personnummer"
    if digits.startswith("0") and 8 <= n <= 13:
        return "telefonnummer"
    return None


def _nummer_spann(shadow: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every personnummer and phone number in the shadow text."""
    out = []
    for run in _SIFFERKEDJA.finditer(shadow):
        base = run.start()
        plus = run.group(0).startswith("+")
        groups = [(m.start() + base, m.end() + base, m.group(0)) for m in _GRUPP.finditer(run.group(0))]
        i = 0
        while i < len(groups):
            found = None
            digits = ""
            candidates = []
            sizes: tuple[int, ...] = ()
            for j in range(i, min(len(groups), i + 13)):
                digits += groups[j][2]
                sizes += (len(groups[j][2]),)
                if len(digits) > 13:
                    break
                candidates.append((j, digits, sizes))
            for j, d, sz in reversed(candidates):  # the longest reading first
                kind = _slag(d, plus and i == 0, sz)
                if kind:
                    found = (j, kind)
                    break
            if found:
                j, kind = found
                start = groups[i][0] - (1 if plus and i == 0 else 0)
                end = groups[j][1]
                # "(08) 123 456 78": the opening parenthesis goes too
                if kind == "telefonnummer" and start > 0 and shadow[start - 1] == "(":
                    start -= 1
                out.append((start, end, kind))
                i = j + 1
            else:
                i += 1
    return out


@dataclass(frozen=True)
class Redaktion:
    text: str
    borttaget: tuple[str, ...]  # kinds removed, e.g. ("personnummer",); never the values


def redact(text: str) -> Redaktion:
    kinds: list[str] = []
    shadow = _shadow(text)

    def replace(spans: list[tuple[int, int, str]]) -> None:
        nonlocal text, shadow
        for start, end, kind in sorted(spans, reverse=True):
            marker = PLATSHALLARE[kind]
            text = text[:start] + marker + text[end:]
            shadow = shadow[:start] + marker + shadow[end:]
        for _s, _e, kind in sorted(spans):
            kinds.append(kind)

    def pattern(p: re.Pattern, kind: str) -> None:
        replace([(m.start(), m.end(), kind) for m in p.finditer(shadow)])

    pattern(_EPOST, "epost")
    pattern(_EPOST_UTSKRIVEN, "epost")
    pattern(_ADRESS, "adress")
    replace([(s, e, "namn") for s, e in _namn_spann(shadow)])
    replace(_nummer_spann(shadow))
    return Redaktion(text=text, borttaget=tuple(dict.fromkeys(kinds)))


def har_platshallare(text: str) -> tuple[str, ...]:
    """The kinds of placeholders already in a text (the message was redacted upstream)."""
    return tuple(kind for kind, marker in PLATSHALLARE.items() if marker in text)
