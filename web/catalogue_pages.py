"""Catalogue pages: every insats of a municipality with filters and full-text search, one page
per insats with every field and its source, and the parent-programme finder."""
from __future__ import annotations

import logging
from typing import Optional

from flask import Blueprint, current_app, render_template, request

from insatskatalog import store
from insatskatalog import vocabulary as v
from insatskatalog.models import Insats, Kommun
from insatskatalog.routing import MAX_ALDER, Profile, ProfileError, route

from .errors import ResidentError
from .helpers import catalogue, kommun_or_404

logger = logging.getLogger(__name__)
bp = Blueprint("catalogue_pages", __name__)

MAX_SOKTEXT = 200
FORALDRAR_FORMAT = {"grupp": "I grupp", "individuellt": "Enskilt"}


class FilterError(ValueError):
    """A filter value the page cannot use; `lattlast` is the message in easy-to-read Swedish."""

    def __init__(self, message: str, lattlast: str):
        super().__init__(message)
        self.lattlast = lattlast


def _alder_param(raw: Optional[str]) -> Optional[int]:
    raw = (raw or "").strip()
    if not raw:
        return None
    # ASCII digits only, as in the guide: isdigit() also accepts "²" and "①", which int() cannot
    # read (a 500), and int() would read "١٦" or "１６" the guide refuses.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 3 or int(raw) > MAX_ALDER:
        raise FilterError(f"Skriv åldern med siffror, mellan 0 och {MAX_ALDER} år.",
                        f"Skriv åldern med siffror. Åldern ska vara från 0 till {MAX_ALDER} år.")
    return int(raw)


def _passar_alder(insats: Insats, alder: int) -> bool:
    """Shown when the insats has no age limits, or either of its limits includes the age."""
    spann = [s for s in (insats.villkor.alder, insats.villkor.barn_alder) if s.angivet]
    return not spann or any(s.rymmer(alder) for s in spann)


def sok(kommun: Kommun, text: str) -> list[str]:
    """Insats ids matching free text, best first, from the FTS5 index (insatskatalog.store.search).

    If the index has not been built (python -m insatskatalog build), fall back to a plain substring
    match so the page still works; the operator sees a warning in the log.
    """
    try:
        db = store.open_db(current_app.config["CATALOGUE_DB"])
    except FileNotFoundError:
        logger.warning("Katalogdatabasen saknas; fritextsökningen använder enkel textmatchning")
        needle = text.casefold()
        return [i.id for i in kommun.insatser
                if any(needle in f.casefold() for f in (i.namn, i.malgrupp, i.innehall, " ".join(i.metoder)))]
    try:
        return store.search(db, text, kommun=kommun.id, limit=1000)
    finally:
        db.conn.close()


@bp.get("/<kommun>/insatser")
def lista(kommun):
    k = kommun_or_404(kommun)
    args = request.args
    filter_ = {
        "q": (args.get("q") or "").strip()[:MAX_SOKTEXT],
        "amne": args.get("amne") or "",
        "for": args.get("for") or "",
        "alder": (args.get("alder") or "").strip(),
    }
    fel = fel_lattlast = ""
    status = 200
    insatser = list(k.insatser)
    try:
        if filter_["amne"] and filter_["amne"] not in v.amnen():
            raise FilterError("Ämnet finns inte. Välj ett ämne i listan.", "Ämnet finns inte. Välj ett ämne i listan.")
        if filter_["for"] and filter_["for"] not in v.FOR_VEM:
            raise FilterError("Välj vem insatsen ska vända sig till i listan.", "Välj i listan vem stödet är för.")
        alder = _alder_param(filter_["alder"])
    except FilterError as exc:
        fel, fel_lattlast, status, alder = str(exc), exc.lattlast, 400, None
        insatser = []

    if filter_["q"] and insatser:
        ordning = {iid: n for n, iid in enumerate(sok(k, filter_["q"]))}
        insatser = sorted((i for i in insatser if i.id in ordning), key=lambda i: ordning[i.id])
    else:
        insatser.sort(key=lambda i: i.namn.casefold())
    if not fel:
        if filter_["amne"]:
            insatser = [i for i in insatser if filter_["amne"] in i.amnen]
        if filter_["for"]:
            insatser = [i for i in insatser if filter_["for"] in i.for_vem]
        if alder is not None:
            insatser = [i for i in insatser if _passar_alder(i, alder)]

    return render_template(
        "insatser/lista.html", kommun=k, filter=filter_, fel=fel, fel_lattlast=fel_lattlast, amnen=v.amnen(),
        utan_ansokan=[i for i in insatser if not i.behovsprovad],
        med_ansokan=[i for i in insatser if i.behovsprovad],
        filtrerat=any(filter_.values()), max_soktext=MAX_SOKTEXT,
    ), status


