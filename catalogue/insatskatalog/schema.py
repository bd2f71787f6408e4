"""Validation of the municipality data files against docs/catalogue-schema.md.

Every problem becomes a `Problem(file, line, message)` whose message is Swedish and says what is
wrong and what is allowed, so that a municipal editor without programming knowledge can fix it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import vocabulary as v
from .yamlio import LineDict, load

SEED_FILE = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

KOMMUN_FALT = {"id", "namn", "namnd", "beslut", "bosattningsvillkor", "kontakt", "kalla"}
INSATS_FALT = {
    "id", "namn", "behovsprovad", "kategori", "amnen", "for_vem", "malgrupp", "villkor", "innehall",
    "format", "omfattning", "metoder", "sprak", "utforare", "dokumentation", "kontakt", "kalla",
    "anmarkning", "att_tanka_pa", "alder_bekraftad", "innehall_lattlast", "vagledning",
}
INSATS_KRAVS = INSATS_FALT - {"anmarkning", "sprak", "behovsprovad", "att_tanka_pa", "alder_bekraftad", "innehall_lattlast",
                              "vagledning"}
VILLKOR_FALT = {"alder", "barn_alder", "bosattning", "samtycke", "remiss", "ovrigt"}
KONTAKT_FALT = {"namn", "telefon", "epost", "webb", "adress", "oppettider"}
BESLUT_FALT = {"titel", "datum", "diarienummer", "lydelse"}

# The municipality's own contact path, which the seeds do not give: the municipality fills it in.
# Until then `validate` warns for each empty field and residents are told plainly (rights.kontaktvag).
KOMMUN_KONTAKT_ATT_FYLLA_I = {
    "webb": "webbadressen till kommunens sida om socialtjänsten eller kontaktcenter (börjar med https://)",
    "telefon": "telefonnumret till socialtjänstens mottagning eller kommunens kontaktcenter",
    "oppettider": "telefontiderna eller öppettiderna för det numret, t.ex. \"Vardagar 8–16\"",
    "epost": "e-postadressen till socialtjänsten eller kontaktcenter",
}

# Text that residents read must never show an editor's working material: seed file names or the
# data format's own field names (for example "(barn_alder)").
RESIDENT_FORBIDDEN = re.compile(
    r"\d{3}_[0-9a-f]{16}(?:\.txt)?|\b[a-z]+_[a-z0-9_]+\b|\b(?:malgrupp|innehall|anmarkning|bosattning|ovrigt|"
    r"sprak|utforare|behovsprovad|amnen|alder|for_vem|att_tanka_pa)\b"
)

# `innehall_lattlast` (issue 13.6): the summary in easy-to-read Swedish, short sentences. A longer
# sentence is a warning, not an error: the editor decides, the text still loads.
LATTLAST_MAX_ORD = 15

# Ages written in a text: "över 18 år", "under 20 år", "8–19 år", "mellan 13 och 21 år", "15-åringar".
AGE_IN_TEXT = re.compile(
    r"(?:(?P<q>under|över|äldre än|yngre än|upp till|från|fyllt|mellan)\s+)?"
    r"(?P<a>\d{1,3})(?:\s*(?:-|–|—|till|och)\s*(?P<b>\d{1,3}))?\s*(?:år(?:s ålder)?\b|-?åring)",
    re.IGNORECASE,
)


def ages_in_text(text: str) -> list[tuple[str, int]]:
    """(qualifier, age) for every age written in the text; consent sentences ("samtycke", where
    15 is the consent age, not an age limit) are left out."""
    found = []
    for sentence in re.split(r"(?<=[.;])\s+", text or ""):
        if "samtycke" in sentence.lower():
            continue
        for m in AGE_IN_TEXT.finditer(sentence):
            q = (m.group("q") or "").lower()
            if m.group("b"):
                found += [("", int(m.group("a"))), ("", int(m.group("b")))]
            else:
                found.append((q, int(m.group("a"))))
    return [(q, n) for q, n in found if n <= 120]


def _age_matches(qualifier: str, age: int, bounds: set) -> bool:
    if qualifier in ("under", "yngre än"):
        return bool({age - 1, age} & bounds)
    if qualifier in ("över", "äldre än"):
        return bool({age, age + 1} & bounds)
    return age in bounds


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class _Checker:
    def __init__(self, path: Path):
        self.path = path
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path.name, line, message))

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(Problem(self.path.name, line, message))

    def resident_text(self, parent, key: str, where: str) -> None:
        """Errors for a seed file name or a field name in a text residents read."""
        value = parent.get(key) if isinstance(parent, dict) else None
        values = value if isinstance(value, list) else [value]
        for v_ in values:
            m = RESIDENT_FORBIDDEN.search(v_) if isinstance(v_, str) else None
            if m:
                self.error(parent.line_of(key), f"{where}: \"{key}\" visas för invånare men innehåller \"{m.group(0)}\" "
                           "(ett filnamn eller ett fältnamn). Skriv det för invånare, eller flytta det till \"anmarkning\".")

    # -- small typed checks -------------------------------------------------------------
    def mapping(self, parent: LineDict, key: str, where: str, required=True):
        value = parent.get(key)
        if value is None:
            if required:
                self.error(parent.line, f"{where}: fältet \"{key}\" saknas.")
            return None
        if not isinstance(value, dict):
            self.error(parent.line_of(key), f"{where}: \"{key}\" ska vara en grupp av fält (nyckel: värde).")
            return None
        return value

    def text(self, parent: LineDict, key: str, where: str, required=True, nonempty=False) -> None:
        if key not in parent:
            if required:
                self.error(parent.line, f"{where}: fältet \"{key}\" saknas (skriv \"\" om källan inte anger något).")
            return
        value = parent[key]
        if value is None and not nonempty:
            return
        if not isinstance(value, str):
            self.error(parent.line_of(key), f"{where}: \"{key}\" ska vara text, inom citattecken om den innehåller kolon.")
        elif nonempty and not value.strip():
            self.error(parent.line_of(key), f"{where}: \"{key}\" får inte vara tomt.")

    def choice_list(self, parent: LineDict, key: str, allowed, where: str, nonempty=True) -> None:
        value = parent.get(key)
        line = parent.line_of(key)
        if not isinstance(value, list):
            self.error(line, f"{where}: \"{key}\" ska vara en lista, t.ex. [{next(iter(allowed))}].")
            return
        if nonempty and not value:
            self.error(line, f"{where}: \"{key}\" måste ha minst ett värde. Tillåtna värden: {', '.join(allowed)}.")
        for item in value:
            if item not in allowed:
                self.error(line, f"{where}: \"{key}\" har värdet \"{item}\", som inte finns. Tillåtna värden: {', '.join(allowed)}.")

    def text_list(self, parent: LineDict, key: str, where: str, required=True) -> None:
        if key not in parent:
            if required:
                self.error(parent.line, f"{where}: fältet \"{key}\" saknas (skriv [] om källan inte anger något).")
            return
        value = parent[key]
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            self.error(parent.line_of(key), f"{where}: \"{key}\" ska vara en lista med texter, t.ex. [\"...\"].")

    def unknown_keys(self, mapping: LineDict, allowed: set, where: str) -> None:
        for key in mapping:
            if key not in allowed:
                self.error(mapping.line_of(key), f"{where}: fältet \"{key}\" är okänt. Tillåtna fält: {', '.join(sorted(allowed))}.")

    def kontakt(self, parent: LineDict, where: str) -> None:
        kontakt = self.mapping(parent, "kontakt", where)
        if kontakt is None:
            return
        self.unknown_keys(kontakt, KONTAKT_FALT, f"{where}, kontakt")
        for key in kontakt:
            if kontakt[key] is not None and not isinstance(kontakt[key], str):
                self.error(kontakt.line_of(key), f"{where}, kontakt: \"{key}\" ska vara text.")
        webb = kontakt.get("webb")
        if isinstance(webb, str) and webb.strip() and not webb.strip().startswith("https://"):
            self.error(kontakt.line_of("webb"), f"{where}, kontakt: \"webb\" ska vara en hel webbadress som börjar med https://.")
        return kontakt

    def kommun_kontakt(self, kommun: LineDict) -> None:
        """A warning, not an error, for every contact field the municipality has not filled in yet."""
        kontakt = self.kontakt(kommun, "kommun")
        if kontakt is None:
            return
        for key, what in KOMMUN_KONTAKT_ATT_FYLLA_I.items():
            if not str(kontakt.get(key) or "").strip():
                line = kontakt.line_of(key) if key in kontakt else kontakt.line
                self.warn(line, f"kommun.kontakt.{key} är tomt: fyll i {what}. Tills dess säger Insatsguiden att "
                          "kommunen ännu inte har lagt in sina kontaktuppgifter och visar bara de nationella numren.")

    def kalla(self, parent: LineDict, where: str) -> None:
        kalla = self.mapping(parent, "kalla", where)
        if kalla is None:
            return
        fil = kalla.get("fil")
        if not isinstance(fil, str) or not SEED_FILE.match(fil):
            self.error(kalla.line_of("fil"), f"{where}: \"kalla.fil\" ska vara källdokumentets filnamn, t.ex. 000_b7d841ce0235e73d.txt.")
        if not str(kalla.get("avsnitt") or "").strip():
            self.error(kalla.line_of("avsnitt"), f"{where}: \"kalla.avsnitt\" ska ange avsnitt eller sida i källan.")

    def age_range(self, villkor: LineDict, key: str, where: str) -> None:
        value = villkor.get(key)
        if value is None:
            return
        if not isinstance(value, dict):
            self.error(villkor.line_of(key), f"{where}: \"{key}\" ska skrivas {{min: 18, max: null}} (null betyder ingen gräns).")
            return
        self.unknown_keys(value, {"min", "max"}, f"{where}, {key}")
        bounds = {}
        for bound in ("min", "max"):
            b = value.get(bound)
            if b is None:
                continue
            if isinstance(b, bool) or not isinstance(b, int) or not 0 <= b <= 120:
                self.error(value.line_of(bound), f"{where}: {key}.{bound} ska vara en ålder i hela år mellan 0 och 120, eller null.")
            else:
                bounds[bound] = b
        if "min" in bounds and "max" in bounds and bounds["min"] > bounds["max"]:
            self.error(value.line, f"{where}: {key}.min ({bounds['min']}) är större än {key}.max ({bounds['max']}).")

    # -- the document -------------------------------------------------------------------
    def check(self, doc) -> None:
        if not isinstance(doc, dict):
            self.error(1, "filen ska börja med \"kommun:\" och \"insatser:\".")
            return
        self.unknown_keys(doc, {"kommun", "insatser"}, "filen")
        kommun = self.mapping(doc, "kommun", "filen")
        kommun_id = None
        if kommun is not None:
            kommun_id = self.check_kommun(kommun)
        insatser = doc.get("insatser")
        if not isinstance(insatser, list) or not insatser:
            self.error(doc.line_of("insatser"), "\"insatser\" ska vara en lista med minst en insats.")
            return
        seen: dict[str, int] = {}
        for insats in insatser:
            if not isinstance(insats, dict):
                self.error(doc.line_of("insatser"), "varje insats ska vara en grupp av fält som börjar med \"- id:\".")
                continue
            iid = insats.get("id")
            if isinstance(iid, str) and iid in seen:
                self.error(insats.line, f"id \"{iid}\" finns redan på rad {seen[iid]}: varje insats behöver ett eget id.")
            elif isinstance(iid, str):
                seen[iid] = insats.line
            self.check_insats(insats, kommun_id)

    def check_kommun(self, kommun: LineDict):
        where = "kommun"
        self.unknown_keys(kommun, KOMMUN_FALT, where)
        kid = kommun.get("id")
        expected = self.path.stem
        if kid not in v.KOMMUN_IDS:
            self.error(kommun.line_of("id"), f"kommun.id \"{kid}\" är okänt. Tillåtna: {', '.join(v.KOMMUN_IDS)}.")
        elif kid != expected:
            self.error(kommun.line_of("id"), f"kommun.id \"{kid}\" stämmer inte med filnamnet {self.path.name}.")
        for key in ("namn", "namnd", "bosattningsvillkor"):
            self.text(kommun, key, where, nonempty=key == "namn")
        beslut = self.mapping(kommun, "beslut", where)
        if beslut is not None:
            self.unknown_keys(beslut, BESLUT_FALT, f"{where}, beslut")
            for key in ("titel", "datum", "diarienummer"):
                self.text(beslut, key, f"{where}, beslut")
            self.text(beslut, "lydelse", f"{where}, beslut", required=False)
            for key in ("titel", "lydelse"):
                self.resident_text(beslut, key, f"{where}, beslut")
            datum = beslut.get("datum")
            if isinstance(datum, str) and datum and not re.match(r"^\d{4}-\d{2}(-\d{2})?$", datum):
                self.error(beslut.line_of("datum"), f"{where}: beslut.datum ska skrivas ÅÅÅÅ-MM-DD (eller ÅÅÅÅ-MM), inom citattecken.")
        self.kommun_kontakt(kommun)
        self.kalla(kommun, where)
        return kid

    def check_insats(self, insats: LineDict, kommun_id) -> None:
        name = insats.get("namn") if isinstance(insats.get("namn"), str) else insats.get("id", "?")
        where = f"insatsen \"{name}\""
        self.unknown_keys(insats, INSATS_FALT, where)
        for key in sorted(INSATS_KRAVS - set(insats)):
            self.error(insats.line, f"{where}: fältet \"{key}\" saknas.")
        iid = insats.get("id")
        if not isinstance(iid, str) or "/" not in iid:
            self.error(insats.line_of("id"), f"{where}: id ska skrivas kommun/namn-med-bindestreck, t.ex. {kommun_id or 'alingsas'}/familjeradgivning.")
        else:
            prefix, slug = iid.split("/", 1)
            if kommun_id and prefix != kommun_id:
                self.error(insats.line_of("id"), f"{where}: id \"{iid}\" ska börja med \"{kommun_id}/\".")
            if not SLUG.match(slug):
                self.error(insats.line_of("id"), f"{where}: id \"{iid}\" får bara innehålla a–z, 0–9 och bindestreck (å/ä → a, ö → o).")
        self.text(insats, "namn", where, nonempty=True)
        if "behovsprovad" in insats and not isinstance(insats["behovsprovad"], bool):
            self.error(insats.line_of("behovsprovad"), f"{where}: \"behovsprovad\" ska vara true eller false.")
        if "vagledning" in insats and not isinstance(insats["vagledning"], bool):
            self.error(insats.line_of("vagledning"), f"{where}: \"vagledning\" ska vara true eller false.")
        if insats.get("kategori") not in v.KATEGORIER:
            self.error(insats.line_of("kategori"), f"{where}: kategorin \"{insats.get('kategori')}\" finns inte. Tillåtna: {', '.join(v.KATEGORIER)}.")
        self.choice_list(insats, "amnen", list(v.amnen()), where)
        self.choice_list(insats, "for_vem", list(v.FOR_VEM), where)
        self.choice_list(insats, "format", list(v.FORMAT), where)
        for key in ("malgrupp", "innehall"):
            self.text(insats, key, where, nonempty=True)
        for key in ("omfattning", "utforare", "anmarkning", "att_tanka_pa", "alder_bekraftad"):
            self.text(insats, key, where, required=key in ("omfattning", "utforare"))
        for key in ("namn", "malgrupp", "innehall", "omfattning", "utforare", "att_tanka_pa", "metoder", "sprak",
                    "innehall_lattlast"):
            self.resident_text(insats, key, where)
        self.lattlast(insats, where)
        self.text_list(insats, "metoder", where)
        self.text_list(insats, "sprak", where, required=False)
        villkor = self.mapping(insats, "villkor", where)
        if villkor is not None:
            self.check_villkor(villkor, where)
        dok = self.mapping(insats, "dokumentation", where)
        if dok is not None:
            self.unknown_keys(dok, {"regel", "text", "anonymitet"}, f"{where}, dokumentation")
            if dok.get("regel") not in v.DOKUMENTATION:
                self.error(dok.line_of("regel"), f"{where}: dokumentation.regel \"{dok.get('regel')}\" finns inte. Tillåtna: {', '.join(v.DOKUMENTATION)}.")
            self.text(dok, "text", f"{where}, dokumentation")
            self.text(dok, "anonymitet", f"{where}, dokumentation", nonempty=True)
            for key in ("text", "anonymitet"):
                self.resident_text(dok, key, f"{where}, dokumentation")
        self.kontakt(insats, where)
        self.kalla(insats, where)
        kalla = insats.get("kalla")
        if isinstance(kalla, dict):
            self.resident_text(kalla, "avsnitt", where)
        if isinstance(villkor, dict):
            self.age_check(insats, villkor, where)

    def lattlast(self, insats: LineDict, where: str) -> None:
        """The optional easy-to-read summary: text when given (an error otherwise), and a warning
        for each sentence longer than LATTLAST_MAX_ORD words. Absent or empty, `innehall` is shown."""
        if "innehall_lattlast" not in insats or insats["innehall_lattlast"] is None:
            return
        value = insats["innehall_lattlast"]
        line = insats.line_of("innehall_lattlast")
        if not isinstance(value, str):
            self.error(line, f"{where}: \"innehall_lattlast\" ska vara text: sammanfattningen på lättläst svenska, "
                       "inom citattecken om den innehåller kolon. Ta bort fältet om det inte finns någon lättläst text; "
                       "då visas \"innehall\".")
            return
        for sentence in re.split(r"(?<=[.!?])\s+", value.strip()):
            words = re.findall(r"\w+(?:[-–]\w+)*", sentence)
            if len(words) > LATTLAST_MAX_ORD:
                self.warn(line, f"{where}: en mening i \"innehall_lattlast\" har {len(words)} ord (\"{sentence[:40]}…\"). "
                          f"Lättläst har korta meningar, högst {LATTLAST_MAX_ORD} ord och en sak i varje mening.")

    def age_check(self, insats: LineDict, villkor: LineDict, where: str) -> None:
        """Warns when the ages written in the insats's own name, målgrupp or villkor text do not
        match its structured age limits: an age in the text but no limit, or other numbers.
        An editor who has checked the seed and keeps the difference writes why in `alder_bekraftad`."""
        if str(insats.get("alder_bekraftad") or "").strip():
            return
        if insats.get("behovsprovad") is True:
            return  # given only after an application: its ages are the board's assessment, not villkor checked here
        texts = [insats.get("namn"), insats.get("malgrupp")]
        bos = villkor.get("bosattning")
        if isinstance(bos, dict):
            texts.append(bos.get("text"))
        ovrigt = villkor.get("ovrigt")
        texts += ovrigt if isinstance(ovrigt, list) else []
        ages = [a for t in texts if isinstance(t, str) for a in ages_in_text(t)]
        if not ages:
            return
        bounds = set()
        for key in ("alder", "barn_alder"):
            span = villkor.get(key)
            if isinstance(span, dict):
                bounds |= {b for b in (span.get("min"), span.get("max")) if isinstance(b, int) and not isinstance(b, bool)}
        line = villkor.line_of("alder") if "alder" in villkor else villkor.line
        written = ", ".join(dict.fromkeys(f"{q} {n} år".strip() for q, n in ages))
        if not bounds:
            self.warn(line, f"{where}: texten nämner åldern {written}, men villkor.alder och villkor.barn_alder är tomma. "
                      "För in åldern om källan gör den till ett villkor, eller skriv i \"alder_bekraftad\" varför inte.")
            return
        missing = [f"{q} {n} år".strip() for q, n in ages if not _age_matches(q, n, bounds)]
        if missing:
            self.warn(line, f"{where}: texten nämner {', '.join(dict.fromkeys(missing))}, men åldersgränserna i villkor är "
                      f"{', '.join(str(b) for b in sorted(bounds))}. Rätta gränserna, eller skriv i \"alder_bekraftad\" varför de skiljer sig.")

    def check_villkor(self, villkor: LineDict, where: str) -> None:
        where = f"{where}, villkor"
        self.unknown_keys(villkor, VILLKOR_FALT, where)
        self.age_range(villkor, "alder", where)
        self.age_range(villkor, "barn_alder", where)
        bos = self.mapping(villkor, "bosattning", where)
        if bos is not None:
            self.unknown_keys(bos, {"krav", "text"}, f"{where}, bosattning")
            if bos.get("krav") not in v.BOSATTNING_KRAV:
                self.error(bos.line_of("krav"), f"{where}: bosattning.krav \"{bos.get('krav')}\" finns inte. Tillåtna: {', '.join(v.BOSATTNING_KRAV)}.")
            self.text(bos, "text", f"{where}, bosattning")
            self.resident_text(bos, "text", f"{where}, bosattning")
        sam = self.mapping(villkor, "samtycke", where, required=False)
        if sam is not None:
            self.unknown_keys(sam, {"kravs_under_15", "text"}, f"{where}, samtycke")
            if sam.get("kravs_under_15") not in (True, False, None):
                self.error(sam.line_of("kravs_under_15"), f"{where}: samtycke.kravs_under_15 ska vara true, false eller null.")
            self.resident_text(sam, "text", f"{where}, samtycke")
            if re.search(r"dokumenter", str(sam.get("text") or ""), re.IGNORECASE):
                self.error(sam.line_of("text"), f"{where}: samtycke.text handlar om dokumentation. Där står bara vad källan "
                           "säger om vårdnadshavares samtycke; dokumentationen hör till \"dokumentation.text\".")
        rem = self.mapping(villkor, "remiss", where, required=False)
        if rem is not None:
            self.unknown_keys(rem, {"kravs", "fran"}, f"{where}, remiss")
            if not isinstance(rem.get("kravs", False), bool):
                self.error(rem.line_of("kravs"), f"{where}: remiss.kravs ska vara true eller false.")
        if "ovrigt" in villkor:
            self.text_list(villkor, "ovrigt", where)
            self.resident_text(villkor, "ovrigt", where)


def data_files(data_dir: Path = v.DATA_DIR) -> list[Path]:
    """The municipality files: every *.yml in the data folder whose name does not start with '_'."""
    return sorted(p for p in data_dir.glob("*.yml") if not p.name.startswith("_"))


def check_file(path: Path) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) for one data file. Errors stop the catalogue from loading; warnings are
    things an editor should fill in or confirm (empty contact fields, ages that differ from the text)."""
    checker = _Checker(path)
    try:
        doc = load(path)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        what = getattr(exc, "problem", None) or "felaktig YAML"
        return [Problem(path.name, line, f"filen går inte att läsa som YAML ({what}). Kontrollera indrag och citattecken.")], []
    checker.check(doc)
    return checker.problems, checker.warnings


def validate_file(path: Path) -> list[Problem]:
    return check_file(path)[0]


def warnings_file(path: Path) -> list[Problem]:
    return check_file(path)[1]


def validate_all(data_dir: Path = v.DATA_DIR) -> list[Problem]:
    problems: list[Problem] = []
    for path in data_files(data_dir):
        problems.extend(validate_file(path))
    return problems


def warnings_all(data_dir: Path = v.DATA_DIR) -> list[Problem]:
    warnings: list[Problem] = []
    for path in data_files(data_dir):
        warnings.extend(warnings_file(path))
    return warnings
