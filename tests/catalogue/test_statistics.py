"""Statistics are counters of closed categories only; recording never raises.

Every test that takes `stat_target` runs twice: against a SQLite file and against a private
PostgreSQL database (issue 15, item 4)."""
import datetime as dt
import logging
import multiprocessing
import sqlite3
import threading

import pytest

from insatskatalog import database
from insatskatalog import statistics as s
from conftest import column_names, query, table_names

ALL_ROWS = "select vecka, kommun, kanal, amne, intent, utfall, antal from rakneverk"


def test_record_counts_and_survives_reconnect(stat_target):
    for _ in range(3):
        assert s.record(kommun="sala", kanal="chatt", amne="beroende", intent="behov_beroende", utfall="rekommenderat",
                        db_path=stat_target)
    database.close_pools()  # a new connection sees the same counts
    assert query(stat_target, ALL_ROWS) == [
        (s.iso_vecka(), "sala", "chatt", "beroende", "behov_beroende", "rekommenderat", 3)]


def test_free_text_can_never_reach_the_table(stat_target):
    s.record(kommun="<script>min son heter Kalle</script>", kanal="chatt", amne="jag mår så dåligt",
             intent="19850312-1234", utfall="kris", db_path=stat_target)
    assert query(stat_target, "select kommun, amne, intent from rakneverk") == [(s.OKAND_KOMMUN, s.INGET_AMNE, "annat")]


def test_schema_has_no_free_text_or_identifying_column(stat_target):
    s.connect(stat_target).close()
    assert set(column_names(stat_target, "rakneverk")) == {"vecka", "kommun", "kanal", "amne", "intent", "utfall", "antal"}
    assert table_names(stat_target) == ["rakneverk"]


def test_the_database_itself_refuses_a_malformed_week(stat_target):
    conn = s.connect(stat_target)
    try:
        with pytest.raises(database.IntegrityError):
            with conn:
                conn.execute(s.UPSERT, ("vecka 7", "sala", "chatt", "beroende", "guide", "kris"))
    finally:
        conn.close()
    assert query(stat_target, ALL_ROWS) == []


def test_invalid_outcome_or_broken_database_never_raises(tmp_path):
    assert s.record(kommun="sala", kanal="chatt", amne=None, intent=None, utfall="okänt", db_path=tmp_path / "a.db") is False
    blocker = tmp_path / "katalog"
    blocker.mkdir()
    assert s.record(kommun="sala", kanal="chatt", amne=None, intent=None, utfall="kris", db_path=blocker) is False


def test_week_granularity_only():
    assert s.iso_vecka(dt.date(2026, 1, 1)) == "2026-W01"
    assert s.iso_vecka(dt.date(2025, 12, 29)) == "2026-W01"


def test_concurrent_writers(stat_target):
    s.connect(stat_target).close()

    def work():
        for _ in range(25):
            s.record(kommun="uppsala", kanal="guide", amne="ekonomi", intent="guide", utfall="rekommenderat",
                     db_path=stat_target)

    threads = [threading.Thread(target=work) for _ in range(16)]   # more threads than the pool has connections
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert query(stat_target, "select antal from rakneverk") == [(400,)]


def _writer_process(target, n, start):
    start.wait()
    ok = 0
    for i in range(n):
        ok += s.record(kommun="sala" if i % 2 else "mellerud", kanal="chatt", amne="beroende", intent="behov_beroende",
                       utfall="rekommenderat", db_path=target)
    return ok


def test_parallel_writer_processes_never_lose_a_count(stat_target):
    """Separate processes, like several action servers and web processes, all counting the same
    few rows at once: every count arrives (one atomic INSERT … ON CONFLICT DO UPDATE each)."""
    s.connect(stat_target).close()
    database.close_pools()
    ctx = multiprocessing.get_context("fork")
    start = ctx.Manager().Event()
    with ctx.Pool(6) as pool:
        results = [pool.apply_async(_writer_process, (stat_target, 100, start)) for _ in range(6)]
        start.set()
        counted = sum(r.get(timeout=120) for r in results)
    assert counted == 600
    assert sorted(query(stat_target, "select kommun, antal from rakneverk")) == [("mellerud", 300), ("sala", 300)]


