"""One long conversation through the web tier -> bench/results/long_conversation.json.

Rasa's time per message grew with the length of the conversation (docs/robustness.md: about
0.5 s per message after 300 messages), because every message reads back, replays, sends to the
action server and runs the policies over the conversation's whole event history. The tracker
store bounds that history (bot/tracker_store.py, INSATSGUIDEN_TRACKER_MAX_EVENTS).

For each layout below, one private stack (as bench/robustness.py starts it) gets one conversation
of MESSAGES messages, one at a time as the widget sends them, from one resident who keeps asking
about what was shown, thanks, switches to another need and back (MESSAGES_CYCLE, repeated):

- `uncapped`: INSATSGUIDEN_TRACKER_MAX_EVENTS=0, the event history unbounded (as before the cap);
- `capped`: the default cap.

It writes the time of each message (p50 per block of 50, the last 50, the slowest), Rasa's RSS at
the end, and whether the capped conversation got the same replies, message by message, as the
uncapped one (the facts of the conversation live in slots, which the cap carries over).

Everything is on 127.0.0.1. About 4 minutes on 2 cores.

Usage: python -m bench.long_conversation [--messages 300] [--layouts uncapped,capped]
                                         [--out bench/results/long_conversation.json]
"""
from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from bench.metrics import percentile
from bench.probes import post_chat, supervised_stack
from bench.robustness import RESULTS, rasa_rss_kb, write_results

KOMMUN = "alingsas"
# A resident who asks about what was shown, thanks, brings up another need and comes back.
MESSAGES_CYCLE = [
    "min son röker på, han är 16",
    "berätta mer om den första",
    "kan jag vara anonym där?",
    "finns det något i grupp?",
    "tack",
    "vad kostar det?",
    "jag har också stora skulder och kronofogden skickar brev",
    "hur ansöker jag?",
    "hej igen",
    "visa fler",
]
LAYOUTS = {"uncapped": {"INSATSGUIDEN_TRACKER_MAX_EVENTS": "0"}, "capped": {}}
BLOCK = 50


def reply_key(data, web_url: str) -> str:
    """The replies' content; links carry the stack's own address, which differs between runs."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).replace(web_url, "WEB")
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def one_conversation(n: int, layout_env: dict) -> dict:
    with tempfile.TemporaryDirectory(prefix="insatsguiden-langt-samtal-") as tmp:
        with supervised_stack(Path(tmp), env=layout_env) as stack:
            sender = f"langt-samtal-{os.getpid()}"
            seconds, statuses, keys = [], [], []
            for i in range(n):
                text = MESSAGES_CYCLE[i % len(MESSAGES_CYCLE)]
                start = time.monotonic()
                status, data = post_chat(stack.web_url, sender, text, KOMMUN, timeout=30)
                seconds.append(time.monotonic() - start)
                statuses.append(status)
                keys.append(reply_key(data, stack.web_url) if status == 200 else f"status {status}")
            rss = rasa_rss_kb(stack.procs["rasa"].pid)
    ms = [s * 1000 for s in seconds]
    return {
        "messages": n,
        "env": layout_env,
        "errors": sum(s != 200 for s in statuses),
        "statuses": dict(collections.Counter(str(s) for s in statuses)),
        "failed_messages": [i + 1 for i, s in enumerate(statuses) if s != 200][:30],
        "p50_ms_per_block": {f"{b + 1}-{min(b + BLOCK, n)}": percentile(ms[b:b + BLOCK], 50) for b in range(0, n, BLOCK)},
        "first_message_ms": round(ms[0], 1),
        "last_50_p50_ms": percentile(ms[-50:], 50),
        "last_50_max_ms": round(max(ms[-50:]), 1),
        "max_ms": round(max(ms), 1),
        "total_s": round(sum(seconds), 1),
        "rasa_rss_mb_at_end": round(rss["VmRSS"] / 1024, 1),
        "reply_keys": keys,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--layouts", default=",".join(LAYOUTS), help="comma-separated: " + ", ".join(LAYOUTS))
    parser.add_argument("--out", type=Path, default=RESULTS / "long_conversation.json")
    args = parser.parse_args()
    began = time.monotonic()
    runs = {}
    for name in [x.strip() for x in args.layouts.split(",") if x.strip()]:
        runs[name] = one_conversation(args.messages, LAYOUTS[name])
        r = runs[name]
        print(f"{name}: meddelande 1 {r['first_message_ms']} ms, sista 50 p50 {r['last_50_p50_ms']} ms "
              f"(max {r['last_50_max_ms']} ms), {r['errors']} fel", flush=True)
    figures: dict = {"messages_cycle": MESSAGES_CYCLE, "kommun": KOMMUN, "runs": runs}
    if "uncapped" in runs and "capped" in runs:
        a, b = runs["uncapped"]["reply_keys"], runs["capped"]["reply_keys"]
        differ = [i + 1 for i, (x, y) in enumerate(zip(a, b)) if x != y]
        figures["same_replies"] = {"messages_compared": len(a), "differing": len(differ), "differing_messages": differ[:30]}
        print(f"samma svar: {len(a) - len(differ)}/{len(a)}", flush=True)
    for r in runs.values():
        r.pop("reply_keys")
    write_results(args.out, figures, began)
    return 0


if __name__ == "__main__":
    sys.exit(main())
