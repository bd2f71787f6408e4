"""One action answers every message: interpret, merge the facts, then ask or recommend.

Why one action instead of a form: a resident volunteers facts in their own order ("grabben på 17
röker på, kan man vara anonym?"). A form asks its slots in a fixed order and treats everything
else as an interruption. Here every message goes through the one interpreter (bot.interpreter),
its facts replace or add to what we knew, and the reply is built in a fixed priority:

1. acute danger: emergency information first;
2. the notice that personal data was removed (the need in the same message is still heard);
3. what always needs an application (ekonomiskt bistånd, kontaktperson, boende...): how to apply;
4. a need with a topic: ask only a question that changes the top three
   (insatskatalog.routing.questions_that_matter), at most one question turn per fact, else recommend
   with each villkor met / not met / unknown; questions inside the message are answered in the
   same reply; the right to apply (11 kap. 6 §) ends every recommending reply;
5. otherwise: greeting, thanks, follow-ups on what was shown, or a request to rephrase.

One round trip to the action server per message (the profile in docs/performance.md explains
why that matters for latency). Nothing here stores or logs the text.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot import interpreter
from bot.insats_relevance import combine
from bot.interpreter import UNKNOWN, Facts
from insatskatalog.loader import default_catalogue
from insatskatalog.rights import is_https_url, ratt_att_ansoka
from insatskatalog.routing import questions_that_matter, route
from insatskatalog.text import fold

from . import replies
from .state import State, record

# Intents that answer on their own when the message carries no need.
_SMALLTALK = {"bot_challenge": replies.BOT, "out_of_scope": replies.OUT_OF_SCOPE}
_MAX_QUESTION_TURNS = 2


class Reply:
    """Collects the reply's messages in order; `send` hands them to Rasa."""

    def __init__(self) -> None:
        self.items: list[dict] = []

    def say(self, text: str, buttons: Optional[list] = None) -> None:
        self.items.append({"text": text, "buttons": [{"title": t, "payload": p} for t, p in (buttons or [])]})

    def custom(self, payload: dict) -> None:
        self.items.append({"json_message": payload})

    def send(self, dispatcher: CollectingDispatcher) -> None:
        for item in self.items:
            if "json_message" in item:
                dispatcher.utter_message(json_message=item["json_message"])
            else:
                dispatcher.utter_message(text=item["text"], buttons=item["buttons"] or None)


def _removed_personal_data(latest: dict) -> bool:
    return bool((latest.get("metadata") or {}).get("borttaget")) or any(
        e.get("entity") == "personuppgift" for e in latest.get("entities") or [])


def _ages_text(state: State) -> str:
    def fmt(span):
        return f"{span[0]} år" if span[0] == span[1] else f"{span[0]}–{span[1]} år"
    if state.for_vem in ("mitt-barn", "anhorig") and state.barn_alder:
        return ", ".join(fmt(s) for s in state.barn_alder)
    if state.alder:
        return fmt(state.alder)
    return ""