def test_database_url_selects_postgresql(monkeypatch, pg_database, tmp_path):
    monkeypatch.setattr(s, "DEFAULT_DB", tmp_path / "inte-har.db")
    monkeypatch.setenv("DATABASE_URL", pg_database)
    assert s.default_target() == pg_database
    assert s.record(kommun="lekeberg", kanal="guide", amne="ekonomi", intent="guide", utfall="inget_passade")
    assert query(pg_database, "select kommun, antal from rakneverk") == [("lekeberg", 1)]
    assert not (tmp_path / "inte-har.db").exists()
    monkeypatch.delenv("DATABASE_URL")
    assert s.default_target() == tmp_path / "inte-har.db"


def test_postgresql_unreachable_skips_counting_with_a_warning_naming_no_data(caplog, monkeypatch):
    """The count is skipped (record returns False, never raises), the warning names DATABASE_URL and
    the error type only — no URL, no password, no value — and for a pause no connection is tried."""
    from bot.servers import free_port

    s.resume()
    monkeypatch.setattr(database, "CONNECT_TIMEOUT", 1)
    url = f"postgresql://insatsguiden:hemligt-losenord@127.0.0.1:{free_port()}/insatsguiden"
    fritext = "min son Kalle 19850312-1234"
    try:
        with caplog.at_level(logging.WARNING, logger="insatskatalog.statistics"):
            assert s.record(kommun=fritext, kanal="chatt", amne=fritext, intent=fritext, utfall="kris", db_path=url) is False
            attempts = []
            monkeypatch.setattr(database, "_connect_postgres", lambda *a: attempts.append(a))
            for _ in range(5):   # paused: no connection attempt, no further warning
                assert s.record(kommun="sala", kanal="chatt", amne=None, intent=None, utfall="kris", db_path=url) is False
            assert attempts == []
        warnings = [r.getMessage() for r in caplog.records]
        assert len(warnings) == 1 and "DATABASE_URL" in warnings[0] and "OperationalError" in warnings[0]
        for secret in ("hemligt", "Kalle", "19850312", "insatsguiden:", "127.0.0.1"):
            assert secret not in warnings[0]
    finally:
        s.resume()


def test_sqlite_default_is_unchanged(tmp_path, monkeypatch):
    """Without DATABASE_URL everything stays in the SQLite file, in WAL mode, as before."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(s, "DEFAULT_DB", tmp_path / "statistik.db")
    assert s.record(kommun="sala", kanal="guide", amne="ekonomi", intent="guide", utfall="rekommenderat")
    conn = sqlite3.connect(tmp_path / "statistik.db")
    assert conn.execute("pragma journal_mode").fetchone() == ("wal",)
    assert conn.execute("select antal from rakneverk").fetchone() == (1,)


def test_a_database_url_that_is_not_postgresql_keeps_sqlite(monkeypatch, tmp_path, caplog):
    monkeypatch.setattr(s, "DEFAULT_DB", tmp_path / "statistik.db")
    monkeypatch.setattr(database, "_warned_bad_url", False)
    monkeypatch.setenv("DATABASE_URL", "mysql://hemlig@host/db")
    with caplog.at_level(logging.WARNING, logger="insatskatalog.database"):
        assert s.default_target() == tmp_path / "statistik.db"
        assert s.record(kommun="sala", kanal="guide", amne="ekonomi", intent="guide", utfall="rekommenderat")
    assert any("DATABASE_URL" in r.getMessage() for r in caplog.records)
    assert not any("hemlig" in r.getMessage() for r in caplog.records)


def test_the_counters_read_back_in_the_recorders_vocabulary(stat_target):
    """read_counts (what the staff pages show) sums over intent, keeps the weeks asked for, and reads
    a row someone wrote by hand around record() in the recorder's vocabulary."""
    day = dt.date(2025, 3, 5)  # 2025-W10
    for intent in ("behov_beroende", "guide"):
        assert s.record(kommun="sala", kanal="chatt", amne="beroende", intent=intent, utfall="rekommenderat",
                        db_path=stat_target, day=day)
    assert s.record(kommun="sala", kanal="guide", amne="ekonomi", intent="guide", utfall="inget_passade",
                    db_path=stat_target, day=dt.date(2025, 4, 2))  # 2025-W14, outside the period
    conn = s.connect(stat_target)
    with conn:
        conn.execute("insert into rakneverk values ('2025-W11', 'stockholm', 'chatt', 'skatt', 'x', 'kris', 2)")
    conn.close()
    assert sorted(s.read_counts(stat_target, "2025-W10", "2025-W12")) == [
        (s.OKAND_KOMMUN, "chatt", s.INGET_AMNE, "2025-W11", "kris", 2),
        ("sala", "chatt", "beroende", "2025-W10", "rekommenderat", 2),
    ]
