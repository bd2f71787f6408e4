"""The SQLite store (sqlite-utils): municipalities, insatser with queryable villkor, FTS5 search.

`build()` writes into a temporary file next to the target and swaps it in with an atomic
rename, so a failed build never leaves a half-written database behind.

Search is Swedish-aware in two ways: every text is indexed as Snowball-stemmed, diacritic-folded
words (so "skulder" finds "skuld", "fordrar" finds "föräldrar"), and, unless `expand=False`,
a query word that is one of a topic's everyday words (_amnen.yml `nyckelord`: "hasch",
"spelar", "föräldrakurs") also searches for that topic. `expand=False` is the plain keyword
search that bench/ uses as its baseline.
"""
from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Optional

import sqlite_utils

from . import vocabulary as v
from .loader import Catalogue
from .models import Insats
from .text import fold, stems

DEFAULT_DB = Path(__file__).resolve().parents[2] / "build" / "catalogue.db"


def _amne_text(amnen: tuple[str, ...]) -> str:
    """Label and description of the insats's topics. The everyday words (nyckelord) are not
    indexed: they only widen a *query* (`_fts_query`). Indexing them made the plain baseline
    search use our curated vocabulary, and their long lists pushed topics with many words down in
    bm25's length normalisation ("spelar bort pengar" found budget advice before gambling help)."""
    parts = []
    for amne in amnen:
        info = v.amnen()[amne]
        parts += [info["etikett"], info["beskrivning"]]
    return " ".join(parts)


def _insats_row(insats: Insats) -> dict:
    vil = insats.villkor
    return {
        "id": insats.id,
        "kommun": insats.kommun,
        "slug": insats.slug,
        "namn": insats.namn,
        "kategori": insats.kategori,
        "behovsprovad": int(insats.behovsprovad),
        "alder_min": vil.alder.min,
        "alder_max": vil.alder.max,
        "barn_alder_min": vil.barn_alder.min,
        "barn_alder_max": vil.barn_alder.max,
        "bosattning_krav": vil.bosattning_krav,
        "samtycke_kravs_under_15": None if vil.samtycke_kravs_under_15 is None else int(vil.samtycke_kravs_under_15),
        "remiss_kravs": int(vil.remiss_kravs),
        "dokumentation_regel": insats.dokumentation_regel,
        "anonym_mojlig": int(insats.anonym_mojlig),
        "kalla_fil": insats.kalla.fil,
        "kalla_avsnitt": insats.kalla.avsnitt,
        "data": json.dumps(asdict(insats), ensure_ascii=False),
    }


def build(catalogue: Catalogue, db_path: Path = DEFAULT_DB) -> Path:
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".catalogue-", suffix=".db", dir=db_path.parent)
    os.close(fd)
    try:
        db = sqlite_utils.Database(tmp_name)
        db["kommuner"].insert_all(
            (
                {"id": k.id, "namn": k.namn, "bosattningsvillkor": k.bosattningsvillkor,
                 "beslut_titel": k.beslut_titel, "beslut_datum": k.beslut_datum,
                 "beslut_diarienummer": k.beslut_diarienummer, "antal_insatser": len(k.insatser)}
                for k in catalogue.kommuner.values()
            ),
            pk="id",
        )
        insatser = list(catalogue.alla_insatser())
        db["insatser"].insert_all((_insats_row(i) for i in insatser), pk="id", foreign_keys=[("kommun", "kommuner")])
        db["insats_amnen"].insert_all(
            ({"insats_id": i.id, "amne": a, "ordning": n} for i in insatser for n, a in enumerate(i.amnen)),
            pk=("insats_id", "amne"),
        )
        db["insats_for_vem"].insert_all(
            ({"insats_id": i.id, "for_vem": f} for i in insatser for f in i.for_vem), pk=("insats_id", "for_vem"),
        )
        db["insats_format"].insert_all(
            ({"insats_id": i.id, "format": f} for i in insatser for f in i.format), pk=("insats_id", "format"),
        )
        # The FTS table holds stemmed, folded words; the readable text stays in `insatser`.
        db["sok"].insert_all(
            (
                {
                    "id": i.id,
                    "kommun": i.kommun,
                    "namn": " ".join(stems(i.namn + " " + " ".join(i.metoder))),
                    "malgrupp": " ".join(stems(i.malgrupp)),
                    "innehall": " ".join(stems(i.innehall)),
                    "amnen": " ".join(stems(_amne_text(i.amnen))),
                }
                for i in insatser
            ),
            pk="id",
        )
        db["sok"].enable_fts(["namn", "malgrupp", "innehall", "amnen"], tokenize="unicode61 remove_diacritics 2")
        for table in ("insatser",):
            db[table].create_index(["kommun"])
        db.conn.commit()
        db.close()
        os.replace(tmp_name, db_path)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return db_path


def open_db(db_path: Path = DEFAULT_DB) -> sqlite_utils.Database:
    if not Path(db_path).exists():
        raise FileNotFoundError(f"Katalogdatabasen {db_path} finns inte. Kör: python -m insatskatalog build")
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, check_same_thread=False)
    return sqlite_utils.Database(conn)


@lru_cache(maxsize=1)
def _keyword_phrases() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(topic id, its everyday words as stemmed phrases), computed once: this runs per message."""
    return tuple((amne, tuple(p for p in (" ".join(stems(w)) for w in info.get("nyckelord", [])) if p))
                 for amne, info in v.amnen().items())


def topics_in(text: str) -> list[str]:
    """Topic ids whose everyday words (nyckelord) occur in the text, in vocabulary order."""
    joined = " " + " ".join(stems(text)) + " "
    return [amne for amne, phrases in _keyword_phrases() if any(f" {p} " in joined for p in phrases)]


def _fts_query(text: str, expand: bool) -> Optional[str]:
    terms = {s for s in stems(text) if len(s) >= 3}
    clauses = [f'"{t}"*' for t in sorted(terms)]
    if expand:
        for amne in topics_in(text):
            clauses.append(f'amnen : "{fold(amne.replace("-", " "))}"')
            for word in stems(v.amnen()[amne]["beskrivning"]):
                if len(word) >= 3:
                    clauses.append(f'amnen : "{word}"*')
    return " OR ".join(dict.fromkeys(clauses)) or None


def search(db: sqlite_utils.Database, text: str, kommun: Optional[str] = None, limit: int = 20,
           expand: bool = True) -> list[str]:
    """Insats ids matching free text, best first. Never raises on odd input: no words → []."""
    query = _fts_query(text[:2000], expand)
    if not query:
        return []
    sql = (
        "select sok.id from sok join sok_fts on sok.rowid = sok_fts.rowid "
        "where sok_fts match :q " + ("and sok.kommun = :kommun " if kommun else "") +
        "order by bm25(sok_fts, 10.0, 3.0, 2.0, 1.0) limit :limit"
    )
    try:
        return [row[0] for row in db.execute(sql, {"q": query, "kommun": kommun, "limit": limit}).fetchall()]
    except sqlite3.OperationalError:
        return []
