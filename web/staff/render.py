"""Turns protected views (data.Vy) into what the page and the CSV export show. Both use the same
views, so they always agree number by number; nothing here sees a true count except to decide
whether a topic has any count at all (0 is published exactly anyway)."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Optional

from insatskatalog import statistics

from . import data
from .data import ALLA, KANALER, UTFALL, Urval, Vy, amne_etikett

UTFALL_ETIKETT = dict(statistics.UTFALL)
INGET_PASSADE = "inget_passade"
TOPPLISTA = 10


GRUPPNAMN = {ALLA: "Alla kommuner", statistics.OKAND_KOMMUN: "Okänd kommun"}


def kommun_namn(kommun_id: str, katalog=None) -> str:
    """The municipality's name from the catalogue (its only source). Without a catalogue (its data
    files could not be read: the page still works, and the log says so) the id stands in."""
    if kommun_id in GRUPPNAMN:
        return GRUPPNAMN[kommun_id]
    if katalog is not None and kommun_id in getattr(katalog, "kommuner", {}):
        return katalog.kommuner[kommun_id].namn
    return kommun_id


def veckonummer(w: str) -> str:
    return str(int(w[6:]))


def tal(s: str) -> Optional[int]:
    """The shown text as a number, if it is one ("<5" and "–" are not)."""
    return int(s) if s.isdigit() else None


def las_upp(s: str) -> str:
    """How a screen reader should say a shown value in running text."""
    return {"<5": "färre än 5", "–": "dolt"}.get(s, s)


@dataclass
class Stapel:
    x: float
    y: float
    bredd: float
    hojd: float
    text: str
    vecka: str
    slag: str   # "tal", "liten" (<5), "dold" (–), "noll"


@dataclass
class Diagram:
    id: str
    rubrik: str
    bredd: int
    hojd: int
    baslinje: float
    staplar: list[Stapel]
    beskrivning: str


@dataclass
class Sida:
    urval: Urval
    kommun_namn: str
    kanal_namn: str
    veckor: list[str]
    amnen: list[str]
    celler: dict                  # amne -> [shown per week]
    amne_totaler: dict            # amne -> shown
    vecka_totaler: list[str]      # [] when one topic is chosen (only rows are selected then)
    total: str
    diagram: list[Diagram]
    topp: list[tuple[str, str]]
    kanaljamforelse: list[tuple[str, str, str, str]]   # (amne label, chatt, guide, both)
    kanal_totaler: tuple[str, str, str] | None
    utfall_rader: list[tuple[str, list[str], str]]
    utfall_totaler: list[str]
    inget_passade: list[tuple[str, str]]
    utan_insats: list[tuple[str, str, str]] = field(default_factory=list)   # (kommun, amne, shown)
    utan_insats_notis: str = ""


def _diagram(vy: Vy, amnen: list[str], veckor: list[str]) -> list[Diagram]:
    """One small bar chart per topic, on a shared scale, drawn from the SHOWN numbers only: a "<5"
    cell is an outlined bar as high as 4 with the label "<5", a hidden cell has no bar."""
    shown = {a: [vy.cell(a, w) for w in veckor] for a in amnen}
    storst = max([4] + [tal(s) or 0 for rad in shown.values() for s in rad])
    steg, marg_v, bar_h, top = 34, 8, 110, 22
    bredd = marg_v * 2 + steg * len(veckor)
    hojd = top + bar_h + 26
    baslinje = top + bar_h
    out = []
    for n, a in enumerate(amnen):
        staplar = []
        delar = []
        for i, (w, s) in enumerate(zip(veckor, shown[a])):
            x = marg_v + i * steg + 5
            v = tal(s)
            if s == "<5":
                h, slag = bar_h * 4 / storst, "liten"
            elif s == "–":
                h, slag = 0.0, "dold"
            elif not v:
                h, slag = 0.0, "noll"
            else:
                h, slag = bar_h * v / storst, "tal"
            staplar.append(Stapel(x=x, y=baslinje - h, bredd=steg - 10, hojd=h, text=s, vecka=w, slag=slag))
            delar.append(f"vecka {veckonummer(w)}: {las_upp(s)}")
        out.append(Diagram(
            id=f"diagram-{n}", rubrik=amne_etikett(a), bredd=bredd, hojd=hojd, baslinje=baslinje,
            staplar=staplar, beskrivning=f"{amne_etikett(a)}, antal per vecka: " + "; ".join(delar) + ".",
        ))
    return out


def bygg(skyddad: data.Skyddad, urval: Urval, katalog=None, utan_insats_vyer: Optional[dict] = None) -> Sida:
    """Everything the page shows, from the protected views of `skyddad` (one municipality choice).

    `utan_insats_vyer`: {kommun_id: protected view} for the "no insats" list when all
    municipalities are shown (each municipality's own view)."""
    vy = skyddad.vy(urval.kanal)
    veckor = skyddad.veckor
    alla_amnen = data.amnen()
    if urval.amne:
        amnen = [urval.amne]
    else:
        amnen = [a for a in alla_amnen if vy.har(a)]

    celler = {a: [vy.cell(a, w) for w in veckor] for a in amnen}
    amne_totaler = {a: vy.amne_total(a) for a in amnen}
    vecka_totaler = [] if urval.amne else [vy.vecka_total(w) for w in veckor]

    def sort_key(a, post):
        return (-post.sortering, amne_etikett(a))

    med = [a for a in amnen if vy.har(a)]
    topp = [(amne_etikett(a), vy.amne_total(a))
            for a in sorted(med, key=lambda a: sort_key(a, vy.post("t", a)))][:TOPPLISTA]

    kanaljamforelse, kanal_totaler = [], None
    if urval.kanal == ALLA:
        chatt, guide = skyddad.vy("chatt"), skyddad.vy("guide")
        kanaljamforelse = [(amne_etikett(a), chatt.amne_total(a), guide.amne_total(a), vy.amne_total(a)) for a in med]
        if not urval.amne:
            kanal_totaler = (chatt.total(), guide.total(), vy.total())

    utfall_rader = [(amne_etikett(a), [vy.utfall(a, u) for u in UTFALL], vy.amne_total(a)) for a in med]
    utfall_totaler = [] if urval.amne else [vy.utfall_total(u) for u in UTFALL]

    inget = [a for a in med if vy.post("y", a, INGET_PASSADE).varde > 0]
    inget_passade = [(amne_etikett(a), vy.utfall(a, INGET_PASSADE))
                     for a in sorted(inget, key=lambda a: sort_key(a, vy.post("y", a, INGET_PASSADE)))]

    sida = Sida(
        urval=urval, kommun_namn=kommun_namn(urval.kommun, katalog), kanal_namn=KANALER[urval.kanal],
        veckor=veckor, amnen=amnen, celler=celler, amne_totaler=amne_totaler, vecka_totaler=vecka_totaler,
        total=vy.total(), diagram=_diagram(vy, amnen, veckor), topp=topp,
        kanaljamforelse=kanaljamforelse, kanal_totaler=kanal_totaler,
        utfall_rader=utfall_rader, utfall_totaler=utfall_totaler, inget_passade=inget_passade,
    )
    _utan_insats(sida, vy, urval, katalog, utan_insats_vyer)
    return sida


def amnen_med_insats(katalog, kommun_id: str) -> Optional[set[str]]:
    if katalog is None or kommun_id not in getattr(katalog, "kommuner", {}):
        return None
    return {a for insats in katalog.kommuner[kommun_id].insatser for a in insats.amnen}


def _utan_insats(sida: Sida, vy: Vy, urval: Urval, katalog, andra: Optional[dict]) -> None:
    """Topics residents asked about for which the municipality has no insats in the catalogue."""
    valda = [urval.amne] if urval.amne else data.amnen()
    valda = [a for a in valda if a != statistics.INGET_AMNE]
    if urval.kommun == statistics.OKAND_KOMMUN:
        sida.utan_insats_notis = "För frågor där kommunen inte är känd går det inte att säga vilka insatser som finns."
        return
    vyer = {urval.kommun: vy} if urval.kommun != ALLA else (andra or {})
    saknas_katalog = []
    for kommun_id, kvy in vyer.items():
        har = amnen_med_insats(katalog, kommun_id)
        if har is None:
            saknas_katalog.append(kommun_namn(kommun_id, katalog))
            continue
        for a in valda:
            if a not in har and kvy.har(a):
                sida.utan_insats.append((kommun_namn(kommun_id, katalog), amne_etikett(a), kvy.amne_total(a)))
    if saknas_katalog:
        sida.utan_insats_notis = ("Katalogen har ännu inga insatser för " + ", ".join(saknas_katalog)
                                  + ". Därför visas inga ämnen utan insats där.")


CSV_RUBRIKER = ["tabell", "kommun", "kanal", "amne", "vecka", "utfall", "antal"]
HELA = "Hela perioden"
ALLA_AMNEN = "Alla ämnen"
ALLA_UTFALL = "Alla utfall"


def csv_text(sida: Sida) -> str:
    """The same numbers as the page, long format: one number per row. Semicolon-separated with a
    byte-order mark, so that Excel with Swedish settings opens it in columns with å, ä, ö intact."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(CSV_RUBRIKER)
    k, kanal = sida.kommun_namn, sida.kanal_namn
    for a in sida.amnen:
        for vecka, s in zip(sida.veckor, sida.celler[a]):
            w.writerow(["Ämne per vecka", k, kanal, amne_etikett(a), vecka, "", s])
        w.writerow(["Ämne per vecka", k, kanal, amne_etikett(a), HELA, "", sida.amne_totaler[a]])
    for vecka, s in zip(sida.veckor, sida.vecka_totaler):
        w.writerow(["Ämne per vecka", k, kanal, ALLA_AMNEN, vecka, "", s])
    if sida.vecka_totaler:
        w.writerow(["Ämne per vecka", k, kanal, ALLA_AMNEN, HELA, "", sida.total])
    for etikett, varden, total in sida.utfall_rader:
        for u, s in zip(UTFALL, varden):
            w.writerow(["Utfall per ämne", k, kanal, etikett, HELA, UTFALL_ETIKETT[u], s])
        w.writerow(["Utfall per ämne", k, kanal, etikett, HELA, ALLA_UTFALL, total])
    for u, s in zip(UTFALL, sida.utfall_totaler):
        w.writerow(["Utfall per ämne", k, kanal, ALLA_AMNEN, HELA, UTFALL_ETIKETT[u], s])
    for etikett, chatt, guide, bada in sida.kanaljamforelse:
        w.writerow(["Chatt och guide", k, KANALER["chatt"], etikett, HELA, "", chatt])
        w.writerow(["Chatt och guide", k, KANALER["guide"], etikett, HELA, "", guide])
    if sida.kanal_totaler:
        chatt, guide, _ = sida.kanal_totaler
        w.writerow(["Chatt och guide", k, KANALER["chatt"], ALLA_AMNEN, HELA, "", chatt])
        w.writerow(["Chatt och guide", k, KANALER["guide"], ALLA_AMNEN, HELA, "", guide])
    for kommun, etikett, s in sida.utan_insats:
        w.writerow(["Ämne utan insats i kommunen", kommun, kanal, etikett, HELA, "", s])
    return "\ufeff" + buf.getvalue()
