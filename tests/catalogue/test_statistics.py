"""Statistics are counters of closed categories only; recording never raises."""
import datetime as dt
import sqlite3
import threading

from catalogue import statistics as s


def test_record_counts_and_survives_reconnect(tmp_path):
    db = tmp_path / "st.db"
    for _ in range(3):
        assert s.record(kommun="sala", kanal="chatt", amne="beroende", intent="behov_beroende", utfall="rekommenderat", db_path=db)
    conn = sqlite3.connect(db)
    assert conn.execute("select vecka, kommun, kanal, amne, intent, utfall, antal from rakneverk").fetchall() == [
        (s.iso_vecka(), "sala", "chatt", "beroende", "behov_beroende", "rekommenderat", 3)]


def test_free_text_can_never_reach_the_table(tmp_path):
    db = tmp_path / "st.db"
    s.record(kommun="<script>min son heter Kalle</script>", kanal="chatt", amne="jag mår så dåligt",
             intent="19850312-1234", utfall="kris", db_path=db)
    row = sqlite3.connect(db).execute("select kommun, amne, intent from rakneverk").fetchone()
    assert row == (s.OKAND_KOMMUN, s.INGET_AMNE, "annat")


def test_schema_has_no_free_text_or_identifying_column(tmp_path):
    conn = s.connect(tmp_path / "st.db")
    columns = {row[1] for row in conn.execute("pragma table_info(rakneverk)")}
    assert columns == {"vecka", "kommun", "kanal", "amne", "intent", "utfall", "antal"}
    tables = {row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")}
    assert tables == {"rakneverk"}


def test_invalid_outcome_or_broken_database_never_raises(tmp_path):
    assert s.record(kommun="sala", kanal="chatt", amne=None, intent=None, utfall="okänt", db_path=tmp_path / "a.db") is False
    blocker = tmp_path / "katalog"
    blocker.mkdir()
    assert s.record(kommun="sala", kanal="chatt", amne=None, intent=None, utfall="kris", db_path=blocker) is False


def test_week_granularity_only():
    assert s.iso_vecka(dt.date(2026, 1, 1)) == "2026-W01"
    assert s.iso_vecka(dt.date(2025, 12, 29)) == "2026-W01"


def test_concurrent_writers(tmp_path):
    db = tmp_path / "st.db"
    s.connect(db).close()

    def work():
        for _ in range(25):
            s.record(kommun="uppsala", kanal="guide", amne="ekonomi", intent="guide", utfall="rekommenderat", db_path=db)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sqlite3.connect(db).execute("select antal from rakneverk").fetchone()[0] == 100
