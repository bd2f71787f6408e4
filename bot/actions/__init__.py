"""Custom actions for the Rasa action server (rasa-sdk): `rasa run actions --actions bot.actions`.

One action, `action_respond` (respond.py), answers every message; importing it registers it with
the SDK. The spelling dictionary is built here, at start, not on the first resident's message.
"""
from bot.spelling import warm_up

from . import respond  # noqa: F401

warm_up()