@bp.get("/<kommun>/insatser/<slug>")
def insats(kommun, slug):
    k = kommun_or_404(kommun)
    for i in k.insatser:
        if i.slug == slug:
            return render_template("insatser/insats.html", kommun=k, insats=i)
    raise ResidentError(404, "Insatsen finns inte. Den kan ha tagits bort eller fått ett nytt namn. Se alla insatser i kommunen.")


def _sprak_val() -> list[str]:
    """Languages parent programmes are offered in anywhere in the catalogue (from the seeds),
    so the select holds only values the data knows; never free text."""
    found = {s.strip() for i in catalogue().alla_insatser() if i.kategori == "foraldraprogram" for s in i.sprak}
    return sorted((s for s in found if s), key=str.casefold)


@bp.get("/<kommun>/foraldraprogram")
def foraldraprogram(kommun):
    k = kommun_or_404(kommun)
    args = request.args
    sprak_val = _sprak_val()
    val = {
        "barn_alder": (args.get("barn_alder") or "").strip(),
        "amne": args.get("amne") or "foraldraskap",
        "format": args.get("format") or "",
        "sprak": args.get("sprak") or "",
    }
    sokt = "barn_alder" in args or "amne" in args
    fel, fel_lattlast, status, res = "", "", 200, None
    program, andra, ej = [], [], []
    if sokt:
        try:
            barn_alder = _alder_param(val["barn_alder"])
            if val["amne"] not in v.amnen():
                raise FilterError("Välj vad det gäller i listan.", "Välj i listan vad det handlar om.")
            if val["format"] and val["format"] not in FORALDRAR_FORMAT:
                raise FilterError("Välj grupp, enskilt eller att det inte spelar någon roll.",
                                "Välj grupp, bara du eller att det inte spelar någon roll.")
            if val["sprak"] and val["sprak"] not in sprak_val:
                raise FilterError("Välj ett språk i listan.", "Välj ett språk i listan.")
            amnen = tuple(dict.fromkeys((val["amne"], "foraldraskap")))
            # The fit decision is the routing core's, as for the bot and the guide.
            res = route(Profile(kommun=k.id, for_vem="mitt-barn", barn_alder=barn_alder, amnen=amnen,
                               format=val["format"] or None, sprak=val["sprak"] or None), catalogue())
        except (FilterError, ProfileError) as exc:
            fel, fel_lattlast, status = str(exc), exc.lattlast, 400
        if res is not None:
            program = [r for r in res.rekommenderade if r.insats.kategori == "foraldraprogram"]
            andra = [r for r in res.rekommenderade
                     if r.insats.kategori != "foraldraprogram" and "foralder" in r.insats.for_vem]
            ej = [e for e in res.villkor_ej_uppfyllda if e.insats.kategori == "foraldraprogram"]
    sprak_saknas = bool(program) and bool(val["sprak"]) and not any(
        any(val["sprak"].casefold() in s.casefold() for s in r.insats.sprak) for r in program)
    return render_template(
        "foraldraprogram.html", kommun=k, val=val, sokt=sokt, fel=fel, fel_lattlast=fel_lattlast, res=res, program=program, andra=andra,
        ej=ej, amnen=v.amnen(), format_val=FORALDRAR_FORMAT, sprak_val=sprak_val, sprak_saknas=sprak_saknas,
    ), status
