"""Reading a resident's message: topic, who it is for, age, municipality, wishes.

Pure functions on (text, intent, entities), so the form, the other actions and the tests share
one interpretation. Nothing here stores or logs the text.
"""
from __future__ import annotations

import re
from typing import Iterable, Optional

from catalogue import vocabulary as v
from catalogue.text import fold

OKANT = "okant"        # the resident chose not to say
ALDER_OKAND = -1       # likewise, for ages

# behov_psykisk_ohalsa -> psykisk-ohalsa
AMNE_FRAN_INTENT = {f"behov_{a.replace('-', '_')}": a for a in v.amnen()}

# The normalised values of the `relation` entity (nlu_data synonyms) -> who the help is for.
FOR_VEM_FRAN_RELATION = {
    "sig": "sig",
    "son": "mitt-barn", "dotter": "mitt-barn", "barn": "mitt-barn",
    "partner": "anhorig", "foralder": "anhorig", "syskon": "anhorig", "van": "anhorig", "barnbarn": "anhorig",
    "familj": "familj",
}
SUBSTANS_AMNE = {"alkohol": "beroende", "cannabis": "beroende", "narkotika": "beroende", "spel": "beroende", "lakemedel": "beroende"}
KOMMUN_NAMN = {"alingsas": "alingsas", "mellerud": "mellerud", "sala": "sala", "lekeberg": "lekeberg", "uppsala": "uppsala"}

# The exact button titles of bot/domain/responses.yml, folded.
KNAPP_FOR_VEM = {
    "mig sjalv": "sig", "mitt barn": "mitt-barn", "en anhorig eller van": "anhorig", "oss som par eller familj": "familj",
}
KNAPP_AMNE = {
    "alkohol, droger eller spel": ["beroende"], "foraldraskap": ["foraldraskap"], "vald i nara relation": ["vald"],
    "psykisk ohalsa": ["psykisk-ohalsa"], "kris och sorg": ["kris"], "ekonomi och skulder": ["ekonomi"],
    "relationer och separation": ["relation", "separation"], "ensamhet": ["ensamhet"],
}
# Age buttons are ranges; we route on a typical age inside the range.
KNAPP_ALDER = {
    "under 15": 13, "15–17": 16, "18–25": 21, "26–64": 40, "65 eller aldre": 70,
    "0–2 ar": 1, "3–12 ar": 8, "13–17 ar": 15, "18 eller aldre": 19,
}
SKIP = re.compile(r"\b(vill inte (saga|svara|beratta)|hoppa over|vet inte|spelar ingen roll|pass|skippa|ingen aning)\b")

_TAL = {
    "noll": 0, "ett": 1, "en": 1, "tva": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "atta": 8, "nio": 9,
    "tio": 10, "elva": 11, "tolv": 12, "tretton": 13, "fjorton": 14, "femton": 15, "sexton": 16, "sjutton": 17,
    "arton": 18, "aderton": 18, "nitton": 19, "tjugo": 20,
}
_TIOTAL = {"tjugo": 20, "trettio": 30, "fyrtio": 40, "femtio": 50, "sextio": 60, "sjuttio": 70, "attio": 80, "nittio": 90}
_KLASS = {"ettan": 7, "tvaan": 8, "trean": 9, "fyran": 10, "femman": 11, "sexan": 12, "sjuan": 13, "attan": 14, "nian": 15}
_ORD_ALDER = [
    (re.compile(r"\b(bebis|bebisen|babis|spadbarn|nyfodd|bebbe)\b"), 0),
    (re.compile(r"\b(smabarn|tvaaring|taring)\b"), 2),
    (re.compile(r"\b(forskola|forskolan|forskolebarn)\b"), 4),
    (re.compile(r"\blagstadiet\b"), 8),
    (re.compile(r"\bmellanstadiet\b"), 11),
    (re.compile(r"\bhogstadiet\b"), 14),
    (re.compile(r"\b(tonaring|tonaringen|tonaren|tonars|tonarsbarn|tonarskille|tonarstjej)\b"), 15),
    (re.compile(r"\b(gymnasiet|gymnasiet|gymnasieelev|gymnasiekille|gymnasietjej)\b"), 17),
    (re.compile(r"\b(pensionar|pensionerad)\b"), 67),
]
_FORSTA_PERSON = re.compile(r"\b(jag|mig|jag ar|ja ar)\b")
_TREDJE_PERSON = re.compile(r"\b(han|hon|hen|barnet|sonen|dottern|grabben|tjejen|killen|ungen|min son|min dotter)\b")


