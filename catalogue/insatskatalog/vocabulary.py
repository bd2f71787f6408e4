"""Closed vocabularies shared by the data files, the routing core, the bot and the web app.

Topics live in catalogue/data/_amnen.yml (editors may extend them there, with a reason); the smaller
vocabularies below are part of the data format itself (docs/catalogue-schema.md).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml



def _data_dir() -> Path:
    """The data files: catalogue/data/ beside this package in the repository (also in an editable
    install), else the copy a regular install puts inside the package (pyproject.toml maps
    catalogue/data to the package `insatskatalog.data`)."""
    here = Path(__file__).resolve().parent
    source = here.parent / "data"
    return source if (source / "_amnen.yml").is_file() else here / "data"


DATA_DIR = _data_dir()

KOMMUN_IDS = ("alingsas", "mellerud", "sala", "lekeberg", "uppsala")

KATEGORIER = {
    "radgivning": "Rådgivning",
    "stodsamtal": "Stödsamtal",
    "foraldraprogram": "Föräldraprogram",
    "gruppverksamhet": "Gruppverksamhet",
    "motesplats": "Mötesplats och träffpunkt",
    "anhorigstod": "Anhörigstöd",
    "behandling": "Behandling",
    "praktiskt-stod": "Praktiskt stöd",
    "krisstod": "Krisstöd",
    "medling": "Medling",
    "boende": "Boende",
    "sysselsattning": "Sysselsättning",
    "ovrigt": "Övrigt",
}

FOR_VEM = {
    "sig": "Dig själv",
    "barn-ung": "Barn och unga själva",
    "foralder": "Föräldrar, för sitt barn",
    "anhorig": "Anhöriga och närstående",
    "familj": "Par och familjer",
    "blivande-foralder": "Blivande föräldrar",
}

FORMAT = {"individuellt": "Individuellt", "grupp": "I grupp", "oppen": "Öppen verksamhet"}

BOSATTNING_KRAV = ("folkbokford", "bosatt_eller_vistas", "ingen", "ej_angivet")

DOKUMENTATION = {
    "radgivning_14_4": "14 kap. 4 § socialtjänstlagen (rådgivning, inga personliga förhållanden dokumenteras)",
    "anonym_14_5": "14 kap. 5 § socialtjänstlagen (uppgifter som kan röja identiteten dokumenteras inte)",
    "verksamhetsniva": "dokumenteras på verksamhetsnivå (ingen journal om den enskilde; inget beslut om undantag enligt 14 kap. 5 § anges)",
    "individniva_14_3": "14 kap. 3 § socialtjänstlagen (dokumenteras på individnivå)",
}

# Who the resident says the help is for (the routing profile), and which insatser's
# `for_vem` values serve that person directly (primary) or indirectly (secondary: e.g. a
# parent asking about their child can also be told about the child's own insatser).
PROFIL_FOR = {
    "sig": "mig själv",
    "mitt-barn": "mitt barn",
    "anhorig": "en anhörig eller närstående",
    "familj": "oss som par eller familj",
}


@lru_cache(maxsize=1)
def amnen() -> dict[str, dict]:
    """Topic id -> {etikett, beskrivning, nyckelord}."""
    with open(DATA_DIR / "_amnen.yml", encoding="utf-8") as f:
        return yaml.safe_load(f)["amnen"]


def amne_etikett(amne_id: str) -> str:
    return amnen()[amne_id]["etikett"]
