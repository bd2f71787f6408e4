"""The self-service guide: at most four steps, plain HTML forms, no JavaScript needed.

Every step is a GET form; the answers so far travel in the query string as hidden fields
(for, alder, barn_alder, amne (repeatable), anonym, format, samtycke), plus `steg`, the step to
show. There is no free text and nothing personal, so a result URL such as
/alingsas/guide/resultat?for=mitt-barn&barn_alder=16&amne=beroende can be bookmarked or shared.

The result comes from insatskatalog.routing.route() — the same function the bot uses — and every
result page ends with the right to apply (11 kap. 6 §) and the emergency note.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Optional
from flask import Blueprint, current_app, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from insatskatalog import statistics
from insatskatalog import vocabulary as v
from insatskatalog.routing import MAX_ALDER, SAMTYCKESALDER, Profile, ProfileError, route
from insatskatalog.models import Kommun

from .helpers import catalogue, kommun_or_404
from .lattlast import med  # the URL may already carry ?lattlast=1
from .security import one_time_tokens, rate_limiter

bp = Blueprint("guide", __name__)
TOKEN_FIELD = "t"


@bp.record_once
def _init_counting(state) -> None:
    """One result counted per walk through the guide: step 4's form carries a random one-time token
    (memory only, expires after GUIDE_TOKEN_TTL seconds), and one address gets at most
    GUIDE_RAKNINGAR_PER_TIMME counted results an hour. Pages are always shown; only counting stops."""
    app = state.app
    app.config.setdefault("GUIDE_TOKEN_TTL", 3600.0)
    app.config.setdefault("GUIDE_RAKNINGAR_PER_TIMME", 20)
    # In Redis, shared by all web processes, when REDIS_URL is set (web/shared_state.py).
    app.extensions["guide_tokens"] = one_time_tokens(app, float(app.config["GUIDE_TOKEN_TTL"]))
    app.extensions["guide_counting_limiter"] = rate_limiter(app, "guide", int(app.config["GUIDE_RAKNINGAR_PER_TIMME"]),
                                                            3600.0)


def _counts_this_view() -> bool:
    if request.method != "GET":  # a HEAD from a link preview is no view
        return False
    if not current_app.extensions["guide_tokens"].consume(request.args.get(TOKEN_FIELD)):
        return False  # reloaded, bookmarked, shared or forged: shown, not counted
    return current_app.extensions["guide_counting_limiter"].hit(request.remote_addr)[0]

ANTAL_STEG = 4
FORMAT_VAL = {"grupp": "I grupp", "individuellt": "Enskilt, bara jag (eller vi)"}
SAMTYCKE_VAL = {"ja": True, "nej": False}

# The guide's error messages: (normal, lättläst). The page shows the second with ?lattlast=1.
FEL_VEM = ("Välj vem hjälpen gäller.", "Välj vem som behöver stöd.")
FEL_AMNE = ("Välj minst ett ämne.", "Välj ett ämne. Du kan välja flera.")
FEL_SIFFROR = (f"Skriv åldern med siffror, till exempel 16. Ange en ålder mellan 0 och {MAX_ALDER} år.",
               f"Skriv åldern med siffror. Till exempel 16. Åldern ska vara från 0 till {MAX_ALDER} år.")
FEL_OKANT_AMNE = ("Ett av ämnena finns inte. Välj bland ämnena i listan.", "Ett ämne finns inte. Välj ett ämne i listan.")
FEL_FORMAT = ("Välj grupp, enskilt eller att det inte spelar någon roll.",
              "Välj grupp, bara jag eller att det inte spelar någon roll.")
FEL_SAMTYCKE = ("Svara ja, nej eller vet inte på frågan om vårdnadshavare.",
                "Frågan handlar om vårdnadshavare. Svara ja, nej eller vet inte.")
INGET_FEL = ("", "")

# What step 2 asks, per answer to step 1: (field, question, hint).
ALDERSFRAGOR = {
    "sig": [("alder", "Hur gammal är du?", "")],
    "mitt-barn": [("barn_alder", "Hur gammal är barnet?", "")],
    "anhorig": [
        ("barn_alder", "Hur gammal är den du är orolig för?", ""),
        ("alder", "Hur gammal är du?", ""),
    ],
    "familj": [
        ("alder", "Hur gammal är du?", ""),
        ("barn_alder", "Om det gäller ett barn i familjen: hur gammal är barnet?", "Lämna tomt om det inte gäller ett barn."),
    ],
}


@dataclass
class Svar:
    """The answers found in a query string, and the first step that has a problem."""
    for_vem: Optional[str] = None
    alder: Optional[int] = None
    barn_alder: Optional[int] = None
    amnen: tuple[str, ...] = ()
    anonym: bool = False
    format: Optional[str] = None
    samtycke: Optional[bool] = None
    fel_steg: Optional[int] = None
    fel: str = ""
    fel_lattlast: str = ""  # the same message in easy-to-read Swedish
    besvarade: set = field(default_factory=set)  # steps whose fields are present

    def fail(self, steg: int, text: tuple[str, str]) -> None:
        """Keeps the first step's problem; `text` is (normal, lättläst)."""
        if self.fel_steg is None or steg < self.fel_steg:
            self.fel_steg, (self.fel, self.fel_lattlast) = steg, text

    def profil(self, kommun: Kommun) -> Profile:
        return Profile(kommun=kommun.id, for_vem=self.for_vem or "sig", alder=self.alder, barn_alder=self.barn_alder,
                      amnen=self.amnen, anonym=self.anonym, format=self.format, samtycke=self.samtycke)

    def fragar_samtycke(self) -> bool:
        """A child under 15 asking for themself: some insatser need the guardian's consent."""
        return self.for_vem == "sig" and self.alder is not None and self.alder < SAMTYCKESALDER

    def params(self, upp_till: int = ANTAL_STEG) -> list[tuple[str, str]]:
        """The answers of steps 1..upp_till as query parameters (the only thing a URL holds)."""
        out: list[tuple[str, str]] = []
        if upp_till >= 1 and self.for_vem:
            out.append(("for", self.for_vem))
        if upp_till >= 2:
            for name, _q, _h in ALDERSFRAGOR.get(self.for_vem or "", []):
                value = getattr(self, name)
                out.append((name, "" if value is None else str(value)))
        if upp_till >= 3:
            out += [("amne", a) for a in self.amnen]
        if upp_till >= 4:
            if self.anonym:
                out.append(("anonym", "1"))
            if self.format:
                out.append(("format", self.format))
            if self.samtycke is not None and self.fragar_samtycke():
                out.append(("samtycke", "ja" if self.samtycke else "nej"))
        return out


