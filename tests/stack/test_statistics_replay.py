"""The statistics count what happened, under the right municipality (issue 12, item 9).

A fixed set of conversations is replayed through the running stack — Uppsala straight to Rasa's
REST channel, Sala through the web chat proxy as the widget talks — and every counter in
catalogue/insatskatalog/statistics.py's table is compared, per municipality, with the expected table. Only the
change during this test is compared (the stack and its statistics database are shared by the
test session). Every event must carry the municipality of the message metadata, never
"okand" (Okänd kommun), and one need counts once per conversation however many follow-ups it has.
"""
from __future__ import annotations

import sqlite3
from collections import Counter

from conftest import Chat

# (municipality, through the web proxy, messages)
CONVERSATIONS = [
    # a need that gets a recommendation at once
    ("uppsala", False, ["min son på 16 år röker på och jag är orolig"]),
    # the same need with follow-up questions and the need said again: counted once
    ("uppsala", False, ["min son på 16 år röker på och jag är orolig", "berätta mer om den första",
                        "kan jag vara anonym där?", "min son på 16 år röker på och jag är orolig"]),
    # a need Uppsala has no insats without application for (catalogue/data/uppsala.yml): nothing fitted
    ("uppsala", False, ["jag har stora skulder och kronofogden skickar brev"]),
    # acute danger: the emergency information, then support on violence
    ("sala", True, ["min pappa slår mig och jag är rädd att han dödar mig ikväll"]),
    # ekonomiskt bistånd needs an application; what helps meanwhile is recommended
    ("sala", True, ["kan jag få försörjningsstöd"]),
    # a greeting only: nothing is counted
    ("sala", True, ["hej"]),
]

# (kommun, amne, intent, utfall) -> antal
EXPECTED = {
    ("uppsala", "beroende", "behov_beroende", "rekommenderat"): 2,
    ("uppsala", "ekonomi", "behov_ekonomi", "inget_passade"): 1,
    ("sala", "vald", "akut_fara", "kris"): 1,
    ("sala", "vald", "behov_vald", "rekommenderat"): 1,
    ("sala", "inget", "ekonomiskt_bistand", "kraver_ansokan"): 1,
    ("sala", "ekonomi", "behov_ekonomi", "rekommenderat"): 1,
}


def _counters(db) -> Counter:
    """Every counter of the chat, summed over the weeks (the test may cross midnight on a Sunday)."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    except sqlite3.OperationalError:
        return Counter()
    try:
        rows = conn.execute("select kommun, amne, intent, utfall, sum(antal) from rakneverk "
                            "where kanal = 'chatt' group by kommun, amne, intent, utfall").fetchall()
    except sqlite3.OperationalError:  # no table yet: nothing counted so far
        rows = []
    finally:
        conn.close()
    return Counter({tuple(r[:4]): r[4] for r in rows})


def _table(counts) -> str:
    return "\n".join(f"  {k[0]:<8} {k[1]:<10} {k[2]:<20} {k[3]:<15} {n}" for k, n in sorted(counts.items())) or "  (none)"


def test_replayed_conversations_give_exactly_the_expected_counters(stack, stats_db):
    before = _counters(stats_db)
    for kommun, via_web, messages in CONVERSATIONS:
        c = Chat(stack.web_url if via_web else stack.rasa_url, kommun, via_web=via_web)
        for text in messages:
            assert c.send(text), f"no reply to {text!r} ({kommun})"
    after = _counters(stats_db)
    delta = Counter({k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)})

    assert not [k for k in delta if k[0] == "okand"], "events under Okänd kommun:\n" + _table(delta)
    for kommun in ("uppsala", "sala"):
        got = {k: n for k, n in delta.items() if k[0] == kommun}
        want = {k: n for k, n in EXPECTED.items() if k[0] == kommun}
        assert got == want, f"{kommun}: counted\n{_table(got)}\nexpected\n{_table(want)}"
    assert set(delta) <= set(EXPECTED), "counters outside the expected table:\n" + _table(delta)
