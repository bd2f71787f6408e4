"""bot/rasa_speedups.py: Rasa's check of the action server's reply, with the constant schema
checked once at load instead of on every message (issue 15, item 1) — same verdicts, same error."""
from __future__ import annotations

import pytest

pytest.importorskip("rasa.core.actions.action")

import jsonschema
from rasa.core.actions.action import RemoteAction

import bot.channels  # noqa: F401  (Rasa loads it; importing it installs the speed-up)
from bot import rasa_speedups

GOOD = {"events": [{"event": "slot", "name": "kommun", "value": "sala", "timestamp": None}],
        "responses": [{"text": "Hej"}]}
BAD = [{"events": [{"event": "slot", "name": 5}]}, {"events": "inte en lista"}, {"responses": [3]}]


def test_rasa_uses_the_one_time_validator():
    assert RemoteAction._validate_action_result is rasa_speedups.validate_action_result


def test_same_verdicts_and_messages_as_rasas_own_check():
    action = RemoteAction.__new__(RemoteAction)
    assert rasa_speedups.validate_action_result(action, GOOD) is True
    for bad in BAD:
        with pytest.raises(jsonschema.ValidationError) as ours:
            rasa_speedups.validate_action_result(action, bad)
        with pytest.raises(jsonschema.ValidationError) as theirs:
            jsonschema.validate(bad, RemoteAction.action_response_format_spec())
        assert ours.value.message.startswith(theirs.value.message)
        assert "Failed to validate Action server response" in ours.value.message


def test_the_schema_is_checked_once(monkeypatch):
    rasa_speedups._validator.cache_clear()
    calls = []
    original = jsonschema.validators.Draft202012Validator.check_schema
    monkeypatch.setattr(jsonschema.validators.Draft202012Validator, "check_schema",
                        classmethod(lambda cls, s: calls.append(1) or original.__func__(cls, s)))
    action = RemoteAction.__new__(RemoteAction)
    for _ in range(50):
        rasa_speedups.validate_action_result(action, GOOD)
    assert len(calls) == 1   # at load, not per message


def test_event_classes_resolve_as_rasa_does():
    from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
    from rasa.shared.utils.common import all_subclasses

    assert getattr(Event.resolve_by_type, "_insatsguiden", False)
    for name in ("slot", "user", "action", "bot", "session_started", "rewind"):
        expected = next(c for c in all_subclasses(Event) if c.type_name == name)
        assert Event.resolve_by_type(name) is expected
        assert Event.resolve_by_type(name) is expected   # remembered, still the same
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("finns-inte", default=SlotSet) is SlotSet
    assert Event.resolve_by_type("finns-inte-heller", default=UserUttered) is UserUttered
    with pytest.raises(ValueError):
        Event.resolve_by_type("okänd-händelse")
    events = [ActionExecuted("action_listen"), UserUttered("hej"), SlotSet("kommun", "sala")]
    assert [type(e) for e in (Event.from_parameters(e.as_dict()) for e in events)] == [type(e) for e in events]


def test_the_redis_merge_keeps_exactly_what_rasas_merge_keeps():
    """Many pairs of stored and new trackers (earlier sessions, overlapping turns, duplicates,
    the same text twice): the linear merge gives the same events as Rasa's quadratic one."""
    import random
    from rasa.core.tracker_store import RedisTrackerStore
    from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    assert RedisTrackerStore._merge_trackers is rasa_speedups.merge_trackers
    rasa_merge = rasa_speedups.ORIGINALS["merge_trackers"]   # Rasa's own, kept at install
    rnd = random.Random(7)

    def turn(n, t):
        return [UserUttered(f"text {rnd.randint(0, 3)}", timestamp=t), ActionExecuted("action_respond", timestamp=t + 0.1),
                SlotSet("kommun", rnd.choice(["sala", "uppsala"]), timestamp=t + 0.2),
                BotUttered(f"svar {n}", timestamp=t + 0.3), ActionExecuted("action_listen", timestamp=t + 0.4)]

    merged_cases = 0
    for case in range(60):
        events = [ActionExecuted("action_session_start", timestamp=1.0), SessionStarted(timestamp=1.0),
                  ActionExecuted("action_listen", timestamp=1.0)]
        for n in range(rnd.randint(1, 6)):
            events += turn(n, 10.0 + n)
        cut = rnd.randint(1, len(events))
        prior = DialogueStateTracker.from_events("x", events[:cut])
        start = rnd.randint(0, cut)
        new_events = events[start:] + (turn(99, 100.0) if rnd.random() < 0.7 else [])
        if rnd.random() < 0.3:
            new_events += new_events[-2:]
        new = DialogueStateTracker.from_events("x", new_events)
        ours = rasa_speedups.merge_trackers(prior, new)
        theirs = rasa_merge(prior, new)
        assert [e.as_dict() for e in ours.events] == [e.as_dict() for e in theirs.events], case
        merged_cases += ours is not new
    assert merged_cases >= 10   # the cases go through the merge itself, not only its early return
