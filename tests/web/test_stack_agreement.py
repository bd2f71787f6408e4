"""The bot (through the web proxy, as the widget talks) and the guide recommend the same insatser
for the same needs profile — both call insatskatalog.routing.route(). Needs the trained assistant."""
import pytest

from conftest import Chat
from web_testkit import STACK_CASES, insats_ids, text_of

def drive(chat: Chat, first: str, answers: dict, limit: int = 6) -> list[dict]:
    """Sends the first message, then answers whatever the bot asks until it recommends."""
    replies = chat.send(first)
    answers = dict(answers)
    for _ in range(limit):
        if Chat.recommended(replies):
            return replies
        text = Chat.texts(replies)
        question = next((q for q in answers if q in text), None)
        if question is None:
            return replies
        replies = chat.send(answers.pop(question))
    return replies


@pytest.mark.parametrize("kommun,first,answers,query", STACK_CASES, ids=[c[0] for c in STACK_CASES])
def test_bot_and_guide_recommend_the_same_insatser(stack, make_app, kommun, first, answers, query):
    chat = Chat(stack.web_url, kommun, via_web=True)
    replies = drive(chat, first, answers)
    bot_ids = [i["id"] for i in Chat.recommended(replies)]
    assert bot_ids, "the bot recommended nothing:\n" + Chat.texts(chat.replies)
    # The guide in this process (its own statistics file), so the stack's counters stay the bot's.
    guide = make_app().test_client().get(f"/{kommun}/guide/resultat?{query}")
    assert guide.status_code == 200
    assert bot_ids == insats_ids(text_of(guide))[:3]  # the bot shows the guide's top three
    assert "11 kap. 6 §" in Chat.texts(replies)