def _tal_fran_ord(token: str) -> Optional[int]:
    if token in _TAL:
        return _TAL[token]
    for tiotal, value in _TIOTAL.items():
        if token.startswith(tiotal):
            rest = token[len(tiotal):]
            if not rest:
                return value
            if rest in _TAL and _TAL[rest] < 10:
                return value + _TAL[rest]
    return None


# "i 10 år", "för 3 år sedan", "bor i Sverige två år nu": a duration, not an age. Words are folded.
_ALDER_FORE = re.compile(r"\b(ar|blir|fyller|fyllt|pa|bara|typ|snart|nastan)\s*$")
_VARAKTIGHET_FORE = re.compile(r"\b(i|sedan|sen|under|efter|med|for|over|bott|bor|varit|haft|jobbat|druckit|"
                               r"rokt|spelat|levt|hallit pa|pagatt|gift|ihop|tillsammans|sverige|har|redan)\s*$")
_VARAKTIGHET_EFTER = re.compile(r"^\s*(sedan|sen|till|kvar|i rad|nu|tillbaka|redan)\b")
# Months are a baby's age only when the phrase says so ("är 3 månader", "3 månader gammal").
_MANADER_ALDER = re.compile(r"(\b(ar|bara|bebis|baby|bebisen|hon|han|dottern|sonen) |\bpa )$")


def _ar_varaktighet(fore: str, efter: str) -> bool:
    """True when "N år" between these two pieces of text is a duration ("i 10 år", "två år nu")."""
    if _ALDER_FORE.search(fore) or re.match(r"^\s*gammal", efter):
        return False
    return bool(_VARAKTIGHET_FORE.search(fore) or _VARAKTIGHET_EFTER.search(efter))


def _alder_med_enhet(t: str, fri: bool):
    """The first "N år"/"N-åring"/"N månader" that states an age, not a duration."""
    for m in re.finditer(r"\b(\d{1,3}) ?(ar|aring|-aring|arig|manader)\b", t):
        fore, efter = t[: m.start()], t[m.end():]
        if m.group(2) == "manader":
            if fri and not fore.strip() or re.match(r"^\s*gammal", efter) or _MANADER_ALDER.search(fore):
                return m
            continue
        if m.group(2) == "ar" and _ar_varaktighet(fore, efter):
            continue
        return m
    return None


def parse_alder(text: str, fri: bool = True) -> Optional[int]:
    """An age in years from Swedish text, or None. Out-of-range numbers return None.

    fri=True: any lone number counts (the bot just asked for an age). fri=False: only clear age
    expressions count ("16 år", "han är 16", "sexton år", "tonåring", "går i sjuan").
    """
    t = fold(text).strip()
    t_rng = t.replace("-", "–")
    for label, alder in KNAPP_ALDER.items():
        if t_rng == label:
            return alder
    m = re.search(r"\b(\d{1,3})\s*[–]\s*(\d{1,3})\b", t_rng)
    if m and fri:
        a, b = int(m.group(1)), int(m.group(2))
        if 0 <= a <= b <= 120:
            return (a + b) // 2
    m = re.search(r"\bgar i (\w+)\b", t)
    if m and m.group(1) in _KLASS:
        return _KLASS[m.group(1)]
    m = _alder_med_enhet(t, fri) or re.search(r"\b(?:ar|typ|runt|ungefar|cirka|ca|nastan|bara|snart) (\d{1,3})\b", t)
    if not m and fri:
        m = re.search(r"(?<![\d\[])\b(\d{1,3})\b(?![\d\]])", t)
    if m:
        if len(m.groups()) > 1 and m.group(2) == "manader":
            return 0
        value = int(m.group(1))
        return value if 0 <= value <= 120 else None
    m = re.search(r"\b(\w+?)(aring|ar gammal|ar)\b", t)
    if m:
        value = _tal_fran_ord(m.group(1).strip())
        if value is not None:
            return value
    for token in re.findall(r"[a-z]+", t):
        value = _tal_fran_ord(token)
        if value is not None and token not in ("en", "ett") and (fri or re.search(rf"\b{token}\b\s*(ar|aring)?", t)):
            if fri or re.search(rf"\b(ar|typ|bara|snart) {token}\b", t):
                return value
            ar = re.search(rf"\b{token} ar\b", t)
            if ar and not _ar_varaktighet(t[: ar.start()], t[ar.end():]):
                return value
    for pattern, alder in _ORD_ALDER:
        if pattern.search(t):
            return alder
    return None


