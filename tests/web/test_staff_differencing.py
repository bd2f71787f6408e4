"""Statistics that cannot be unpicked (issue 12, item 7): overlapping periods, every filter
combination and injected visits. The rule: fixed, non-overlapping quarters shown only once they
have ended, every number rounded to the nearest 5 (1–4 as "<5"), and the propagation check that no
number other than 0 can be pinned (web/staff/disclosure.py)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import random

import pytest

from insatskatalog import statistics
from staff_kit import LOSEN, fyll, logga_in
from web.staff import users, data, disclosure
from web_testkit import text_of


@pytest.fixture
def stat_db(stat_target):
    """Every test here runs against SQLite and against PostgreSQL."""
    return stat_target


def csv_rader(resp) -> list[dict]:
    return list(csv.DictReader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))


@pytest.fixture
def app(make_app):
    app = make_app()
    users.create(app.config["STAFF_DB"], "sala1", LOSEN, kommun="sala")
    users.create(app.config["STAFF_DB"], "admin", LOSEN, admin=True)
    return app


def klient(app, namn="sala1"):
    c = app.test_client()
    assert logga_in(c, namn).status_code == 302
    return c


def test_overlapping_periods_give_the_same_published_numbers(app, stat_db):
    # the attack: W40–41 and W41–42 with a hidden W41 = 3
    for vecka, n in ((40, 6), (41, 3), (42, 7)):
        for _ in range(n):
            statistics.record(kommun="sala", kanal="chatt", amne="beroende", intent="behov_beroende",
                              utfall="rekommenderat", db_path=stat_db, day=dt.date.fromisocalendar(2025, vecka, 3))
    c = klient(app)
    a = c.get("/personal/export.csv?fran=2025-W40&till=2025-W41").get_data(as_text=True)
    b = c.get("/personal/export.csv?fran=2025-W41&till=2025-W42").get_data(as_text=True)
    k = c.get("/personal/export.csv?kvartal=2025-K4").get_data(as_text=True)
    assert a == b == k  # one fixed publication period: nothing to subtract
    assert ";3\r\n" not in a and ";6\r\n" not in a and ";7\r\n" not in a  # nothing exact


def test_an_unfinished_quarter_is_not_shown(app, stat_db):
    c = klient(app)
    today = dt.date.today()
    y, w, _ = today.isocalendar()
    resp = c.get(f"/personal/?till={y}-W{w:02d}")
    assert resp.status_code == 400 and "inte slut ännu" in text_of(resp)
    assert c.get("/personal/").status_code == 200  # the default is the latest quarter that has ended
    assert c.get(f"/personal/export.csv?kvartal={y + 1}-K1").status_code == 400


def test_quarters_cover_every_week_once():
    for year in (2020, 2025, 2026):  # 2020 has 53 weeks
        weeks = []
        for q in (1, 2, 3, 4):
            fran, till = data.kvartal_granser(year, q)
            weeks += data.veckor_mellan(fran, till)
        assert weeks == data.veckor_mellan(f"{year}-W01", f"{year}-W{data.sista_veckan(year):02d}")


def _kandidater(shown: str, k: int) -> set[int]:
    """What an attacker who added k visits learns about the count n under them (n ≥ 0)."""
    out = set()
    for n in range(0, 60):
        post = disclosure.Post(n + k, disclosure.CELL)
        if post.visas() == shown:
            out.add(n)
    return out


@pytest.mark.parametrize("typ", [disclosure.CELL, disclosure.SUMMA])
def test_injected_visits_never_pin_the_count_under_them(typ):
    """Exhaustive: for every true n and every number k of visits the attacker added, the one
    published value leaves at least two possible n (a period is published once, when it has ended)."""
    for n in range(1, 30):
        for k in range(0, 40):
            shown = disclosure.Post(n + k, typ).visas()
            assert len(_kandidater(shown, k)) >= 2, (n, k, shown)


def _alla_urval():
    for kommun, kanal, amne in itertools.product(["sala", "alla"], ["alla", "chatt", "guide"],
                                                  [None, "beroende", "ekonomi"]):
        yield kommun, kanal, amne


@pytest.mark.parametrize("seed", [1, 2])
def test_every_filter_combination_publishes_one_consistent_version(app, stat_db, seed):
    """The same cell is shown the same everywhere, and no shown number is exact, whatever the filter."""
    rnd = random.Random(seed)
    for _ in range(80):
        fyll(stat_db, rnd.randint(1, 6), kommun=rnd.choice(["sala", "uppsala"]), kanal=rnd.choice(["chatt", "guide"]),
             amne=rnd.choice(["beroende", "ekonomi", "skola"]), vecka=rnd.randint(1, 13),
             utfall=rnd.choice(["rekommenderat", "inget_passade"]))
    c = klient(app, "admin")
    seen: dict[tuple, str] = {}
    for kommun, kanal, amne in _alla_urval():
        q = f"/personal/export.csv?kvartal=2025-K1&kommun={kommun}&kanal={kanal}" + (f"&amne={amne}" if amne else "")
        for rad in csv_rader(c.get(q)):
            key = (rad["tabell"], rad["kommun"], rad["kanal"], rad["amne"], rad["vecka"], rad["utfall"])
            assert seen.setdefault(key, rad["antal"]) == rad["antal"], key
            assert rad["antal"] in ("0", "<5", "–") or int(rad["antal"]) % 5 == 0, rad


def test_propagation_never_pins_any_number_not_only_small_ones():
    rnd = random.Random(7)
    for _ in range(30):
        plan = disclosure.Plan()
        cells = [plan.post(rnd.choice([0, 0, 1, 2, 3, 5, 6, 8, 11, 13]), disclosure.CELL) for _ in range(6)]
        total = plan.post(sum(plan.poster[i].varde for i in cells), disclosure.SUMMA)
        plan.summa(total, cells)
        disclosure.protect(plan)
        system = disclosure._System(plan)
        lo, hi, ok = system.propagate(100_000)
        assert ok
        for i, p in enumerate(plan.poster):
            if p.varde > 0:
                assert lo[i] < hi[i], (i, p)
