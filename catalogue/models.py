"""The catalogue's domain objects: a municipality (Kommun) and its insatser.

They are plain frozen dataclasses built from the YAML data files (see docs/catalogue-schema.md),
so the routing core, the bot and the web app all reason on the same typed values.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass(frozen=True)
class Aldersspann:
    min: Optional[int] = None
    max: Optional[int] = None

    @property
    def angivet(self) -> bool:
        return self.min is not None or self.max is not None

    def rymmer(self, alder: int) -> bool:
        return (self.min is None or alder >= self.min) and (self.max is None or alder <= self.max)

    def text(self) -> str:
        if self.min == 0 and self.max == 0:
            return "under 1 år"
        if self.min is not None and self.min == self.max:
            return f"{self.min} år"
        if self.min is not None and self.max is not None:
            return f"{self.min}–{self.max} år"
        if self.min is not None:
            return f"från {self.min} år"
        if self.max is not None:
            return f"upp till {self.max} år"
        return "alla åldrar"


@dataclass(frozen=True)
class Villkor:
    alder: Aldersspann = field(default_factory=Aldersspann)
    barn_alder: Aldersspann = field(default_factory=Aldersspann)
    bosattning_krav: str = "ej_angivet"
    bosattning_text: str = ""
    samtycke_kravs_under_15: Optional[bool] = None
    samtycke_text: str = ""
    remiss_kravs: bool = False
    remiss_fran: str = ""
    ovrigt: tuple[str, ...] = ()


@dataclass(frozen=True)
class Kontakt:
    namn: str = ""
    telefon: str = ""
    epost: str = ""
    webb: str = ""
    adress: str = ""

    @property
    def tom(self) -> bool:
        return not (self.telefon or self.epost or self.webb or self.adress)


@dataclass(frozen=True)
class Kalla:
    fil: str
    avsnitt: str

    def text(self) -> str:
        return f"{self.fil}, avsnitt {self.avsnitt}"


@dataclass(frozen=True)
class Insats:
    id: str
    kommun: str
    namn: str
    behovsprovad: bool
    kategori: str
    amnen: tuple[str, ...]
    for_vem: tuple[str, ...]
    malgrupp: str
    villkor: Villkor
    innehall: str
    format: tuple[str, ...]
    omfattning: str
    metoder: tuple[str, ...]
    sprak: tuple[str, ...]
    utforare: str
    dokumentation_regel: str
    dokumentation_text: str
    anonymitet: str
    kontakt: Kontakt
    kalla: Kalla
    anmarkning: str = ""

    @property
    def slug(self) -> str:
        return self.id.split("/", 1)[1]

    @property
    def anonym_mojlig(self) -> bool:
        return self.dokumentation_regel in ("radgivning_14_4", "anonym_14_5")


@dataclass(frozen=True)
class Kommun:
    id: str
    namn: str
    namnd: str
    beslut_titel: str
    beslut_datum: str
    beslut_diarienummer: str
    bosattningsvillkor: str
    kontakt: Kontakt
    kalla: Kalla
    insatser: tuple[Insats, ...]

    @property
    def kort_namn(self) -> str:
        """'Alingsås' from 'Alingsås kommun'."""
        return self.namn.removesuffix(" kommun").removesuffix("s kommun")


@dataclass(frozen=True)
class AlltidBehovsprovad:
    """An insats that can never be given without behovsprövning (GUIDE.md §1.3)."""
    id: str
    namn: str
    lagrum: str
    forklaring: str
    nyckelord: tuple[str, ...]
    kalla: str