def _alder(raw: str) -> tuple[Optional[int], Optional[tuple[str, str]]]:
    raw = raw.strip()
    if raw == "":
        return None, None
    # ASCII digits only: isdigit() also accepts "²" and "①", which int() cannot read.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 3:
        return None, FEL_SIFFROR
    return int(raw), None


def parse(args: MultiDict, kommun: Kommun) -> Svar:
    """Reads and checks every answer; range checks come from the routing core's own validation."""
    s = Svar()
    for_vem = args.get("for")
    if for_vem is not None:
        s.besvarade.add(1)
        if for_vem in v.PROFIL_FOR:
            s.for_vem = for_vem
        else:
            s.fail(1, FEL_VEM)

    fragor = ALDERSFRAGOR.get(s.for_vem or "", [])
    if any(name in args for name, _q, _h in fragor):
        s.besvarade.add(2)
    for name, _q, _h in fragor:
        value, fel = _alder(args.get(name, ""))
        if fel:
            s.fail(2, fel)
        setattr(s, name, value)

    amnen = args.getlist("amne")
    if amnen:
        s.besvarade.add(3)
        okanda = [a for a in amnen if a not in v.amnen()]
        if okanda:
            s.fail(3, FEL_OKANT_AMNE)
        s.amnen = tuple(dict.fromkeys(a for a in amnen if a in v.amnen()))

    if any(k in args for k in ("anonym", "format", "samtycke")):
        s.besvarade.add(4)
    s.anonym = args.get("anonym") == "1"
    fmt = args.get("format", "")
    if fmt in FORMAT_VAL:
        s.format = fmt
    elif fmt:
        s.fail(4, FEL_FORMAT)
    sam = args.get("samtycke", "")
    if sam in SAMTYCKE_VAL:
        s.samtycke = SAMTYCKE_VAL[sam]
    elif sam:
        s.fail(4, FEL_SAMTYCKE)

    if s.fel_steg is None and s.for_vem:
        # The routing core's own limits (ages 0–120, known topics): one source of truth. The answers
        # are checked one step at a time (step 2 alone, then with step 3's topics), so the step a
        # failure belongs to is the step being checked, never guessed from the message's words.
        profil = s.profil(kommun)
        for steg, answers_so_far in ((2, replace(profil, amnen=(), format=None)), (3, profil)):
            try:
                answers_so_far.validate(catalogue())
            except ProfileError as exc:
                s.fail(steg, (str(exc), exc.lattlast))
                break
    return s


