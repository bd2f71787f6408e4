"""Trains the Rasa model (called by `make`, which runs it only when data or config changed)."""
from __future__ import annotations

import json
import subprocess
import sys
import time

from .lookups import write_kommuner
from .paths import CONFIG, DOMAIN, MODEL, ROOT, RASA, TRAIN_DATA, rasa_env


def main() -> int:
    start = time.monotonic()
    write_kommuner()  # build/nlu/: the municipality and locality tables, from catalogue data
    cmd = [str(RASA), "train", "--config", str(CONFIG), "--domain", str(DOMAIN), "--data", *map(str, TRAIN_DATA),
           "--out", str(MODEL.parent), "--fixed-model-name", MODEL.name.removesuffix(".tar.gz"),
           # make runs this only when an input changed; Rasa's cache does not see files that a
           # component reads itself (nlu_data/residents/), so every run trains from scratch.
           "--force"]
    result = subprocess.run(cmd, cwd=ROOT, env=rasa_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0 or not MODEL.exists():
        print(result.stdout[-5000:], file=sys.stderr)
        print("Träningen misslyckades (se ovan).", file=sys.stderr)
        return 1
    MODEL.touch()  # make sees a fresh model even when Rasa found nothing to retrain
    seconds = round(time.monotonic() - start, 1)
    # bench/load.py reports the training time from here.
    (MODEL.parent / "training.json").write_text(json.dumps({"train_s": seconds}) + "\n", encoding="utf-8")
    print(f"    modell: {MODEL.relative_to(ROOT)} ({seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
