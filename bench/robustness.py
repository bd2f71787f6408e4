"""Robustness figures of issue 12 -> bench/results/robustness.json.

One private stack (action server, Rasa, web on free loopback ports, supervised as `make run`
does, with its own copy of the model) is measured for:

1. hostile inputs: at least 2,000 requests to the web tier — lone surrogates, invalid UTF-8, JSON
   nested up to 100,000 deep, bodies up to 10 MiB, every control character, CR/LF, odd Unicode
   (superscript, circled, Arabic-Indic, full-width digits as ages in the guide's and the
   catalogue pages' query strings), wrong types, bad methods and content types, odd paths and
   headers, random bytes on the socket — and how many were answered with a 5xx (goal 0) or not at
   all, while Rasa and the action server are up; children restarted meanwhile (goal 0);
2. redaction: the forms of the redaction table (tests/bot/test_redaction.py, the same rows the
   tests check) caught exactly (goal 100 %), ordinary sentences left as they were (goal 100 %);
3. guide latency with Rasa stopped (SIGSTOP) and 50 chats in flight (goal < 500 ms), with the
   supervisor paused so that the stopped Rasa is not restarted while it is measured;
4. seconds until the chat works again after SIGKILL of the action server and of Rasa (goal
   < 90 s), the guide asked once a second meanwhile;
5. Rasa's resident memory over two rounds of 1,000 one-message conversations through the web tier,
   with the tracker expiry shortened to TTL seconds so that the rounds' conversations expire:
   the growth from the end of the first round to the end of the second is the growth per 1,000
   conversations (goal: flat; the first round also holds Rasa's warm-up), and the peak meanwhile.
   Rasa's heap has some 30 MB free after loading the model, which new trackers fill before RSS
   moves (docs/robustness.md), so this figure shows that nothing else grows; that expiry bounds
   the trackers themselves is tested with tracemalloc (tests/stack/test_tracker_store.py).

Everything is on 127.0.0.1; every loop is bounded. About 4 minutes on 2 cores.

Usage: python -m bench.robustness [--out bench/results/robustness.json] [--conversations 1000]
"""
from __future__ import annotations

import argparse
import collections
import concurrent.futures
import importlib.util
import itertools
import json
import os
import random
import signal
import socket
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Optional

from bench.load import CONVERSATIONS, MemorySampler
from bench.metrics import percentile
from bench.probes import chat_back_after_kill, guide_with_chats_in_flight, post_chat, supervised_stack
from bot.paths import ROOT

RESULTS = ROOT / "bench" / "results"
TTL = 10               # seconds: the bench stack's tracker expiry (INSATSGUIDEN_TRACKER_TTL)
SEED = 12              # the hostile inputs are the same on every run
WORKERS = 8
KOMMUNER = ("alingsas", "lekeberg", "mellerud", "sala", "uppsala")
SENDER = "robusthet0123456789abcdef"
# One conversation per chat input, as from as many widgets: a conversation of hundreds of messages
# costs Rasa more per message, and Rasa answers the messages of one conversation one at a time.
SENDERS = iter(())   # set by hostile_cases()

# Digits str.isdigit() accepts but int() cannot read, other scripts' digits, and other oddities.
ODD_AGES = ["²", "①", "1²", "¹⁶", "⑯", "①⑥", "٣", "١٦", "۱۶", "५", "१६", "১৬", "๑๖", "１６", "𝟏𝟔", "𝟙𝟞", "፩",
            "½", "Ⅻ", "十六", "16\u200b", "\u200b16", "1\u00ad6", "16\u0301", "-1", "+16", "16.0", "1e2", "0x10",
            "16 år", "  ", "0" * 40, "9" * 10_000, "16\x00", "\ud800", "16\r\n", "‮61", "NaN", "∞", "-0", "٠"]


# -- the hostile inputs --------------------------------------------------------------------