def _steg_sida(kommun: Kommun, svar: Svar, steg: int, fel: tuple[str, str] = INGET_FEL, status: int = 200):
    tillbaka = None
    if steg > 1:
        tillbaka = med(url_for("guide.steg", kommun=kommun.id), svar.params(ANTAL_STEG) + [("steg", str(steg - 1))])
    return render_template(
        "guide/steg.html", kommun=kommun, svar=svar, steg=steg, antal=ANTAL_STEG, fel=fel[0], fel_lattlast=fel[1],
        dolda=svar.params(steg - 1) + ([(TOKEN_FIELD, current_app.extensions["guide_tokens"].issue())]
                                       if steg == ANTAL_STEG else []),
        tillbaka=tillbaka, aldersfragor=ALDERSFRAGOR.get(svar.for_vem or "", []),
        amnen=v.amnen(), format_val=FORMAT_VAL, max_alder=MAX_ALDER,
    ), status


@bp.get("/<kommun>/guide")
def steg(kommun):
    k = kommun_or_404(kommun)
    svar = parse(request.args, k)
    try:
        onskat = int(request.args.get("steg", "1"))
    except ValueError:
        onskat = 1
    onskat = min(max(onskat, 1), ANTAL_STEG)
    # A step can only be shown when every earlier step is answered and valid.
    if svar.fel_steg is not None and svar.fel_steg < onskat:
        return _steg_sida(k, svar, svar.fel_steg, (svar.fel, svar.fel_lattlast), 400)
    for n in range(1, onskat):
        if n not in svar.besvarade and n != 4:
            fel = FEL_AMNE if n == 3 else (FEL_VEM if n == 1 else INGET_FEL)
            return _steg_sida(k, svar, n, fel, 400 if fel[0] else 200)
    return _steg_sida(k, svar, onskat)


@bp.get("/<kommun>/guide/resultat")
def resultat(kommun):
    k = kommun_or_404(kommun)
    svar = parse(request.args, k)
    if svar.fel_steg is not None:
        return _steg_sida(k, svar, svar.fel_steg, (svar.fel, svar.fel_lattlast), 400)
    for n, fel in ((1, FEL_VEM), (3, FEL_AMNE)):
        if n not in svar.besvarade:
            return _steg_sida(k, svar, n, fel, 400)
    res = route(svar.profil(k), catalogue())
    # One count per walk through the guide (see _init_counting); categories only, and
    # statistics.py checks every value against its vocabulary.
    if _counts_this_view():
        statistics.record(kommun=k.id, kanal="guide", amne=svar.amnen[0] if svar.amnen else None, intent="guide",
                          utfall="inget_passade" if res.inget_passar else "rekommenderat",
                          db_path=current_app.config.get("STATISTIK_DB"))
    andra = med(url_for("guide.steg", kommun=k.id), svar.params() + [("steg", "1")])
    return render_template("guide/resultat.html", kommun=k, svar=svar, res=res, andra=andra,
                           format_val=FORMAT_VAL, aldersfragor=ALDERSFRAGOR.get(svar.for_vem or "", []))
