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
    "anmarkning",
}
INSATS_KRAVS = INSATS_FALT - {"anmarkning", "sprak", "behovsprovad"}
VILLKOR_FALT = {"alder", "barn_alder", "bosattning", "samtycke", "remiss", "ovrigt"}
KONTAKT_FALT = {"namn", "telefon", "epost", "webb", "adress"}


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

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path.name, line, message))

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
            self.unknown_keys(beslut, {"titel", "datum", "diarienummer"}, f"{where}, beslut")
            for key in ("titel", "datum", "diarienummer"):
                self.text(beslut, key, f"{where}, beslut")
            datum = beslut.get("datum")
            if isinstance(datum, str) and datum and not re.match(r"^\d{4}-\d{2}(-\d{2})?$", datum):
                self.error(beslut.line_of("datum"), f"{where}: beslut.datum ska skrivas ÅÅÅÅ-MM-DD (eller ÅÅÅÅ-MM), inom citattecken.")
        self.kontakt(kommun, where)
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
        if insats.get("kategori") not in v.KATEGORIER:
            self.error(insats.line_of("kategori"), f"{where}: kategorin \"{insats.get('kategori')}\" finns inte. Tillåtna: {', '.join(v.KATEGORIER)}.")
        self.choice_list(insats, "amnen", list(v.amnen()), where)
        self.choice_list(insats, "for_vem", list(v.FOR_VEM), where)
        self.choice_list(insats, "format", list(v.FORMAT), where)
        for key in ("malgrupp", "innehall"):
            self.text(insats, key, where, nonempty=True)
        for key in ("omfattning", "utforare", "anmarkning"):
            self.text(insats, key, where, required=key != "anmarkning")
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
        self.kontakt(insats, where)
        self.kalla(insats, where)

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
        sam = self.mapping(villkor, "samtycke", where, required=False)
        if sam is not None:
            self.unknown_keys(sam, {"kravs_under_15", "text"}, f"{where}, samtycke")
            if sam.get("kravs_under_15") not in (True, False, None):
                self.error(sam.line_of("kravs_under_15"), f"{where}: samtycke.kravs_under_15 ska vara true, false eller null.")
        rem = self.mapping(villkor, "remiss", where, required=False)
        if rem is not None:
            self.unknown_keys(rem, {"kravs", "fran"}, f"{where}, remiss")
            if not isinstance(rem.get("kravs", False), bool):
                self.error(rem.line_of("kravs"), f"{where}: remiss.kravs ska vara true eller false.")
        if "ovrigt" in villkor:
            self.text_list(villkor, "ovrigt", where)


def data_files(data_dir: Path = v.DATA_DIR) -> list[Path]:
    """The municipality files: every *.yml in the data folder whose name does not start with '_'."""
    return sorted(p for p in data_dir.glob("*.yml") if not p.name.startswith("_"))


def validate_file(path: Path) -> list[Problem]:
    checker = _Checker(path)
    try:
        doc = load(path)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        what = getattr(exc, "problem", None) or "felaktig YAML"
        return [Problem(path.name, line, f"filen går inte att läsa som YAML ({what}). Kontrollera indrag och citattecken.")]
    checker.check(doc)
    return checker.problems


def validate_all(data_dir: Path = v.DATA_DIR) -> list[Problem]:
    problems: list[Problem] = []
    for path in data_files(data_dir):
        problems.extend(validate_file(path))
    return problems
