"""Custom actions against the real catalogue: replay a saved tracker state, assert the exact events."""
import asyncio
import json
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.formular import ActionNoteraBehov, ValidateBehovForm
from bot.actions.information import ActionAnonymitet, ActionKraverAnsokan, ActionForklaraInsats
from bot.actions.rekommendation import ActionBerattaMer, ActionNagotAnnat, ActionRekommendera
from bot.actions.sakerhet import ActionAkut, ActionPersonuppgift
from catalogue.loader import default_catalogue
from catalogue.routing import Profil, route

TRACKERS = Path(__file__).parent / "trackers"
DOMAIN = {"slots": {}, "responses": {}, "forms": {"behov_form": {"required_slots": ["kommun", "amnen", "for_vem", "alder"]}}}


@pytest.fixture(autouse=True)
def _stats(tmp_path, monkeypatch):
    monkeypatch.setattr("catalogue.statistics.DEFAULT_DB", tmp_path / "statistik.db")


def tracker_from(name=None, *, slots=None, text="", intent="nlu_fallback", entities=(), metadata=None, active_loop=None):
    if name:
        state = json.loads((TRACKERS / name).read_text(encoding="utf-8"))
    else:
        state = {"sender_id": "test", "slots": {}, "latest_message": {}, "events": [], "paused": False,
                 "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen"}
        state["latest_message"] = {"text": text, "intent": {"name": intent, "confidence": 0.9},
                                   "entities": list(entities), "metadata": metadata or {}}
    base = {"kommun": None, "amnen": None, "for_vem": None, "alder": None, "barn_alder": None, "samtycke": None,
            "format": None, "anonym": None, "visade": None, "sida": 0, "requested_slot": None}
    state["slots"] = {**base, **state["slots"], **(slots or {})}
    if active_loop:
        state["active_loop"] = {"name": active_loop}
    return Tracker.from_dict(state)


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return events, dispatcher.messages


def test_noting_a_need_from_a_saved_tracker_gives_exact_events():
    events, messages = run(ActionNoteraBehov(), tracker_from("foralder_beroende_uppsala.json"))
    assert events == [SlotSet("amnen", ["beroende"]), SlotSet("for_vem", "mitt-barn"), SlotSet("sida", 0)]
    assert messages == []


def test_form_asks_for_the_childs_age_when_it_is_about_my_child():
    tracker = tracker_from(slots={"kommun": "uppsala", "amnen": ["beroende"], "for_vem": "mitt-barn"},
                           text="min son röker på", intent="behov_beroende", active_loop="behov_form")
    events, _ = run(ValidateBehovForm(), tracker)
    assert events[-1] == SlotSet("requested_slot", "barn_alder")


def test_form_answer_sixteen_completes_the_form():
    tracker = tracker_from(slots={"kommun": "uppsala", "amnen": ["beroende"], "for_vem": "mitt-barn",
                                  "requested_slot": "barn_alder"}, text="16", intent="uppge_alder", active_loop="behov_form")
    events, _ = run(ValidateBehovForm(), tracker)
    assert events == [SlotSet("barn_alder", 16), SlotSet("requested_slot", None)]


def test_form_skip_fills_the_question_with_unknown():
    tracker = tracker_from(slots={"kommun": "uppsala", "amnen": ["kris"], "requested_slot": "for_vem"},
                           text="vill inte säga", intent="skip", active_loop="behov_form")
    events, _ = run(ValidateBehovForm(), tracker)
    assert events == [SlotSet("for_vem", "okant"), SlotSet("requested_slot", "alder")]


def test_form_asks_municipality_only_when_metadata_is_missing():
    tracker = tracker_from(slots={"amnen": ["kris"]}, text="min pappa dog", intent="behov_kris", active_loop="behov_form")
    events, _ = run(ValidateBehovForm(), tracker)
    assert events[-1] == SlotSet("requested_slot", "kommun")
    tracker = tracker_from(slots={"amnen": ["kris"]}, text="min pappa dog", intent="behov_kris",
                           metadata={"kommun": "uppsala"}, active_loop="behov_form")
    events, _ = run(ValidateBehovForm(), tracker)
    assert SlotSet("kommun", "uppsala") in events and events[-1] == SlotSet("requested_slot", "for_vem")


def test_under_15_asking_for_themself_is_asked_about_consent():
    tracker = tracker_from(slots={"kommun": "uppsala", "amnen": ["psykisk-ohalsa"], "for_vem": "sig",
                                  "requested_slot": "alder"}, text="13", intent="uppge_alder", active_loop="behov_form")
    events, _ = run(ValidateBehovForm(), tracker)
    assert events == [SlotSet("alder", 13), SlotSet("requested_slot", "samtycke")]