def http_bytes(method: str, target: str, body: bytes = b"", headers=None) -> bytes:
    """A request as bytes, so that anything — control characters, CR/LF, odd methods — can be sent."""
    lines = [f"{method} {target} HTTP/1.1".encode("utf-8", "surrogatepass"), b"Host: 127.0.0.1"]
    hdrs = {"Connection": "close"}
    if body or method in ("POST", "PUT", "PATCH"):
        hdrs["Content-Length"] = str(len(body))
    hdrs.update(headers or {})
    for name, value in hdrs.items():
        if value is not None:
            lines.append(name.encode("latin-1") + b": " + (value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")))
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def chat_body(message="hej", **fields) -> bytes:
    body = {"sender": next(SENDERS), "message": message, "kommun": "alingsas", **fields}
    return json.dumps(body, ensure_ascii=False).encode("utf-8", "surrogatepass")


def quote(text: str) -> str:
    """Percent-encodes every byte of the UTF-8 (surrogates included) that is not plainly safe."""
    raw = text.encode("utf-8", "surrogatepass")
    return "".join(chr(b) if chr(b).isalnum() and b < 128 else f"%{b:02X}" for b in raw)


def hostile_cases(rng: random.Random) -> list[tuple[str, str, bytes, bool]]:
    """(category, label, request bytes, half-close after sending) for every hostile input."""
    global SENDERS
    SENDERS = (f"robusthet{n:06d}" for n in itertools.count())
    cases: list[tuple[str, str, bytes, bool]] = []

    def chat(label, body: bytes, content_type="application/json", category="chatt"):
        cases.append((category, label, http_bytes("POST", "/api/chatt", body, {"Content-Type": content_type}), False))

    def get(category, label, target, headers=None):
        cases.append((category, label, http_bytes("GET", target, headers=headers), False))

    # chat: lone surrogates and invalid UTF-8
    for field in ("message", "sender", "kommun", "kontakt_url"):
        for s in ("\\ud800", "\\udfff", "a\\ud83d", "\\udc00\\ud800", "\\ud83d\\ud83d", "x" * 500 + "\\udbff"):
            base = {"sender": next(SENDERS), "message": "hej", "kommun": "alingsas"}
            text = json.dumps({**base, field: "PLATS"}).replace("PLATS", s)
            chat(f"ensamt surrogat i {field}", text.encode())
    for raw in (b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xf5\x80\x80\x80", b"\xff", b"\xfe\xff",
                b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98", b"\x80\x80", b"\xf8\x88\x80\x80\x80"):
        for where in ("message", "sender", "kommun"):
            fields = {"sender": next(SENDERS).encode(), "message": b"hej", "kommun": b"alingsas"}
            fields[where] = fields[where][:2] + raw + fields[where][2:]
            chat(f"ogiltig UTF-8 i {where}", b"{" + b", ".join(b'"%s": "%s"' % (k.encode(), v) for k, v in fields.items()) + b"}")
    # chat: deep JSON
    for depth in (19, 20, 21, 50, 1000, 10_000, 100_000):
        chat(f"JSON {depth} djup (lista)", b"[" * depth + b"]" * depth)
        chat(f"JSON {depth} djup (objekt)", b'{"a":' * depth + b"1" + b"}" * depth)
        chat(f"JSON {depth} djup i message", chat_body().replace(b'"hej"', b"[" * depth + b"]" * depth))
        chat(f"JSON {depth} djup utan slut", b"[" * depth)
    # chat: every control character, in the message and in the other fields
    for code in list(range(0, 32)) + list(range(127, 160)):
        ch = chr(code)
        chat(f"styrtecken U+{code:04X} i message", chat_body(f"min son{ch}röker på"))
        chat(f"styrtecken U+{code:04X} ensamt", chat_body(ch * 3))
    for label, text in (("CR/LF", "hej\r\nSet-Cookie: x=1"), ("CR", "hej\rdå"), ("LF", "hej\ndå"),
                        ("NEL", "hej\u0085då"), ("LS/PS", "hej\u2028då\u2029"), ("CRLF CRLF", "\r\n\r\nGET / HTTP/1.1")):
        chat(f"{label} i message", chat_body(text))
        chat(f"{label} i sender", chat_body(sender=SENDER + text))
        chat(f"{label} i kommun", chat_body(kommun="alingsas" + text))
        chat(f"{label} i kontakt_url", chat_body(kontakt_url="https://example.se/" + text))
    # chat: odd Unicode, ages in odd digits
    for age in ODD_AGES[:-3]:
        if "\ud800" in age:
            continue
        chat(f"ålder {age[:8]!r} i chatten", chat_body(f"min son är {age[:200]} år och röker på"))
    for label, text in (("RTL-override", "\u202emin son röker på"), ("nollbredd", "m\u200bi\u200cn\u200d son"),
                        ("kombinerande tecken", "a" + "\u0301" * 900), ("emoji-ZWJ", "👨‍👩‍👧‍👦" * 50),
                        ("BOM", "\ufeffhej"), ("icke-tecken", "\ufffe\uffff\U0010ffff"), ("privat område", "\ue000" * 10),
                        ("ersättningstecken", "\ufffd" * 100), ("matematiska bokstäver", "𝗺𝗶𝗻 𝘀𝗼𝗻 𝗿ö𝗸𝗲𝗿"),
                        ("full bredd", "ｍｉｎ ｓｏｎ ｒöｋｅｒ"), ("blandade skript", "мин сон röker"),
                        ("bara mellanslag", " " * 500), ("tom", ""), ("NUL-rad", "\x00" * 1000),
                        ("1000 tecken", "å" * 1000), ("HTML", "<script>alert(1)</script>"),
                        ("mall", "{{7*7}} {% raw %}"), ("format", "%s%s%n %x"), ("sökväg", "../../etc/passwd")):
        chat(f"udda text: {label}", chat_body(text))
    # chat: wrong types and odd JSON
    for field in ("message", "sender", "kommun", "kontakt_url"):
        for label, value in (("tal", "12"), ("lista", "[]"), ("objekt", "{}"), ("null", "null"), ("sant", "true"),
                             ("stort tal", "9" * 5000), ("NaN", "NaN"), ("Infinity", "-Infinity"), ("1e999", "1e999"),
                             ("lista med text", '["hej"]')):
            body = json.dumps({"sender": next(SENDERS), "message": "hej", "kommun": "alingsas", field: "PLATS"})
            chat(f"{field} som {label}", body.replace('"PLATS"', value).encode())
    for label, body in (("tom kropp", b""), ("null", b"null"), ("lista", b"[]"), ("sträng", b'"hej"'), ("tal", b"12"),
                        ("blanksteg", b"   "), ("BOM först", b"\xef\xbb\xbf" + chat_body()), ("skräp efter", chat_body() + b"xyz"),
                        ("två objekt", chat_body() + chat_body()), ("dubbla nycklar", b'{"message":"a","message":[1],'
                                                                                   b'"sender":"' + SENDER.encode() + b'","kommun":"alingsas"}'),
                        ("enkelcitat", b"{'message': 'hej'}"), ("kommentar", b"/* x */" + chat_body()),
                        ("avbruten", chat_body()[:-5]), ("UTF-16", chat_body().decode().encode("utf-16")),
                        ("UTF-32", chat_body().decode().encode("utf-32")), ("10 000 nycklar",
                        json.dumps({f"k{i}": i for i in range(10_000)}).encode())):
        chat(f"kropp: {label}", body)
    # chat: odd values
    for kommun in ("", "ALINGSAS", "alingsås", "../alingsas", "alingsas/../sala", "a" * 10_000, "%00", "alingsas ",
                   "ａｌｉｎｇｓａｓ", "null", "__proto__", "constructor", "sala;drop table x", "*"):
        chat(f"kommun {kommun[:12]!r}", chat_body(kommun=kommun))
    for sender in ("", "x", "a" * 7, "a" * 65, "a" * 100_000, "../../x", "abc def ghi", "ääääääääää", "'; --abcdef"):
        chat(f"sender {sender[:12]!r}", chat_body(sender=sender))
    for url in ("javascript:alert(1)", "http://example.se", "https://", "https://" + "a" * 400, "https://exa mple.se",
                "https://example.se/\x00", "//example.se", "data:text/html,x", "https://example.se/<script>", "HTTPS://EXEMPEL.SE"):
        chat(f"kontakt_url {url[:16]!r}", chat_body(kontakt_url=url))
    # chat: sizes
    for n in (1000, 1001, 5000, 16_000, 100_000):
        chat(f"message {n} tecken", chat_body("a" * n))
    for size in (16 * 1024, 16 * 1024 + 1, 64 * 1024, 1 << 20, 10 << 20):
        chat(f"kropp {size} byte", b'{"message": "' + b"a" * max(0, size - 16) + b'"}')
    # chat: content types and methods
    for ctype in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                  "multipart/form-data; boundary=x", "application/json; charset=utf-16", "application/json; charset=latin-1",
                  "application/json;;;", "application/jsonp", "application/xml", "*/*", "", "application/json; boundary=" + "a" * 5000,
                  "application/vnd.api+json", "APPLICATION/JSON", "application/json\x00", "application/ json", "ä/ö"):
        chat(f"Content-Type {ctype[:24]!r}", chat_body(), ctype, "innehållstyp")
        cases.append(("innehållstyp", f"Content-Type {ctype[:24]!r}, formulär",
                      http_bytes("POST", "/api/chatt", b"message=hej&sender=" + SENDER.encode() + b"&kommun=alingsas",
                                 {"Content-Type": ctype}), False))
    cases.append(("innehållstyp", "utan Content-Type", http_bytes("POST", "/api/chatt", chat_body()), False))
    targets = ["/api/chatt", "/", "/alingsas/", "/alingsas/guide", "/alingsas/guide/resultat?for=sig&amne=beroende",
               "/alingsas/insatser", "/api/kommun/alingsas", "/personal/login", "/personal/", "/healthz", "/widget.js",
               "/alingsas/foraldraprogram", "/tillganglighet"]
    for method in ("GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "FOO", "post",
                   "GET\x00", "G" * 1000, "PO ST", "ÅÄÖ", "M-SEARCH", "BREW", "SEARCH"):
        for target in targets:
            cases.append(("metod", f"{method[:10]!r} {target}", http_bytes(method, target, chat_body() if method != "GET" else b"",
                                                                        {"Content-Type": "application/json"}), False))
    # guide: ages and answers in the query string
    for kommun in KOMMUNER:
        for age in ODD_AGES:
            q = quote(age)
            for target in (f"/{kommun}/guide?for=sig&steg=3&alder={q}", f"/{kommun}/guide/resultat?for=sig&amne=beroende&alder={q}",
                           f"/{kommun}/guide/resultat?for=mitt-barn&amne=beroende&barn_alder={q}",
                           f"/{kommun}/guide?for=anhorig&steg=3&alder={q}&barn_alder={q}"):
                get("guide", f"ålder {age[:8]!r}", target)
    for value in ("", "x", "sig" * 1000, quote("\ud800"), "%ED%A0%80", "%G0", "%", "%%", "%00", "%0D%0A", quote("sïg"),
                  "sig&for=familj", "mitt-barn%00", quote("①"), "SIG", "sig%20"):
        for kommun in KOMMUNER:
            get("guide", f"for={value[:10]!r}", f"/{kommun}/guide?for={value}&steg=2")
            get("guide", f"amne={value[:10]!r}", f"/{kommun}/guide/resultat?for=sig&amne={value}")
            get("guide", f"steg={value[:10]!r}", f"/{kommun}/guide?for=sig&steg={value}")
            get("guide", f"format={value[:10]!r}", f"/{kommun}/guide/resultat?for=sig&amne=beroende&format={value}&anonym={value}"
                                                   f"&samtycke={value}")
    for kommun in KOMMUNER:
        get("guide", "1000 ämnen", f"/{kommun}/guide/resultat?for=sig&" + "&".join(["amne=beroende"] * 1000))
        get("guide", "alla fält tomma", f"/{kommun}/guide/resultat?for=&amne=&alder=&barn_alder=&steg=&format=")
        get("guide", "token skräp", f"/{kommun}/guide/resultat?for=sig&amne=beroende&token={quote(chr(0) * 5)}%ED%A0%80")
        get("guide", "lång fråga", f"/{kommun}/guide?for=sig&x={'a' * 7000}")
    # catalogue pages
    for kommun in KOMMUNER:
        for age in ODD_AGES:
            q = quote(age)
            get("katalogsidor", f"alder {age[:8]!r}", f"/{kommun}/insatser?alder={q}")
            get("katalogsidor", f"barn_alder {age[:8]!r}", f"/{kommun}/foraldraprogram?barn_alder={q}")
        for text in ('"', "*", "NEAR(", "a" * 5000, "' or 1=1 --", "\x00", "\ud800", "AND OR NOT", "^", "ä*", "{}",
                     "col:text", "-", "\"\"\"", "%", "()", "🙂", "ｆｕｌｌ"):
            get("katalogsidor", f"q={text[:10]!r}", f"/{kommun}/insatser?q={quote(text)}")
        for value in ("katt", quote("\ud800"), "%00", "x" * 3000):
            get("katalogsidor", f"filter {value[:10]!r}", f"/{kommun}/insatser?amne={value}&for={value}")
            get("katalogsidor", f"föräldraprogram {value[:10]!r}",
                f"/{kommun}/foraldraprogram?barn_alder=5&amne={value}&format={value}&sprak={value}")
        for slug in ("x", "%00", quote("\ud800"), "..%2F..%2Fetc%2Fpasswd", "a" * 3000, quote("familjerådgivning"),
                     "familjeradgivning%0D%0A", "FAMILJERADGIVNING", "familjeradgivning/", "%2e%2e"):
            get("katalogsidor", f"insats {slug[:10]!r}", f"/{kommun}/insatser/{slug}")
    # paths, the widget's info, headers
    for path in ("/%ED%A0%80/", "/%ED%A0%80/guide", "/..%2f..%2fetc/passwd", "/alingsas/%00", "/" + "a" * 8000,
                 "/" + "a/" * 2000, "//alingsas//guide", "/alingsas/guide/", "/static/../../etc/passwd", "/%2e%2e/%2e%2e",
                 "/" + quote("ålingsås") + "/", "/ALINGSAS/", "/alingsas%20/", "/alingsas/chatt%00", "/*", "*",
                 "/alingsas/guide?%", "/alingsas/guide?&&&==&", "/alingsas/guide;x=1", "/alingsas/guide#frag",
                 "/widget.js?" + "x" * 5000, "/personal/login?nasta=%0D%0ASet-Cookie:%20x=1",
                 "/personal/login?nasta=//evil.example", "/personal/login?nasta=javascript:alert(1)",
                 "/personal/login?nasta=/personal/%0A", "/personal/login?nasta=" + quote("\ud800"),
                 "/personal/login?nasta=" + "a" * 5000, "/personal/export.csv?kommun=%00", "/personal/?kvartal=" + quote("①"),
                 "http://evil.example/alingsas/guide", "alingsas/guide", "/alingsas/guide HTTP/1.1"):
        get("sökvägar", f"sökväg {path[:20]!r}", path)
    for kommun in ("alingsas", "x", "%00", quote("\ud800"), "a" * 3000, "ALINGSAS"):
        for url in ("https://example.se", "javascript:x", quote("https://ex\r\nample.se"), "%ED%A0%80", "a" * 3000):
            get("sökvägar", f"/api/kommun/{kommun[:8]}?kontakt_url={url[:8]}", f"/api/kommun/{kommun}?kontakt_url={url}")
    for label, headers in (("Host evil", {"Host": "evil.example"}), ("Host tom", {"Host": ""}),
                           ("Host lång", {"Host": "a" * 5000}), ("Host udda", {"Host": "ålingsås.se:99999"}),
                           ("X-Forwarded-For skräp", {"X-Forwarded-For": "x, y, ::::, 999.1.1.1"}),
                           ("Forwarded skräp", {"Forwarded": "for=\"[::1\";proto=gopher"}),
                           ("Accept-Language skräp", {"Accept-Language": "*;q=x, ää"}),
                           ("Cookie skräp", {"Cookie": "session=" + "a" * 3000}),
                           ("Cookie förfalskad", {"Cookie": "session=eyJ1c2VyIjoiYWRtaW4ifQ.Zz.zz"}),
                           ("Cookie udda", {"Cookie": "session=\x7f\x00; =; ;;"}), ("stor rubrik", {"X-Big": "a" * 60_000}),
                           ("Range skräp", {"Range": "bytes=9-1,-0"}), ("If-None-Match skräp", {"If-None-Match": "\"" * 100}),
                           ("Expect", {"Expect": "100-continue"}), ("Transfer-Encoding skräp", {"Transfer-Encoding": "gzip, chunked, x"}),
                           ("Content-Length negativ", {"Content-Length": "-1"}), ("Content-Length skräp", {"Content-Length": "12abc"}),
                           ("Content-Length enorm", {"Content-Length": "99999999999999999999"})):
        for target in ("/alingsas/guide", "/api/kommun/alingsas", "/personal/login", "/personal/"):
            get("rubriker", f"{label} {target}", target, headers)
    for target in ("/alingsas/guide", "/api/chatt"):
        many = {f"X-H{i}": "v" for i in range(1000)}
        get("rubriker", f"1000 rubriker {target}", target, many)
    # staff login form
    for label, form in (("utan CSRF", b"anvandarnamn=a&losenord=b"), ("surrogat", b"anvandarnamn=%ED%A0%80&losenord=%ED%A0%80"),
                        ("NUL", b"anvandarnamn=%00&losenord=%00"), ("långt lösenord", b"anvandarnamn=a&losenord=" + b"a" * 15000),
                        ("CR/LF nasta", b"anvandarnamn=a&losenord=b&nasta=%0D%0ALocation:%20//evil"),
                        ("skräpbytes", bytes(rng.randrange(256) for _ in range(500)))):
        for ctype in ("application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json"):
            cases.append(("personal", f"inloggning {label} ({ctype[:9]})",
                          http_bytes("POST", "/personal/login", form, {"Content-Type": ctype}), False))
            cases.append(("personal", f"utloggning {label} ({ctype[:9]})",
                          http_bytes("POST", "/personal/logga-ut", form, {"Content-Type": ctype}), False))
    # random bytes: bodies to the chat and the whole request on the socket
    for n in range(200):
        size = rng.choice((1, 10, 100, 1000, 10_000))
        chat(f"slumpbytes i kroppen ({size})", bytes(rng.randrange(256) for _ in range(size)), category="slumpbytes")
    valid = chat_body("min son röker på")
    for n in range(200):
        mutated = bytearray(valid)
        for _ in range(rng.randint(1, 4)):
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        chat("en kropp med slumpade byte", bytes(mutated), category="slumpbytes")
    for n in range(200):
        size = rng.choice((1, 16, 200, 4000))
        cases.append(("slumpbytes", f"slumpbytes på socketen ({size})", bytes(rng.randrange(256) for _ in range(size)) + b"\r\n\r\n", True))
    for label, data in (("HTTP/0.9", b"GET /\r\n\r\n"), ("HTTP/2-inledning", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
                        ("TLS ClientHello", bytes.fromhex("16030100a5010000a10303") + bytes(160)),
                        ("version skräp", b"GET / HTTP/9.9\r\nHost: x\r\n\r\n"), ("utan version", b"GET / \r\nHost: x\r\n\r\n"),
                        ("rubrik utan kolon", b"GET / HTTP/1.1\r\nHost x\r\n\r\n"),
                        ("obs-fold", b"GET / HTTP/1.1\r\nHost: x\r\n X: y\r\n\r\n"),
                        ("bara LF", b"GET /alingsas/guide HTTP/1.1\nHost: x\n\n"),
                        ("NUL i rubrik", b"GET / HTTP/1.1\r\nHost: x\x00y\r\n\r\n"),
                        ("chunked trasig", b"POST /api/chatt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhej\r\n0\r\n\r\n"),
                        ("chunked och längd", b"POST /api/chatt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                                              b"Content-Length: 4\r\n\r\n0\r\n\r\n"),
                        ("kortare kropp än längd", b"POST /api/chatt HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                                   b"Content-Length: 100\r\n\r\n{}"),
                        ("CR/LF i sökväg", b"GET /alingsas/guide\r\nX: y HTTP/1.1\r\nHost: x\r\n\r\n"),
                        ("mellanslag i sökväg", b"GET /alingsas/ guide HTTP/1.1\r\nHost: x\r\n\r\n"),
                        ("tom rad först", b"\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")):
        cases.append(("slumpbytes", label, data, True))
    return cases


def exchange(port: int, data: bytes, half_close: bool, timeout: float = 20.0) -> tuple[Optional[int], bool]:
    """Sends the bytes and reads the answer to its end (every request says Connection: close).
    Returns the final status (None: closed, or timed out, without one; "100 Continue" is not an
    answer) and whether waitress itself wrote the answer rather than our app."""
    buf = b""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass    # the server answered (e.g. 413) and closed before it read everything
        try:
            while len(buf) < 1 << 20:
                part = sock.recv(65536)
                if not part:
                    break
                buf += part
        except OSError:
            pass    # e.g. waitress sent "100 Continue" to a GET and then waits for the channel timeout
    head = buf
    while head.startswith(b"HTTP/1.1 1") and b"\r\n\r\n" in head:
        head = head.split(b"\r\n\r\n", 1)[1]
    first = head.split(b"\r\n", 1)[0].split()
    if len(first) < 2 or not first[0].startswith(b"HTTP/") or not first[1].isdigit() or first[1].startswith(b"1"):
        return None, False
    # waitress signs its own error pages "(generated by <ident>)", web/serve.py sets ident
    return int(first[1]), b"\r\n\r\n(generated by " in head


def run_hostile(stack) -> dict:
    cases = hostile_cases(random.Random(SEED))
    pids = stack.pids()
    port = stack.ports.web
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        answers = list(pool.map(lambda c: exchange(port, c[2], c[3]), cases))
    by_category: dict = collections.defaultdict(collections.Counter)
    server_errors, unanswered, unanswered_inputs = [], collections.Counter(), []
    for (category, label, _, _), (status, by_waitress) in zip(cases, answers):
        by_category[category][str(status)] += 1
        if status is not None and status >= 500:
            server_errors.append({"category": category, "input": label, "status": status,
                                  "written_by": "waitress" if by_waitress else "app"})
        if status is None:
            unanswered[category] += 1
            unanswered_inputs.append(label)
    return {
        "tried": len(cases),
        "server_errors_5xx": len(server_errors),
        "server_errors_5xx_from_app": sum(e["written_by"] == "app" for e in server_errors),
        "server_error_examples": server_errors[:30],
        "unanswered": sum(unanswered.values()),
        "unanswered_by_category": dict(unanswered),
        "unanswered_inputs": unanswered_inputs[:30],
        "status_by_category": {k: dict(sorted(v.items())) for k, v in sorted(by_category.items())},
        "children_restarted": sorted(name for name, pid in stack.pids().items() if pids.get(name) != pid),
        "seconds": round(time.monotonic() - start, 1),
    }


# -- redaction -----------------------------------------------------------------------------

def redaction_figures() -> dict:
    """The redaction table of tests/bot/test_redaction.py, read from that file (one table)."""
    from bot.redaction import redact

    spec = importlib.util.spec_from_file_location("redaction_table", ROOT / "tests" / "bot" / "test_redaction.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    forms = [row for row in module.TABELL if row[2]]
    ordinary = [row for row in module.TABELL if not row[2]]
    caught = [row for row in forms if (lambda r: r.text == row[1] and r.borttaget == row[2])(redact(row[0]))]
    kept = [row for row in ordinary if redact(row[0]).text == row[0]]
    kinds = collections.Counter(kind for row in forms for kind in row[2])
    return {
        "forms": len(forms),
        "caught": len(caught),
        "caught_share": round(len(caught) / len(forms), 4),
        "missed": [row[0] for row in forms if row not in caught],
        "forms_by_kind": dict(sorted(kinds.items())),
        "ordinary_sentences": len(ordinary),
        "ordinary_unchanged": len(kept),
        "source": "tests/bot/test_redaction.py TABELL",
    }


# -- Rasa hung, children killed, memory ----------------------------------------------------

def hung_rasa(stack, n: int = 50) -> dict:
    """SIGSTOP of Rasa with the supervisor paused, 50 chats, the pages timed five times."""
    stack.supervising.clear()
    rasa = stack.procs["rasa"].pid
    os.kill(rasa, signal.SIGSTOP)
    try:
        result = guide_with_chats_in_flight(stack.web_url, SENDER, "alingsas", n=n, rounds=5)
    finally:
        os.kill(rasa, signal.SIGCONT)
        stack.supervising.set()
    ms = [seconds * 1000 for _, _, seconds in result["pages"]]
    return {
        "chats_in_flight": n,
        "chat_statuses": dict(collections.Counter(str(c) for c in result["codes"])),
        "page_requests": len(ms),
        "page_statuses": dict(collections.Counter(str(s) for _, s, _ in result["pages"])),
        "page_p50_ms": percentile(ms, 50),
        "page_max_ms": round(max(ms), 1),
        "pages": sorted({p for p, _, _ in result["pages"]}),
    }


def rasa_rss_kb(pid: int) -> dict:
    with open(f"/proc/{pid}/status") as f:
        fields = dict(line.split(":", 1) for line in f if ":" in line)
    return {name: int(fields[name].split()[0]) for name in ("VmRSS", "RssAnon")}


def conversation_round(stack, n: int, offset: int) -> dict:
    """n one-message conversations through the web tier, WORKERS at a time."""
    def one(i: int) -> bool:
        kommun, turns = CONVERSATIONS[i % len(CONVERSATIONS)]
        status, data = post_chat(stack.web_url, f"rss-{offset + i}-{uuid.uuid4().hex[:8]}", turns[0], kommun, timeout=60)
        return status == 200 and bool(data)

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        ok = list(pool.map(one, range(n)))
    return {"conversations": n, "errors": ok.count(False), "seconds": round(time.monotonic() - start, 1)}


def rss_soak(stack, n: int) -> dict:
    pid = stack.procs["rasa"].pid
    before = rasa_rss_kb(pid)
    rounds, after = [], []
    sampler = MemorySampler({"rasa": pid})
    sampler.start()
    for r in range(2):
        rounds.append(conversation_round(stack, n, r * n))
        time.sleep(TTL + TTL / 4 + 1)      # every conversation of the round has expired and been swept
        after.append(rasa_rss_kb(pid))
    sampler.stop_event.set()
    sampler.join()
    return {
        "peak_rss_mb": sampler.peak["rasa"],
        "conversations_per_round": n,
        "tracker_ttl_s": TTL,
        "rounds": rounds,
        "rss_kb_before": before,
        "rss_kb_after_round": after,
        "first_round_growth_mb": round((after[0]["VmRSS"] - before["VmRSS"]) / 1024, 1),
        "growth_mb_per_1000": round((after[1]["VmRSS"] - after[0]["VmRSS"]) / 1024 * 1000 / n, 1),
        "anon_growth_mb_per_1000": round((after[1]["RssAnon"] - after[0]["RssAnon"]) / 1024 * 1000 / n, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=RESULTS / "robustness.json")
    parser.add_argument("--conversations", type=int, default=1000, help="per round of the memory soak")
    args = parser.parse_args()
    began = time.monotonic()
    figures: dict = {"redaction": redaction_figures()}
    print(f"maskning: {figures['redaction']['caught']}/{figures['redaction']['forms']} former", flush=True)
    messages: list[str] = []
    with tempfile.TemporaryDirectory(prefix="insatsguiden-robusthet-") as tmp:
        start = time.monotonic()
        with supervised_stack(Path(tmp), env={"INSATSGUIDEN_TRACKER_TTL": str(TTL)}, say=messages.append) as stack:
            figures["cold_start_s"] = round(time.monotonic() - start, 1)
            figures["hostile_inputs"] = run_hostile(stack)
            h = figures["hostile_inputs"]
            print(f"fientliga indata: {h['tried']} försök, {h['server_errors_5xx']} svar 5xx "
                  f"({h['server_errors_5xx_from_app']} från appen), {h['unanswered']} utan svar ({h['seconds']} s)", flush=True)
            figures["rasa_hung"] = hung_rasa(stack)
            print(f"Rasa stoppad: sidor p50 {figures['rasa_hung']['page_p50_ms']} ms, "
                  f"max {figures['rasa_hung']['page_max_ms']} ms", flush=True)
            figures["kills"] = {}
            for victim in ("actions", "rasa"):
                result = chat_back_after_kill(stack, victim)
                figures["kills"][victim] = {
                    "chat_back_s": result["back_s"], "guide_worst_s": result["guide_worst_s"],
                    "guide_failures": result["guide_failures"],
                    "chat_statuses_meanwhile": dict(collections.Counter(str(s) for s in result["statuses"])),
                    "notice": result["notices"][0] if result["notices"] else None,
                }
                print(f"SIGKILL {victim}: chatten svarar igen efter {result['back_s']} s", flush=True)
            figures["rasa_memory"] = rss_soak(stack, args.conversations)
            print(f"Rasas minne: +{figures['rasa_memory']['growth_mb_per_1000']} MB per 1 000 samtal", flush=True)
    figures["supervisor"] = messages
    figures["goals"] = goals(figures)
    write_results(args.out, figures, began)
    return 0


def write_results(out: Path, figures: dict, began: float) -> None:
    """Adds the run's seconds and the machine, writes the JSON file and says where."""
    figures["seconds"] = round(time.monotonic() - began, 1)
    figures["machine"] = {"cpus": os.cpu_count()}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"-> {out} ({figures['seconds']} s)")


def goals(f: dict) -> dict:
    h, m = f["hostile_inputs"], f["rasa_memory"]
    return {
        "hostile_inputs_at_least_2000": h["tried"] >= 2000,
        "no_5xx": h["server_errors_5xx"] == 0,
        "no_5xx_from_the_app": h["server_errors_5xx_from_app"] == 0,
        "no_child_restarted_by_hostile_inputs": not h["children_restarted"],
        "redaction_100_percent": f["redaction"]["caught"] == f["redaction"]["forms"],
        "guide_under_500_ms_with_rasa_hung": f["rasa_hung"]["page_max_ms"] < 500,
        "chat_back_within_90_s": all(k["chat_back_s"] is not None and k["chat_back_s"] < 90 for k in f["kills"].values()),
        "guide_answered_throughout_kills": all(k["guide_failures"] == 0 for k in f["kills"].values()),
        "rasa_memory_flat": m["growth_mb_per_1000"] < 5,
    }


if __name__ == "__main__":
    sys.exit(main())
