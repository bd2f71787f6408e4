"""A canary personnummer and a canary sentence go through the running stack; neither may be found
anywhere on disk (project tree, the processes' logs, temp files, the statistics) nor in any reply."""
import random
import subprocess
import tempfile
import uuid
from pathlib import Path

from conftest import Chat, ROOT


def _canaries():
    year = random.randint(1950, 1999)
    pnr = f"{year}{random.randint(1, 12):02d}{random.randint(1, 28):02d}-{random.randint(1000, 9999)}"
    word = "kanariefagel" + uuid.uuid4().hex[:12]
    return pnr, f"min son {word} röker på varje dag"


def _written_since(marker: Path, paths) -> list[str]:
    """Every regular file under the paths created or changed after the marker (the canaries are
    new, so only such files could hold them)."""
    out = subprocess.run(["find", *map(str, paths), "-xdev", "-type", "f", "-newer", str(marker), "-size", "-200M"],
                         capture_output=True, text=True, timeout=300)
    return [line for line in out.stdout.splitlines() if line]


def _grep(needle: str, files) -> list[str]:
    hits = []
    for i in range(0, len(files), 200):
        out = subprocess.run(["grep", "-l", "-a", "-F", "-s", "--", needle, *files[i:i + 200]],
                             capture_output=True, text=True, timeout=300)
        hits += [line for line in out.stdout.splitlines() if line]
    return hits


def test_canaries_are_nowhere(stack, stack_logs, stats_db, tmp_path):
    marker = tmp_path / "marker"
    marker.write_text("start")
    pnr, sentence = _canaries()
    digits = pnr.replace("-", "")
    for via_web in (False, True):
        c = Chat(stack.web_url if via_web else stack.rasa_url, "alingsas", via_web=via_web)
        c.send(f"hej, mitt personnummer är {pnr}")
        c.send(sentence)
        c.send("16")
        everything = str(c.replies)
        assert pnr not in everything and digits not in everything
        assert sentence.split()[2] not in everything
    places = [ROOT, stack_logs, tempfile.gettempdir(), Path(stats_db).parent, Path.home() / ".config" / "rasa",
              "/var/log"]
    logs = [str(p) for p in Path(stack_logs).iterdir()]
    assert logs, "the processes' output should be captured in files"
    files = sorted(set(_written_since(marker, [p for p in places if Path(p).exists()]) + logs))
    for needle in (pnr, digits, pnr[2:], sentence.split()[2]):
        hits = _grep(needle, files)
        assert not hits, f"{needle!r} found in {hits}"