def merge(state: State, facts: Facts, metadata_kommun: Optional[str]) -> Optional[str]:
    """Adds this message's facts to the state. Returns a note for the resident, if any."""
    note = None
    if facts.kommun and facts.kommun != state.kommun:
        if state.kommun:
            note = replies.SWITCHED_KOMMUN.format(namn=default_catalogue().kommun(facts.kommun).namn)
        state.kommun = facts.kommun
    elif not state.kommun and metadata_kommun in default_catalogue().kommuner:
        state.kommun = metadata_kommun

    if facts.topics and state.amnen and state.recommended and set(facts.topics) <= interpreter.ROLE_TOPICS and \
            not facts.switch:
        # "finns det nåt för oss föräldrar också?" after the son's drugs: the same need, now also
        # support for the one asking; the main topic stays first (blind dev2)
        state.amnen = list(dict.fromkeys([state.amnen[0], *facts.topics, *state.amnen[1:]]))[:3]
        facts.topics = [state.amnen[0]] + facts.topics
    if facts.topics and state.recommended and not (set(facts.topics) & set(state.amnen)) and \
            not facts.asks_for_support and ((facts.follow_up and not facts.switch) or not facts.describes_need):
        # "kan vi gå dit fast vi knappt pratar med varandra?", "måste pappan också godkänna?": a
        # question about what was shown, not a new need, unless the message says it is another matter;
        # nor is a detail such as "jobbar heltid, helst efter fyra".
        facts.topics = []
    if facts.topics:
        new = [a for a in facts.topics if a not in state.amnen]
        if state.amnen and not (set(facts.topics) & set(state.amnen)) and (state.recommended or facts.switch):
            # A different need. After a recommendation nothing carries over unless the message
            # points back at the same person ("han", "hon") or names the person again.
            keep = (facts.pronoun_only or facts.asks_for_support) and facts.for_vem in (None, state.for_vem)
            state.new_need(keep_person=keep)
            if not keep and facts.for_vem is None and not facts.own_age and not facts.other_ages:
                note = replies.NEW_NEED
            state.amnen = list(facts.topics)
        elif state.amnen and not (set(facts.topics) & set(state.amnen)):
            # More of the same picture before we answered: the first need stays the main one.
            state.amnen = list(dict.fromkeys(state.amnen[:2] + facts.topics))[:3]
        else:
            state.amnen = [facts.topics[0]] + [a for a in state.amnen if a != facts.topics[0]] + \
                [a for a in new if a != facts.topics[0]]
            state.amnen = list(dict.fromkeys(state.amnen))[:3]

    if facts.relevance:
        state.relevans = combine(state.relevans, facts.relevance)
    if facts.for_vem and state.for_vem and state.for_vem != UNKNOWN and facts.for_vem != state.for_vem and \
            not (facts.explicit_who or facts.correction or facts.switch):
        facts.for_vem = None   # a person named in passing later ("min fru sover inte") is not a new asker
    if facts.for_vem:
        if facts.for_vem != state.for_vem and state.for_vem and state.for_vem != UNKNOWN:
            state.barn_alder = [] if not facts.other_ages else state.barn_alder
        state.for_vem = facts.for_vem
    if facts.own_age:
        state.alder = facts.own_age
    if facts.other_ages:
        state.barn_alder = list(dict.fromkeys(facts.other_ages))
    if facts.skipped and state.asked in ("alder", "barn_alder", "vem_alder"):
        state.alder_skipped = True
    if facts.format:
        state.format = facts.format
    if facts.sprak:
        state.sprak = facts.sprak
    if facts.anonym:
        state.anonym = True
    return note


def _question_to_ask(state: State) -> Optional[str]:
    """The one question that would change the answer, or None: then we recommend."""
    if state.recommended or len(state.asked_before) >= _MAX_QUESTION_TURNS:
        return None
    profil = state.profil()
    if profil is None:
        return None
    matters = questions_that_matter(profil, state.unknown())
    if not matters:
        return None
    if "for_vem" in matters:
        # Whose age matters depends on who it is for: ask both at once rather than in two turns.
        for_other = [questions_that_matter(replace(profil, for_vem=f), ("alder", "barn_alder"))
                     for f in ("sig", "mitt-barn")]
        return "vem_alder" if any(for_other) and "alder" not in state.asked_before else "for_vem"
    return matters[0]


def _shown(state: State) -> list:
    catalogue = default_catalogue()
    known = {i.id for i in catalogue.alla_insatser()}
    return [catalogue.insats(i) for i in state.visade if i in known]


def _answer_questions(reply: Reply, facts: Facts, state: State, shown: list) -> None:
    kommun = state.kommun_obj()
    if "foraldrar_veta" in facts.questions:
        reply.say(replies.answer_parents_know(state.alder))
    if "anonym" in facts.questions:
        for text in replies.anonymitet_svar(shown):
            if "foraldrar_veta" in facts.questions and text == replies.ANONYM_GRANSER:
                continue
            reply.say(text)
    if "antal" in facts.questions:
        reply.say(replies.answer_count(shown))
    if "kostnad" in facts.questions:
        reply.say(replies.answer_cost(shown))
    if "vart" in facts.questions and kommun:
        reply.say(replies.answer_where(shown, kommun, state.kontakt_url))
    if "person" in facts.questions:
        reply.say(replies.answer_person(kommun, state.kontakt_url))
        record(state, "bad_om_person", "fraga_person")   # staff see how many want a person


def _recommend(reply: Reply, state: State, facts: Facts, start: int = 0) -> None:
    profil = state.profil()
    res = route(profil)
    texts, payload, ids = replies.rekommendation_svar(res, start, state.kontakt_url)
    understood = replies.what_we_understood(state.amnen, state.for_vem, _ages_text(state)) if start == 0 else None
    if understood:
        reply.say(understood)
        consent = replies.consent_note(state.alder, state.for_vem)
        if consent:
            reply.say(consent)
    for text in texts[:-1]:
        reply.say(text)
    if payload:
        # The widget shows a short summary and one card per insats instead of the text version
        # (issue 13): `ersatter` lists the texts the cards replace, for channels with cards only.
        replaced = [understood] if understood else []
        replaced += texts[:1 + len(ids)] + texts[-1:]
        payload.update(replies.card_view(texts[0], understood, len(ids), texts[-1], replaced))
        reply.custom(payload)
    state.visade = ids or state.visade
    state.sida = start
    _answer_questions(reply, facts, state, _shown(state))
    # The right to apply always comes last, with the follow-up choices.
    reply.say(texts[-1], [(b["title"], b["payload"]) for b in replies.UPPFOLJNING_KNAPPAR] if ids else None)
    if not state.recommended:
        outcome = "rekommenderat" if ids else ("kraver_ansokan" if res.kraver_ansokan else "inget_passade")
        record(state, outcome, "behov_" + state.amnen[0].replace("-", "_") if state.amnen else None)
    state.recommended = True


