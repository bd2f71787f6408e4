"""Shared helpers for the blueprints: the catalogue, the municipality of a URL, template globals."""
from __future__ import annotations

import logging

from flask import Flask, current_app

from insatskatalog import vocabulary as v
from insatskatalog.emergency import nodnummer
from insatskatalog.loader import Catalogue, CatalogueError, default_catalogue
from insatskatalog.models import Insats, Kommun
from insatskatalog.rights import kontaktvag, ratt_att_ansoka
from insatskatalog.routing import SAMTYCKESALDER

from .errors import ResidentError

logger = logging.getLogger(__name__)

# Villkor status as text AND symbol, never colour alone (WCAG 1.4.1).
STATUS = {
    "uppfyllt": ("✓", "Uppfyllt"),
    "ej_uppfyllt": ("✗", "Inte uppfyllt"),
    "okant": ("?", "Kontrolleras av verksamheten"),
}

# What is counted, in the chat's own words (bot/actions/replies.py ANONYM_CHATT, issue 13.5): every
# page, the guide and the widget's note say this same sentence (tests/web/test_pages.py checks it).
STATISTIK_MENING = "Kommunen ser bara anonym statistik över vilka ämnen som tas upp, per vecka."
OM_STATISTIK = f"Insatsguiden är anonym och du behöver inte logga in. Det du skriver sparas inte. {STATISTIK_MENING}"

def catalogue() -> Catalogue:
    """The app's catalogue (tests may inject one), else the project's data files, loaded once."""
    injected = current_app.config.get("CATALOGUE")
    if injected is not None:
        return injected
    try:
        return default_catalogue()
    except CatalogueError:
        # Broken data files are an operator problem; the resident gets a plain 500 page.
        logger.error("Katalogen kunde inte laddas (kör: python -m insatskatalog validate)")
        raise ResidentError(500, "Katalogen går inte att läsa just nu. Försök igen om en stund eller kontakta kommunens socialtjänst.")


def kommun_or_404(kommun_id: str) -> Kommun:
    try:
        return catalogue().kommun(kommun_id)
    except CatalogueError:
        raise ResidentError(404, "Kommunen finns inte i Insatsguiden. Välj en kommun på startsidan.") from None


def insats_url_for(insats: Insats) -> str:
    from flask import url_for
    return url_for("catalogue_pages.insats", kommun=insats.kommun, slug=insats.slug)


def kontakt_rader(insats: Insats) -> list[str]:
    """The insats's own contact details, only those the seed gave."""
    k = insats.kontakt
    return [x for x in (k.telefon and f"Telefon: {k.telefon}", k.epost and f"E-post: {k.epost}",
                        k.webb and f"Webb: {k.webb}", k.adress and f"Adress: {k.adress}") if x]


def init_templates(app: Flask) -> None:
    app.jinja_env.globals.update(
        STATUS=STATUS,
        STATISTIK_MENING=STATISTIK_MENING,
        OM_STATISTIK=OM_STATISTIK,
        KATEGORIER=v.KATEGORIER,
        FOR_VEM=v.FOR_VEM,
        FORMAT=v.FORMAT,
        DOKUMENTATION=v.DOKUMENTATION,
        PROFIL_FOR=v.PROFIL_FOR,
        SAMTYCKESALDER=SAMTYCKESALDER,
        amne_etikett=lambda a: v.amnen().get(a, {}).get("etikett", a),
        nodnummer=nodnummer,
        kontaktvag=kontaktvag,
        ratt_att_ansoka=ratt_att_ansoka,
        insats_url=insats_url_for,
        kontakt_rader=kontakt_rader,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
