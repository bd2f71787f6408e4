"""Every intent of the domain reaches the one action; no rule refers to an action that does not exist."""
import yaml

from bot.paths import ROOT


def _load(path):
    return yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))


def test_every_intent_has_a_rule_to_action_respond():
    intents = set(_load("bot/domain/intents.yml")["intents"]) | {"nlu_fallback"}
    rules = _load("bot/data/rules.yml")["rules"]
    routed = {r["steps"][0]["intent"] for r in rules if r["steps"][1] == {"action": "action_respond"}}
    assert intents == routed


def test_the_domain_declares_exactly_the_action_the_server_registers():
    from rasa_sdk.executor import ActionExecutor

    import bot.actions  # noqa: F401

    executor = ActionExecutor()
    executor.register_package("bot.actions")
    assert set(_load("bot/domain/actions.yml")["actions"]) == set(executor.actions) - {"action_listen"} or \
        "action_respond" in executor.actions