def respond(state: State, text: str, latest: dict) -> Reply:
    """The whole turn, as a pure function of the state and the message (tests call it directly)."""
    reply = Reply()
    metadata = latest.get("metadata") or {}
    # the embedding site's own contact page (data-kontakt-url), per message, never stored
    state.kontakt_url = metadata.get("kontakt_url") if is_https_url(metadata.get("kontakt_url")) else None
    intent = (latest.get("intent") or {}).get("name")
    asked = state.asked
    state.asked = None

    if not text.strip() or intent == "tomt_meddelande":
        reply.say(replies.EMPTY)
        return reply

    facts = interpreter.interpret(text, latest, asked=asked, known_for_vem=state.for_vem,
                                  known_kommun=state.kommun or metadata.get("kommun"))
    note = merge(state, facts, metadata.get("kommun"))

    if facts.acute:
        reply.say(replies.emergency())
        reply.custom({"akut": True})  # the widget may highlight it; bench/eval.py counts it
        if not state.recommended:
            record(state, "kris", "akut_fara")
    if metadata.get("forkortat"):
        reply.say(replies.SHORTENED)
    if _removed_personal_data(latest):
        reply.say(replies.PERSONAL_DATA)
    if note:
        reply.say(note)
    kommun = state.kommun_obj()

    if facts.application:
        catalogue = default_catalogue()
        items = [a for a in catalogue.alltid_behovsprovade if a.id in facts.application]
        for line in replies.application_needed(items, kommun, state.kontakt_url):
            reply.say(line)
        record(state, "kraver_ansokan", "ekonomiskt_bistand" if "ekonomiskt-bistand" in facts.application
               else "behovsprovad_insats")
        meanwhile = [a for item in items for a in item.amnen]
        if meanwhile and not state.recommended and not state.amnen:
            # Only when the message names no need of its own: "Kan han få komma till ett
            # behandlingshem?" about heroin stays a question about addiction.
            # What helps meanwhile without an application (budget advice beside ekonomiskt bistånd...).
            state.amnen = list(dict.fromkeys(meanwhile))[:3]
            reply.say("Medan du väntar på beslut, eller vid sidan av, finns stöd som du kan få utan att ansöka.")

    if facts.impossible_age and asked:
        reply.say(replies.NOT_AN_AGE)
        state.asked = asked
    elif state.amnen and kommun is None:
        reply.say(*_kommun_question())
    elif state.amnen and (facts.topics or facts.for_vem or facts.own_age or facts.other_ages or facts.skipped
                          or facts.format or facts.sprak or asked or facts.kommun
                          or not state.recommended):
        question = _question_to_ask(state)
        if question and not facts.acute:
            _answer_questions(reply, facts, state, [])
            text_, buttons = replies.QUESTIONS[question]
            reply.say(text_, buttons)
            reply.custom({"fraga": question})
            state.asked = question
            state.asked_before.append("for_vem" if question == "for_vem" else question)
            if question == "vem_alder":
                state.asked_before += ["for_vem", "alder", "barn_alder"]
        else:
            _recommend(reply, state, facts)
    elif state.recommended and (facts.questions or _wants_more(text, intent) or facts.follow_up):
        _follow_up(reply, state, facts, text, intent)
    elif facts.questions:
        _general_questions(reply, facts, state, text)
    elif facts.acute or facts.application:
        if facts.acute:
            reply.say(replies.ACUTE_FOLLOW_UP)
    elif intent == "annat_sprak" and not facts.english:
        reply.say(replies.OTHER_LANGUAGE)
    elif facts.greeting:
        reply.say(replies.WELCOME, replies.TOPIC_QUESTION[1][:6])
    elif facts.thanks:
        reply.say(replies.THANKS)
    elif facts.goodbye:
        reply.say(replies.GOODBYE)
    elif intent in _SMALLTALK and (latest.get("intent") or {}).get("confidence", 0) >= 0.5:
        reply.say(_SMALLTALK[intent])
    elif state.recommended and intent in ("affirm", "deny", "skip"):
        reply.say("Okej. Skriv gärna om du undrar något mer, eller berätta om något annat du behöver stöd med.")
    else:
        reply.say(replies.NOT_UNDERSTOOD, replies.TOPIC_QUESTION[1][:4])
        if asked:
            state.asked = asked  # the same question still stands; it is not asked twice
    if facts.english:
        reply.say(replies.ENGLISH_NOTE)
    return reply