def ogiltig_alder(text: str) -> bool:
    """True when the text holds a number that cannot be an age (e.g. 300 or -3)."""
    t = fold(text)
    return bool(re.search(r"(^|\s)-\d", t)) or any(int(n) > 120 for n in re.findall(r"(?<!\d)\d{3,4}(?!\d)", t))


def ar_skip(text: str, intent: Optional[str]) -> bool:
    return intent == "skip" or bool(SKIP.search(fold(text)))


def entity_values(entities: Iterable[dict], name: str) -> list[str]:
    return [str(e.get("value")) for e in entities if e.get("entity") == name and e.get("value") is not None]


def for_vem_fran(text: str, entities: Iterable[dict]) -> Optional[str]:
    t = fold(text).strip().rstrip(".!")
    if t in KNAPP_FOR_VEM:
        return KNAPP_FOR_VEM[t]
    for relation in entity_values(entities, "relation"):
        key = fold(relation)
        if key in FOR_VEM_FRAN_RELATION:
            return FOR_VEM_FRAN_RELATION[key]
    if re.search(r"\b(mig sjalv|for mig|till mig|jag sjalv|bara mig)\b", t):
        return "sig"
    if re.search(r"\b(min son|min dotter|mitt barn|vart barn|mina barn|min grabb|min tjej|min unge|min tonaring)\b", t):
        return "mitt-barn"
    return None


def amnen_fran(text: str, intent: Optional[str], entities: Iterable[dict]) -> list[str]:
    """Topics named by this message: the topic intent first, then what entities imply."""
    t = fold(text).strip().rstrip(".!")
    found: list[str] = []
    if t in KNAPP_AMNE:
        found += KNAPP_AMNE[t]
    for amne, info in v.amnen().items():
        if t == fold(info["etikett"]):
            found.append(amne)
    if intent in AMNE_FRAN_INTENT:
        found.append(AMNE_FRAN_INTENT[intent])
    if intent == "fraga_foraldraprogram":
        found.append("foraldraskap")
    for substans in entity_values(entities, "substans"):
        if fold(substans) in SUBSTANS_AMNE:
            found.append(SUBSTANS_AMNE[fold(substans)])
    return list(dict.fromkeys(found))


def kommun_fran(text: str, entities: Iterable[dict], metadata: Optional[dict]) -> Optional[str]:
    if metadata and isinstance(metadata.get("kommun"), str) and metadata["kommun"] in KOMMUN_NAMN:
        return metadata["kommun"]
    for value in entity_values(entities, "kommun"):
        if fold(value) in KOMMUN_NAMN:
            return KOMMUN_NAMN[fold(value)]
    t = fold(text)
    for name in KOMMUN_NAMN:
        if re.search(rf"\b{name}s?\b", t):
            return name
    return None


def alder_galler_barnet(text: str, for_vem: Optional[str], requested_slot: Optional[str]) -> bool:
    """Whether an age in this message is the child's (or the worried-about person's) age."""
    if requested_slot in ("alder", "barn_alder"):
        return requested_slot == "barn_alder"
    t = fold(text)
    if _FORSTA_PERSON.search(t) and not _TREDJE_PERSON.search(t):
        return False
    if _TREDJE_PERSON.search(t):
        return True
    return for_vem == "mitt-barn"


def ordning_fran(text: str, entities: Iterable[dict]) -> Optional[int]:
    """1-based position ("den andra" -> 2), -1 for "den sista"."""
    values = [fold(x) for x in entity_values(entities, "ordning")]
    t = fold(text)
    for token in values + re.findall(r"\w+", t):
        if token in ("1", "forsta", "ettan", "nummer 1"):
            return 1
        if token in ("2", "andra", "tvaan"):
            return 2
        if token in ("3", "tredje", "trean"):
            return 3
        if token in ("sista",):
            return -1
    return None
