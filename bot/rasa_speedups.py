"""Work Rasa 3.6 repeats for every message that can be done once at load (issue 15, item 1).

The profile of one message (bench/profile.py, docs/performance.md) showed about two thirds of
Rasa's time per message in `RemoteAction._validate_action_result`: it checks the action server's
reply with `jsonschema.validate(result, schema)`, and that function first validates the *schema
itself* against the JSON Schema meta-schema — the same constant schema, on every call — and
only then the reply. Here the schema is checked once and its validator kept; each reply is
still validated in full against the same schema, and an invalid reply raises the same
`ValidationError` with the same message as before.

The second: every event read back from a tracker store (the whole conversation, on every
message; in Redis twice, since RedisTrackerStore.save reads the stored tracker to merge) finds its
class with `Event.resolve_by_type`, which walks all subclasses of Event anew, with
`inspect.isabstract` on each, per event. Here a found name is remembered; a name not yet seen
still goes through Rasa's own walk (so classes imported later, and unknown names, behave as before).

The third, in the scaled layout: RedisTrackerStore.save merges the stored tracker with the new
one by checking every new event against every event already merged (`as_dict() != …` for all
pairs), which is quadratic in the length of the conversation and cost more than the NLU per
message by the fifth turn. Here the same merge — the same events kept, in the same order, the
same duplicates dropped — compares each event's dict once, through a set of canonical JSON keys.

`install()` runs when Rasa loads bot/channels.py (named in bot/credentials.yml), so every
`rasa run` of the project — `make run`, the scaled instances, the tests — gets it.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict


@lru_cache(maxsize=1)
def _validator():
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)   # once, at load: the schema is a constant of Rasa's
    return cls(schema)


def validate_action_result(self, result: Dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result without re-checking the constant schema per call."""
    from jsonschema.exceptions import best_match
    from rasa.core.actions.action import DOCS_BASE_URL

    error = best_match(_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


validate_action_result._insatsguiden = True  # type: ignore[attr-defined]


_event_classes: Dict[str, Any] = {}


def _resolving(original):
    def resolve_by_type(type_name, default=None):
        cls = _event_classes.get(type_name)
        if cls is None:
            cls = original(type_name, default)
            if cls is not None and cls is not default:
                _event_classes[type_name] = cls
        return cls
    resolve_by_type._insatsguiden = True  # type: ignore[attr-defined]
    return resolve_by_type


def _event_key(event) -> str:
    import json
    return json.dumps(event.as_dict(), sort_keys=True, default=repr)


def merge_trackers(prior_tracker, tracker):
    """RedisTrackerStore._merge_trackers in linear time (see the module text)."""
    if not prior_tracker.events:
        return tracker
    last_event_timestamp = prior_tracker.events[-1].timestamp
    past_tracker = tracker.travel_back_in_time(target_time=last_event_timestamp)
    if past_tracker.events == prior_tracker.events:
        return tracker
    merged = tracker.init_copy()
    merged.update_with_events(list(prior_tracker.events), override_timestamp=False, domain=None)
    seen = {_event_key(e) for e in merged.events}
    for new_event in tracker.events:
        key = _event_key(new_event)
        if key not in seen:
            merged.update(new_event)
            seen.add(key)
    return merged


merge_trackers._insatsguiden = True  # type: ignore[attr-defined]

ORIGINALS: Dict[str, Any] = {}   # Rasa's own functions, kept for the tests that compare with them


def install() -> None:
    from rasa.core.actions.action import RemoteAction
    from rasa.core.tracker_store import RedisTrackerStore
    from rasa.shared.core.events import Event

    if not getattr(RemoteAction._validate_action_result, "_insatsguiden", False):
        ORIGINALS["validate_action_result"] = RemoteAction._validate_action_result
        RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
    if not getattr(Event.resolve_by_type, "_insatsguiden", False):
        ORIGINALS["resolve_by_type"] = Event.resolve_by_type
        Event.resolve_by_type = staticmethod(_resolving(Event.resolve_by_type))  # type: ignore[method-assign]
    if not getattr(RedisTrackerStore._merge_trackers, "_insatsguiden", False):
        ORIGINALS["merge_trackers"] = RedisTrackerStore._merge_trackers
        RedisTrackerStore._merge_trackers = staticmethod(merge_trackers)  # type: ignore[method-assign]