def _kommun_question() -> tuple[str, list]:
    names = [(k.namn.replace(" kommun", ""), k.namn.replace(" kommun", "")) for k in default_catalogue().kommuner.values()]
    return "Vilken kommun gäller det? Insatserna skiljer sig mellan kommunerna.", sorted(names)


_MORE = ("beratta mer", "mer om", "den forsta", "den andra", "den tredje", "den sista")
_OTHER = ("nagot annat", "nat annat", "fler forslag", "finns det fler", "andra forslag")


def _wants_more(text: str, intent: Optional[str]) -> bool:
    t = fold(text)
    return intent in ("fraga_mer", "fraga_annat", "fraga_insats") or any(w in t for w in _MORE + _OTHER)


def _follow_up(reply: Reply, state: State, facts: Facts, text: str, intent: Optional[str]) -> None:
    t = fold(text)
    shown = _shown(state)
    kommun = state.kommun_obj()
    if any(w in t for w in _OTHER) or intent == "fraga_annat":
        _recommend(reply, state, facts, start=state.sida + replies.MAX_FORSLAG)
        return
    if any(w in t for w in _MORE) or intent == "fraga_mer":
        n = {"forsta": 1, "andra": 2, "tredje": 3, "sista": -1}
        position = next((v for k, v in n.items() if k in t), 1)
        if shown:
            index = len(shown) - 1 if position == -1 else min(position, len(shown)) - 1
            reply.say(replies.mer_om_text(shown[index], kommun))
            return
    named = _named_insats(text, state)
    if named:
        reply.say(replies.mer_om_text(named, default_catalogue().kommun(named.kommun)))
        if named.behovsprovad:
            reply.say("Den här insatsen behovsprövas: du behöver ansöka hos socialtjänsten.")
    _answer_questions(reply, facts, state, shown)
    if "ansoka" in facts.questions and kommun:
        reply.say(ratt_att_ansoka(kommun, state.kontakt_url))
    if not reply.items and facts.follow_up and shown and kommun:
        # "blir det som en dom sen?": a question about what was shown that only the service can answer
        reply.say(replies.ASK_THE_SERVICE)
        reply.say(replies.answer_where(shown, kommun, state.kontakt_url))
    if not reply.items:
        reply.say(replies.NOT_UNDERSTOOD)


def _general_questions(reply: Reply, facts: Facts, state: State, text: str) -> None:
    kommun = state.kommun_obj()
    named = _named_insats(text, state) if "vad_ar" in facts.questions else None
    if named:
        reply.say(replies.mer_om_text(named, default_catalogue().kommun(named.kommun)))
    _answer_questions(reply, facts, state, [])
    if "ansoka" in facts.questions:
        reply.say(ratt_att_ansoka(kommun, state.kontakt_url) if kommun else replies.GENERAL_RIGHT_TO_APPLY)
    if "vart" in facts.questions and not kommun:
        reply.say(replies.answer_person(None))
    if named is None and not reply.items:
        reply.say(replies.NOT_UNDERSTOOD)
    if not state.amnen:
        reply.say(*replies.TOPIC_QUESTION)


def _named_insats(text: str, state: State):
    """An insats the resident names ("vad är ABC?"), in their municipality first."""
    t = fold(text)
    if not t.strip():
        return None
    catalogue = default_catalogue()
    kommuner = [k for k in catalogue.kommuner.values() if k.id == state.kommun] or list(catalogue.kommuner.values())
    words = set(t.replace("?", " ").split())
    for kommun in kommuner:
        for insats in kommun.insatser:
            labels = [fold(insats.namn)] + [fold(m) for m in insats.metoder]
            if any(label and (label in t or (len(label) >= 3 and label in words)) for label in labels):
                return insats
    return None


class ActionRespond(Action):
    def name(self) -> Text:
        return "action_respond"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        latest = tracker.latest_message or {}
        state = State.from_tracker(tracker)
        reply = respond(state, latest.get("text") or "", latest)
        reply.send(dispatcher)
        return [SlotSet(k, v) for k, v in state.slots().items()]
