"""Custom actions for the Rasa action server (rasa-sdk): `rasa run actions --actions bot.actions`.

Importing the modules registers their Action classes with the SDK.
"""
from . import formular, information, rekommendation, sakerhet  # noqa: F401
