"""What the staff page and the CSV export show: filters, the counts from the recorder's table,
and the protected tables.

All numbers come from the recorder's counters, read with `insatskatalog.statistics.read_counts` (already
in the recorder's vocabulary: unknown municipalities as "okand", unknown topics as "inget"). For a period and
a municipality choice (one municipality, "okänd", or all together) we build every table any
channel filter could show — both channels, chatt only, guide only — with every "this is the sum of
those" relation within and between them, and run the ONE protection function `disclosure.protect` over
all of it. A view is then only a selection from that protected whole, so switching the channel
filter cannot be used to subtract one's way to a small number; the topic filter only selects rows.
The result is cached per period, municipality choice and data.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from insatskatalog import statistics
from insatskatalog import vocabulary as v

from .disclosure import CELL, SUMMA, Plan, Post, protect

ALLA = "alla"
KANALER = {ALLA: "Chatt och guide", "chatt": "Chatten", "guide": "Guiden"}
GRUPPER = (*v.KOMMUN_IDS, statistics.OKAND_KOMMUN)
STANDARD_VECKOR = 12
MAX_VECKOR = 53

VECKA_RE = re.compile(r"^\s*(\d{4})-?[Ww](\d{1,2})\s*$")
KVARTAL_RE = re.compile(r"^\s*(\d{4})\s*-?\s*[Kk]([1-4])\s*$")
# The fixed, non-overlapping publication periods: ISO weeks of each quarter (the fourth ends with
# the year's last week, 52 or 53).
KVARTAL_VECKOR = {1: (1, 13), 2: (14, 26), 3: (27, 39), 4: (40, 53)}


def amnen() -> list[str]:
    return statistics.raknade_amnen()


def amne_etikett(a: str) -> str:
    if a == statistics.INGET_AMNE:
        return "Inget ämne angivet"
    return v.amnen().get(a, {}).get("etikett", a)


UTFALL = list(statistics.UTFALL)


# -- weeks and filters -------------------------------------------------------------------

def vecka_datum(s: str) -> dt.date:
    y, w = int(s[:4]), int(s[6:])
    return dt.date.fromisocalendar(y, w, 1)


def tolka_vecka(text: str) -> str:
    """'2025-W07' (also 2025w7) → '2025-W07'; ValueError with a Swedish message otherwise."""
    m = VECKA_RE.match(text or "")
    if not m:
        raise ValueError("Skriv veckan som år och veckonummer, till exempel 2025-W07.")
    y, w = int(m.group(1)), int(m.group(2))
    try:
        dt.date.fromisocalendar(y, w, 1)
    except ValueError:
        raise ValueError(f"Vecka {w} finns inte år {y}. Ett år har 52 eller 53 veckor.") from None
    if y < 2000:
        raise ValueError("Välj en vecka från år 2000 eller senare.")
    return f"{y}-W{w:02d}"


def sista_veckan(ar: int) -> int:
    return dt.date(ar, 12, 28).isocalendar()[1]


def kvartal_for(vecka: str) -> tuple[int, int]:
    y, w = int(vecka[:4]), int(vecka[6:])
    return y, next(q for q, (a, b) in KVARTAL_VECKOR.items() if a <= w <= b)


def kvartal_granser(ar: int, q: int) -> tuple[str, str]:
    a, b = KVARTAL_VECKOR[q]
    return f"{ar}-W{a:02d}", f"{ar}-W{min(b, sista_veckan(ar)):02d}"


def kvartal_slut(ar: int, q: int) -> dt.date:
    """The Sunday that ends the quarter."""
    return vecka_datum(kvartal_granser(ar, q)[1]) + dt.timedelta(days=6)


def senaste_avslutade_kvartal(idag: dt.date) -> tuple[int, int]:
    y, q = kvartal_for(statistics.iso_vecka(idag))
    while kvartal_slut(y, q) >= idag:
        y, q = (y, q - 1) if q > 1 else (y - 1, 4)
    return y, q


def avslutade_kvartal(idag: dt.date, antal: int = 8) -> list[str]:
    """The last `antal` quarters that have ended, newest first, as '2025-K1'."""
    y, q = senaste_avslutade_kvartal(idag)
    out = []
    for _ in range(antal):
        out.append(f"{y}-K{q}")
        y, q = (y, q - 1) if q > 1 else (y - 1, 4)
    return out


def veckor_mellan(fran: str, till: str) -> list[str]:
    d, end = vecka_datum(fran), vecka_datum(till)
    out = []
    while d <= end:
        out.append(statistics.iso_vecka(d))
        d += dt.timedelta(days=7)
    return out


@dataclass(frozen=True)
class Urval:
    kommun: str          # a municipality id, "okand" or "alla"
    fran: str
    till: str
    amne: Optional[str]  # None = all topics
    kanal: str           # "alla", "chatt" or "guide"

    @property
    def kvartal(self) -> str:
        y, q = kvartal_for(self.fran)
        return f"{y}-K{q}"

    @property
    def veckor(self) -> list[str]:
        return veckor_mellan(self.fran, self.till)

    def params(self) -> dict:
        out = {"kommun": self.kommun, "kvartal": self.kvartal, "kanal": self.kanal}
        if self.amne:
            out["amne"] = self.amne
        return out


class FelaktigtUrval(ValueError):
    """Malformed filters: {field: Swedish message}."""

    def __init__(self, fel: dict[str, str]):
        super().__init__("; ".join(fel.values()))
        self.fel = fel


def tolka_urval(args, standard_kommun: str, idag: Optional[dt.date] = None) -> Urval:
    """The GET filters, validated. `standard_kommun` is used when none is given. Raises
    FelaktigtUrval (→ 400 with the messages) for anything malformed. Who may see which
    municipality is checked by the caller (→ 403).

    The period is always one whole quarter that has ended (`kvartal=2025-K1`; default: the latest
    one). Old links with `fran`/`till` weeks show the quarter of `till` (or of `fran`)."""
    fel: dict[str, str] = {}
    kommun = (args.get("kommun") or "").strip() or standard_kommun
    if kommun not in (*GRUPPER, ALLA):
        fel["kommun"] = "Välj en kommun i listan."
    idag = idag or dt.date.today()
    kvartal_text = (args.get("kvartal") or "").strip()
    kvartal = None
    if kvartal_text:
        m = KVARTAL_RE.match(kvartal_text)
        if not m:
            fel["kvartal"] = "Välj ett kvartal i listan, till exempel 2025-K1."
        elif int(m.group(1)) < 2000:
            fel["kvartal"] = "Välj ett kvartal från år 2000 eller senare."
        else:
            kvartal = (int(m.group(1)), int(m.group(2)))
    else:
        for name, text in (("till", "Till och med vecka"), ("fran", "Från och med vecka")):
            raw = (args.get(name) or "").strip()
            if not raw:
                continue
            try:
                vecka = tolka_vecka(raw)
            except ValueError as e:
                fel["kvartal"] = f"{text}: {e}"
                continue
            if kvartal is None:
                kvartal = kvartal_for(vecka)
        if kvartal is None and not fel:
            kvartal = senaste_avslutade_kvartal(idag)
    if kvartal is not None and "kvartal" not in fel and kvartal_slut(*kvartal) >= idag:
        fel["kvartal"] = (f"Kvartal {kvartal[1]} år {kvartal[0]} är inte slut ännu. Statistiken för ett kvartal "
                          "visas när kvartalet är slut, så att talen inte ändras efter att de har visats.")
    amne = (args.get("amne") or "").strip() or None
    if amne is not None and amne not in amnen():
        fel["amne"] = "Välj ett ämne i listan."
    kanal = (args.get("kanal") or "").strip() or ALLA
    if kanal not in KANALER:
        fel["kanal"] = "Välj kanal: chatt och guide, bara chatten eller bara guiden."
    if fel:
        raise FelaktigtUrval(fel)
    fran, till = kvartal_granser(*kvartal)
    return Urval(kommun=kommun, fran=fran, till=till, amne=amne, kanal=kanal)


# -- the protected whole -----------------------------------------------------------------

# How willingly something is hidden when it must be (lower = sooner): a single channel's view
# before the main view (both channels); within a view, week totals first, the grand total last.
def _vy_vikt(k: str) -> int:
    return 0 if k != ALLA else 10


_TABELL_VIKT = {"w": 0, "u": 1, "y": 2, "x": 2, "t": 3, "n": 4}


class Vy:
    """One municipality choice × one channel choice, protected."""

    def __init__(self, plan: Plan, index: dict, g: str, k: str, veckor: list[str]):
        self._plan = plan
        self._index = index
        self.g, self.k, self.veckor = g, k, veckor

    def post(self, *key) -> Post:
        return self._plan.poster[self._index[key]]

    def visas(self, *key) -> str:
        return self.post(*key).visas()

    def cell(self, a: str, w: str) -> str:
        return self.visas("x", a, w)

    def amne_total(self, a: str) -> str:
        return self.visas("t", a)

    def vecka_total(self, w: str) -> str:
        return self.visas("w", w)

    def utfall(self, a: str, u: str) -> str:
        return self.visas("y", a, u)

    def utfall_total(self, u: str) -> str:
        return self.visas("u", u)

    def total(self) -> str:
        return self.visas("n")

    def har(self, a: str) -> bool:
        """Whether the topic has any count in this view (0 is published exactly anyway)."""
        return self.post("t", a).varde > 0


def sanna_antal(rader: list[tuple], veckor: list[str], grupp: str) -> dict[str, tuple[dict, dict]]:
    """True counts for one municipality choice, per channel choice: ({(amne, vecka): n}, {(amne, utfall): n})."""
    vecka_set = set(veckor)
    x = {k: defaultdict(int) for k in (ALLA, *statistics.KANALER)}
    y = {k: defaultdict(int) for k in (ALLA, *statistics.KANALER)}
    for g, kanal, a, vecka, utfall, n in rader:  # statistics.read_counts: already in its vocabulary
        if vecka not in vecka_set or (grupp != ALLA and g != grupp):
            continue
        for k in (kanal, ALLA):
            x[k][(a, vecka)] += n
            y[k][(a, utfall)] += n
    return {k: (x[k], y[k]) for k in x}


class Skyddad:
    """The three channel views (both, chatt, guide) of one municipality choice and one period,
    protected together by `protect`.

    Published per view: topic × week cells (exact, or "<5"), and, all as rounded totals, each
    topic's total, each week's total, topic × outcome (a sum over the weeks), each outcome's
    total and the grand total. Between the views: both channels = chatt + guide, number by number.
    """

    def __init__(self, rader: list[tuple], veckor: list[str], grupp: str):
        self.veckor = list(veckor)
        self.grupp = grupp
        amnen_ = amnen()
        sanna = sanna_antal(rader, self.veckor, grupp)
        plan = Plan()
        index: dict[str, dict[tuple, int]] = {}
        for k, (xs, ys) in sanna.items():
            ix: dict[tuple, int] = {}
            index[k] = ix

            def post(key, varde, typ, _ix=ix, _vv=_vy_vikt(k)):
                _ix[key] = plan.post(varde, typ, _vv + _TABELL_VIKT[key[0]])
                return _ix[key]

            xi = {(a, w): post(("x", a, w), xs.get((a, w), 0), CELL) for a in amnen_ for w in self.veckor}
            # topic × outcome sums a topic over all the weeks: a total, so rounded like one
            yi = {(a, u): post(("y", a, u), ys.get((a, u), 0), SUMMA) for a in amnen_ for u in UTFALL}
            ti = {a: post(("t", a), sum(xs.get((a, w), 0) for w in self.veckor), SUMMA) for a in amnen_}
            wi = {w: post(("w", w), sum(xs.get((a, w), 0) for a in amnen_), SUMMA) for w in self.veckor}
            ui = {u: post(("u", u), sum(ys.get((a, u), 0) for a in amnen_), SUMMA) for u in UTFALL}
            ni = post(("n",), sum(xs.values()), SUMMA)
            for a in amnen_:
                plan.summa(ti[a], [xi[(a, w)] for w in self.veckor])
                plan.summa(ti[a], [yi[(a, u)] for u in UTFALL])
            for w in self.veckor:
                plan.summa(wi[w], [xi[(a, w)] for a in amnen_])
            for u in UTFALL:
                plan.summa(ui[u], [yi[(a, u)] for a in amnen_])
            plan.summa(ni, ti.values())
            plan.summa(ni, wi.values())
            plan.summa(ni, ui.values())
        for key in index[ALLA]:
            plan.summa(index[ALLA][key], [index["chatt"][key], index["guide"][key]])
        self.plan = protect(plan)
        self._index = index

    def vy(self, kanal: str) -> Vy:
        return Vy(self.plan, self._index[kanal], self.grupp, kanal, self.veckor)


_cache: "OrderedDict[tuple, Skyddad]" = OrderedDict()
_cache_lock = threading.Lock()
_CACHE_MAX = 8


def skyddad(db_path: Path, urval: Urval, grupp: Optional[str] = None) -> Skyddad:
    """The protected views for the filter's municipality (or `grupp`) and period, cached per
    period and data."""
    grupp = grupp or urval.kommun
    veckor = urval.veckor
    rader = statistics.read_counts(db_path, urval.fran, urval.till)
    if grupp != ALLA:
        rader = [r for r in rader if r[0] == grupp]
    fingeravtryck = hashlib.sha256(repr((str(db_path), grupp, veckor, rader)).encode()).hexdigest()
    with _cache_lock:
        hit = _cache.get(fingeravtryck)
        if hit is not None:
            _cache.move_to_end(fingeravtryck)
            return hit
    result = Skyddad(rader, veckor, grupp)
    with _cache_lock:
        _cache[fingeravtryck] = result
        while len(_cache) > _CACHE_MAX:
            _cache.popitem(last=False)
    return result
