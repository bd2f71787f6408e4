"""Where things are, and the environment every Rasa process gets."""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = Path(os.environ.get("INSATSGUIDEN_MODEL", ROOT / "models" / "insatsguiden.tar.gz"))
DOMAIN = ROOT / "bot" / "domain"
CONFIG = ROOT / "config.yml"
# build/nlu/: the lookup tables generated from catalogue data (bot/lookups.py, written before training)
TRAIN_DATA = [ROOT / "bot" / "data", ROOT / "nlu_data" / "train", ROOT / "build" / "nlu"]
NLU_TEST = ROOT / "nlu_data" / "test"
ENDPOINTS = ROOT / "bot" / "endpoints.yml"
CREDENTIALS = ROOT / "bot" / "credentials.yml"
VENV_BIN = Path(sys.executable).parent
RASA = VENV_BIN / "rasa"


def rasa_env(**extra: str) -> dict:
    """Environment for our child processes (they run with the project root as working
    directory, which Rasa and `python -m` put on sys.path)."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.update({
        "RASA_TELEMETRY_ENABLED": "false",   # no network calls, no usage data
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SANIC_HOST": "127.0.0.1",           # the action server listens on loopback only
        "ACTION_SERVER_SANIC_WORKERS": "1",
        "ACTION_PORT": env.get("ACTION_PORT", "5055"),
    })
    env.update(extra)
    return env
