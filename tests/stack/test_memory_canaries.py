"""Memory canaries (issue 12, item 6): after a conversation through the web tier — the widget's
path, Flask proxy → Rasa — that contains made-up personal data (conftest.Canaries: a personnummer,
a phone number, an e-mail address, "jag heter <name>", "<name>gatan 12"), none of it is in the
memory of our own Rasa or action-server processes, in UTF-8, Latin-1, UTF-16-LE or UTF-32-LE.

The memory is read as the probe of issue 12 did, from /proc/PID/smaps (the maps with their
resident sizes) and /proc/PID/mem of the children the test session started (their parent may read
them). Only mappings that can hold received text are read: writable ones and anonymous ones, with
pages in memory; read-only file mappings (code, libraries, the model's files) cannot. A control word sent without personal data
must be found in both processes, so the scan is known to see what they were sent.

The web tier redacts before it calls Rasa (web/chat.py); text sent straight to Rasa's REST
channel is parsed by Sanic before any redaction and stays in freed memory until overwritten,
which is why Rasa and the action server must be reachable only from the web tier (docs/privacy.md).
"""
from __future__ import annotations

import contextlib
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Canaries, Chat

ENCODINGS = ("utf-8", "latin-1", "utf-16-le", "utf-32-le")
CHUNK = 32 << 20
SKIP = {"[vvar]", "[vsyscall]", "[vdso]"}


def process_tree(pid: int) -> list[int]:
    """The process and all its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    return sorted(set(out))


def text_regions(pid: int) -> list[tuple[int, int]]:
    """Address ranges that can hold text the process received: readable and either writable or
    anonymous, with at least one page in memory (smaps' Rss)."""
    regions, current = [], None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            parts = line.split()
            if parts and "-" in parts[0] and not parts[0].endswith(":"):
                start, end = (int(x, 16) for x in parts[0].split("-"))
                perms, name = parts[1], parts[5] if len(parts) > 5 else ""
                current = None
                if perms[0] == "r" and name not in SKIP and (perms[1] == "w" or not name or name.startswith("[")):
                    current = [start, end]
            elif parts and parts[0] == "Rss:" and current is not None and int(parts[1]) > 0:
                regions.append(tuple(current))
                current = None
    return regions


def _needles(values) -> dict[bytes, list[tuple[str, str]]]:
    out: dict[bytes, list[tuple[str, str]]] = {}
    for value in values:
        for enc in ENCODINGS:
            try:
                out.setdefault(value.encode(enc), []).append((value, enc))
            except UnicodeEncodeError:
                pass
    return out


def _digit_bounded(chunk: bytes, at: int, needle: bytes, width: int) -> bool:
    """For a number: the hit is not part of a longer run of digits (in the same encoding)."""
    digits = {str(d).encode("utf-32-le")[:width] for d in range(10)}
    return chunk[at - width:at] not in digits and chunk[at + len(needle):at + len(needle) + width] not in digits


def find_in_memory(pid: int, values) -> set[tuple[str, str]]:
    """(value, encoding) for every value found in the memory of the process and its descendants."""
    needles = _needles(values)
    overlap = max(map(len, needles)) - 1
    found: set[tuple[str, str]] = set()
    for p in process_tree(pid):
        try:
            regions = text_regions(p)
            mem = open(f"/proc/{p}/mem", "rb", buffering=0)
        except OSError:
            continue
        with mem:
            for start, end in regions:
                tail, pos = b"", start
                while pos < end:
                    size = min(CHUNK, end - pos)
                    try:
                        mem.seek(pos)
                        chunk = tail + mem.read(size)
                    except OSError:      # unmapped meanwhile
                        chunk = b""
                    for needle, keys in needles.items():
                        value, enc = keys[0]
                        width = {"utf-16-le": 2, "utf-32-le": 4}.get(enc, 1)
                        at = chunk.find(needle)
                        while at >= 0:
                            if not value.isdigit() or _digit_bounded(chunk, at, needle, width):
                                found.update(keys)
                                break
                            at = chunk.find(needle, at + 1)
                    tail = chunk[-overlap:] if overlap else b""
                    pos += size
    return found


@contextlib.contextmanager
def child_holding(data: list[bytes]):
    """A Python child that holds `data` as bytes only (sent as hex on stdin, so neither its
    command line nor its code contains them); yields its pid."""
    code = ("import sys, time\n"
            "held = [bytes.fromhex(line.strip()) for line in sys.stdin]\n"
            "print('redo', flush=True)\n"
            "time.sleep(60)\n")
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        child.stdin.write("".join(b.hex() + "\n" for b in data))
        child.stdin.close()
        assert child.stdout.readline().strip() == "redo"
        yield child.pid
    finally:
        child.kill()
        child.wait()


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_the_scan_finds_a_value_in_each_encoding_and_only_there(encoding):
    value = "Ka" + "".join(secrets.choice("bcdfghjklmnpqrstvwxz") for _ in range(8)) + "öra"
    with child_holding([value.encode(encoding)]) as pid:
        assert find_in_memory(pid, [value]) == {(value, encoding)}


def test_bare_numbers_are_found_only_as_whole_numbers():
    held = {"5550123456": b"x5550123456y", "5550654321": b"955506543219"}   # the second inside a longer run
    with child_holding(list(held.values())) as pid:
        assert find_in_memory(pid, list(held)) == {("5550123456", "utf-8"), ("5550123456", "latin-1")}


def test_no_canary_in_the_memory_of_rasa_or_the_action_server(stack):
    canaries = Canaries()
    control = "zq" + secrets.token_hex(6)   # no personal data: must reach both processes
    c = Chat(stack.web_url, "alingsas", via_web=True)
    c.send(f"hej {control}")
    for message in canaries.messages:   # the last one holds every canary; the scan follows at once
        c.send(message)
    assert "Jag behöver inte ditt namn" in Chat.texts(c.replies)
    everything = str(c.replies)
    assert not [v for v in canaries.values if v in everything]
    for name in ("rasa", "actions"):
        found = find_in_memory(stack.procs[name].pid, [*canaries.values, control])
        assert (control, "utf-8") in found, f"{name}: the scan did not see the control word it was sent"
        leaked = sorted(hit for hit in found if hit[0] != control)
        assert not leaked, f"{name}: {leaked}"

