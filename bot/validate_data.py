"""`rasa data validate` on the domain, rules, stories and NLU data; fails on any warning."""
from __future__ import annotations

import subprocess
import sys

from .lookups import write_kommuner
from .paths import CONFIG, DOMAIN, ROOT, RASA, TRAIN_DATA, rasa_env


def main() -> int:
    write_kommuner()  # build/nlu/ is training data too (bot/paths.py TRAIN_DATA)
    cmd = [str(RASA), "data", "validate", "--fail-on-warnings", "--config", str(CONFIG), "--domain", str(DOMAIN),
           "--data", *map(str, TRAIN_DATA)]
    result = subprocess.run(cmd, cwd=ROOT, env=rasa_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        print(result.stdout[-8000:], file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
