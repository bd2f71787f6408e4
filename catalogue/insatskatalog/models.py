"""The catalogue's domain objects: a municipality (Kommun) and its insatser.

They are plain frozen dataclasses built from the YAML data files (see docs/catalogue-schema.md),
so the routing core, the bot and the web app all reason on the same typed values.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .text import fold


ANONYM_REGLER = ("radgivning_14_4", "anonym_14_5", "verksamhetsniva")
ANONYMITET_KORT = {
    "radgivning_14_4": "Du kan vara anonym",
    "anonym_14_5": "Du kan vara anonym",
    "verksamhetsniva": "Ingen journal om dig",
    "individniva_14_3": "Inte anonymt i själva insatsen",
}


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
    oppettider: str = ""


@dataclass(frozen=True)
class Kalla:
    """Where an entry comes from. `fil` is the seed file, for editors only; `beslut` is the
    decision as residents may read it ("Socialnämnden i Uppsala, beslut 2025-05-19")."""
    fil: str
    avsnitt: str
    beslut: str = ""

    def avsnitt_text(self) -> str:
        a = self.avsnitt.strip()
        if not a or a.lower().startswith(("s.", "bilaga", "avsnitt", "tabell")):
            return a
        return f"avsnitt {a}"

    def resident_text(self) -> str:
        """The source as residents see it: the decision's name and date and the section, never a file name."""
        return ", ".join(p for p in (self.beslut, self.avsnitt_text()) if p)

    def editor_text(self) -> str:
        return f"{self.fil}, {self.avsnitt_text()}"

    def text(self) -> str:
        """Kept for the bot: the resident-facing source text."""
        return self.resident_text()


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
    anmarkning: str = ""      # editor note: seed inconsistencies; never shown to residents
    att_tanka_pa: str = ""    # resident note, written for residents ("Att tänka på")
    alder_bekraftad: str = ""  # editor's reason why the ages in the text differ from villkor.alder/barn_alder
    innehall_lattlast: str = ""  # the summary in easy-to-read Swedish (lättläst, issue 13.6); "" = none yet
    vagledning: bool = False   # general guidance on rights and on how to apply, whatever the need (routing.py)

    def sammanfattning(self, lattlast: bool = False) -> str:
        """The summary residents read: `innehall`, or with `lattlast` the easy-to-read version,
        falling back to `innehall` while the municipality has not written one."""
        return (self.innehall_lattlast or self.innehall) if lattlast else self.innehall

    @property
    def slug(self) -> str:
        return self.id.split("/", 1)[1]

    @property
    def anonym_mojlig(self) -> bool:
        """No identity-revealing record is kept about the resident in the insats itself."""
        return self.dokumentation_regel in ANONYM_REGLER

    @property
    def anonymitet_kort(self) -> str:
        return ANONYMITET_KORT.get(self.dokumentation_regel, "")


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
    beslut_lydelse: str = ""   # which version of the decision residents see, in the seed's terms

    @property
    def kort_namn(self) -> str:
        """'Alingsås' from 'Alingsås kommun', 'Mellerud' from 'Melleruds kommun' (the genitive s
        is dropped only when what remains is the municipality's id)."""
        name = self.namn.removesuffix(" kommun")
        if name.endswith("s") and fold(name[:-1]) == self.id:
            return name[:-1]
        return name

    def beslut_text(self) -> str:
        """The decision as residents may read it: 'Socialnämnden i Uppsala, beslut 2025-05-19'.
        Without a date in the seed, the decision's title stands in for it."""
        namnd = f"{self.namnd or 'Socialnämnden'} i {self.kort_namn}"
        if self.beslut_datum:
            text = f"{namnd}, beslut {self.beslut_datum}"
            if self.beslut_diarienummer:
                text += f", dnr {self.beslut_diarienummer}"
        elif self.beslut_titel:
            text = f"{namnd}, ”{self.beslut_titel}” (utan datum i dokumentet)"
        else:
            text = namnd
        return f"{text} ({self.beslut_lydelse})" if self.beslut_lydelse else text


@dataclass(frozen=True)
class AlltidBehovsprovad:
    """An insats that can never be given without behovsprövning (GUIDE.md §1.3)."""
    id: str
    namn: str
    lagrum: str
    forklaring: str
    nyckelord: tuple[str, ...]
    kalla: str
    amnen: tuple[str, ...] = ()  # topics with insatser that help meanwhile, without an application
