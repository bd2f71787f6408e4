"""Turns validated data files into domain objects (models.py).

`load_catalogue()` is the one way the rest of the system gets the catalogue: it validates first,
so a broken file stops with the same Swedish `file:line: message` errors as `validate`.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import yaml

from . import vocabulary as v
from .models import Aldersspann, AlltidBehovsprovad, Insats, Kalla, Kommun, Kontakt, Villkor
from .schema import data_files, validate_all
from .yamlio import load


class CatalogueError(Exception):
    """Raised with a Swedish message when the data cannot be used."""


def _s(value) -> str:
    return "" if value is None else str(value).strip()


def _kontakt(d) -> Kontakt:
    d = d or {}
    return Kontakt(**{k: _s(d.get(k)) for k in ("namn", "telefon", "epost", "webb", "adress", "oppettider")})


def _spann(d) -> Aldersspann:
    d = d or {}
    return Aldersspann(min=d.get("min"), max=d.get("max"))


def _kalla(d: dict, beslut: str) -> Kalla:
    return Kalla(fil=d["fil"], avsnitt=_s(d["avsnitt"]), beslut=beslut)


def _insats(d: dict, kommun_id: str, beslut: str) -> Insats:
    vil = d.get("villkor") or {}
    bos = vil.get("bosattning") or {}
    sam = vil.get("samtycke") or {}
    rem = vil.get("remiss") or {}
    dok = d.get("dokumentation") or {}
    return Insats(
        id=d["id"],
        kommun=kommun_id,
        namn=_s(d["namn"]),
        behovsprovad=bool(d.get("behovsprovad", False)),
        kategori=d["kategori"],
        amnen=tuple(d["amnen"]),
        for_vem=tuple(d["for_vem"]),
        malgrupp=_s(d["malgrupp"]),
        villkor=Villkor(
            alder=_spann(vil.get("alder")),
            barn_alder=_spann(vil.get("barn_alder")),
            bosattning_krav=bos.get("krav", "ej_angivet"),
            bosattning_text=_s(bos.get("text")),
            samtycke_kravs_under_15=sam.get("kravs_under_15"),
            samtycke_text=_s(sam.get("text")),
            remiss_kravs=bool(rem.get("kravs", False)),
            remiss_fran=_s(rem.get("fran")),
            ovrigt=tuple(_s(x) for x in vil.get("ovrigt") or () if _s(x)),
        ),
        innehall=_s(d["innehall"]),
        format=tuple(d["format"]),
        omfattning=_s(d.get("omfattning")),
        metoder=tuple(_s(x) for x in d.get("metoder") or ()),
        sprak=tuple(_s(x) for x in d.get("sprak") or ()),
        utforare=_s(d.get("utforare")),
        dokumentation_regel=dok["regel"],
        dokumentation_text=_s(dok.get("text")),
        anonymitet=_s(dok.get("anonymitet")),
        kontakt=_kontakt(d.get("kontakt")),
        kalla=_kalla(d["kalla"], beslut),
        anmarkning=_s(d.get("anmarkning")),
        att_tanka_pa=_s(d.get("att_tanka_pa")),
        alder_bekraftad=_s(d.get("alder_bekraftad")),
        innehall_lattlast=_s(d.get("innehall_lattlast")),
        vagledning=bool(d.get("vagledning", False)),
    )


def _kommun(doc: dict) -> Kommun:
    k = doc["kommun"]
    beslut = k.get("beslut") or {}
    utan_insatser = Kommun(
        id=k["id"],
        namn=_s(k["namn"]),
        namnd=_s(k.get("namnd")),
        beslut_titel=_s(beslut.get("titel")),
        beslut_datum=_s(beslut.get("datum")),
        beslut_diarienummer=_s(beslut.get("diarienummer")),
        beslut_lydelse=_s(beslut.get("lydelse")),
        bosattningsvillkor=_s(k.get("bosattningsvillkor")),
        kontakt=_kontakt(k.get("kontakt")),
        kalla=Kalla(fil=k["kalla"]["fil"], avsnitt=_s(k["kalla"]["avsnitt"])),
        insatser=(),
    )
    beslut_text = utan_insatser.beslut_text()
    return replace(utan_insatser, kalla=_kalla(k["kalla"], beslut_text),
                   insatser=tuple(_insats(i, k["id"], beslut_text) for i in doc["insatser"]))


@dataclass(frozen=True)
class Catalogue:
    kommuner: dict[str, Kommun]
    alltid_behovsprovade: tuple[AlltidBehovsprovad, ...]

    def kommun(self, kommun_id: str) -> Kommun:
        try:
            return self.kommuner[kommun_id]
        except KeyError:
            allowed = ", ".join(sorted(self.kommuner)) or "(inga)"
            raise CatalogueError(f"Kommunen \"{kommun_id}\" finns inte i katalogen. Tillåtna: {allowed}.") from None

    def insats(self, insats_id: str) -> Insats:
        kommun_id = insats_id.split("/", 1)[0]
        for insats in self.kommun(kommun_id).insatser:
            if insats.id == insats_id:
                return insats
        raise CatalogueError(f"Insatsen \"{insats_id}\" finns inte.")

    def alla_insatser(self):
        for kommun in self.kommuner.values():
            yield from kommun.insatser


def _alltid_behovsprovade(data_dir: Path) -> tuple[AlltidBehovsprovad, ...]:
    with open(data_dir / "_alltid_behovsprovade.yml", encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    return tuple(
        AlltidBehovsprovad(
            id=d["id"], namn=d["namn"], lagrum=d["lagrum"], forklaring=" ".join(d["forklaring"].split()),
            nyckelord=tuple(d.get("nyckelord") or ()), kalla=d["kalla"], amnen=tuple(d.get("amnen") or ()),
        )
        for d in doc["insatser"]
    )


def load_catalogue(data_dir: Path = v.DATA_DIR) -> Catalogue:
    problems = validate_all(data_dir)
    if problems:
        raise CatalogueError("Katalogdata har fel:\n" + "\n".join(str(p) for p in problems))
    kommuner = {}
    for path in data_files(data_dir):
        kommun = _kommun(load(path))
        kommuner[kommun.id] = kommun
    return Catalogue(kommuner=kommuner, alltid_behovsprovade=_alltid_behovsprovade(data_dir))


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    """The catalogue from the project's data folder, loaded once per process."""
    return load_catalogue()