def test_invalid_age_gets_a_kind_swedish_message_and_the_same_question():
    tracker = tracker_from(slots={"kommun": "uppsala", "amnen": ["kris"], "for_vem": "sig", "requested_slot": "alder"},
                           text="300", intent="uppge_alder", active_loop="behov_form")
    events, messages = run(ValidateBehovForm(), tracker)
    assert "mellan 0 och 120" in messages[0]["text"]
    assert events[-1] == SlotSet("requested_slot", "alder")


def test_recommendation_matches_the_routing_core_and_always_informs_about_applying():
    slots = {"kommun": "uppsala", "amnen": ["beroende"], "for_vem": "mitt-barn", "barn_alder": 16}
    events, messages = run(ActionRekommendera(), tracker_from(slots=slots))
    expected = [r.insats.id for r in route(Profil(kommun="uppsala", for_vem="mitt-barn", barn_alder=16, amnen=("beroende",))).rekommenderade[:3]]
    payloads = [m["custom"] for m in messages if m.get("custom")]
    assert [i["id"] for i in payloads[0]["insatser"]] == expected
    assert events == [SlotSet("visade", expected), SlotSet("sida", 0)]
    last = messages[-1]["text"]
    assert "11 kap. 1 §" in last and "11 kap. 6 §" in last
    assert all("min son" not in (m.get("text") or "") for m in messages)


def test_nothing_fits_still_informs_about_applying():
    slots = {"kommun": "uppsala", "amnen": ["sexuell-exploatering"], "for_vem": "familj"}
    _, messages = run(ActionRekommendera(), tracker_from(slots=slots))
    texts = " ".join(m.get("text") or "" for m in messages)
    assert "11 kap. 6 §" in texts


def test_follow_ups_more_and_something_else():
    slots = {"kommun": "uppsala", "amnen": ["beroende"], "for_vem": "sig", "alder": 30}
    events, _ = run(ActionRekommendera(), tracker_from(slots=slots))
    visade = events[0]["value"]
    _, messages = run(ActionBerattaMer(), tracker_from(slots={**slots, "visade": visade}, text="berätta mer om den andra", intent="fraga_mer"))
    assert messages[0]["text"].startswith(default_catalogue().insats(visade[1]).namn)
    assert "Källa:" in messages[0]["text"]
    events2, _ = run(ActionNagotAnnat(), tracker_from(slots={**slots, "visade": visade, "sida": 0}, text="något annat?", intent="fraga_annat"))
    assert SlotSet("sida", 3) in events2


def test_anonymity_answer_is_honest_about_the_duty_to_report():
    slots = {"kommun": "uppsala", "visade": ["uppsala/radgivande-samtal-om-beroende"]}
    _, messages = run(ActionAnonymitet(), tracker_from(slots=slots, text="kan jag vara anonym där?", intent="fraga_anonym"))
    texts = " ".join(m["text"] for m in messages)
    assert "anmälningsskyldighet" in texts and "14 kap. 4 §" in texts and "sparas inte" in texts


def test_economic_assistance_explains_how_to_apply():
    _, messages = run(ActionKraverAnsokan(), tracker_from(slots={"kommun": "uppsala"}, text="kan jag få försörjningsstöd", intent="ekonomiskt_bistand"))
    texts = " ".join(m["text"] for m in messages)
    assert "Ekonomiskt bistånd" in texts and "12 kap. 1 §" in texts and "ansök" in texts


def test_named_programme_is_explained():
    _, messages = run(ActionForklaraInsats(), tracker_from(slots={"kommun": "uppsala"}, text="vad är cope?", intent="fraga_insats",
                                                          entities=[{"entity": "program", "value": "cope"}]))
    assert messages[0]["text"].startswith("COPE")


def test_acute_danger_gives_112_first():
    _, messages = run(ActionAkut(), tracker_from(text="jag vill inte leva", intent="akut_fara"))
    assert messages[0]["text"].startswith("Om någon är i fara just nu: ring 112.")
    assert "90101" in messages[0]["text"]


def test_personal_data_is_not_echoed():
    _, messages = run(ActionPersonuppgift(), tracker_from(text="«personnummer borttaget»", intent="personuppgift"))
    assert "behöver inte" in messages[0]["text"] and "«" not in messages[0]["text"]
