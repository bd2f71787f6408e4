"""Conversations with the real trained assistant through the REST channel the widget uses."""
import pytest

from conftest import Chat
from insatskatalog.loader import default_catalogue


def ids(replies):
    return [i["id"] for i in Chat.recommended(replies)]


def question(replies):
    """The question the bot asked, as it marks it in its reply ({"fraga": ...}), or None."""
    return next((r["custom"]["fraga"] for r in replies if isinstance(r.get("custom"), dict) and r["custom"].get("fraga")), None)


def answer_questions(chat: Chat, replies, answers: dict, limit: int = 3):
    """Answers the bot's questions (by their marker) until it recommends or stops asking."""
    for _ in range(limit):
        asked = question(replies)
        if Chat.recommended(replies) or asked is None:
            return replies
        replies = chat.send(answers.get(asked, "vill inte säga"))
    return replies


def test_parent_worried_about_sons_cannabis_in_alingsas(chat):
    c = chat("alingsas")
    replies = c.send("min son röker på, han är 16")
    replies = answer_questions(c, replies, {"for_vem": "Mitt barn", "barn_alder": "16", "vem_alder": "min son, 16"})
    names = [i["namn"] for i in Chat.recommended(replies)]
    assert any("Mini Maria" in n for n in names), Chat.texts(c.replies)
    assert len(names) <= 3
    assert "11 kap. 6 §" in Chat.texts(replies)


def test_municipality_is_asked_only_when_metadata_is_missing(chat):
    c = chat(None)
    replies = c.send("jag har stora skulder och kronofogden skickar brev")
    assert "Vilken kommun" in Chat.texts(replies)
    replies = c.send("Uppsala")
    assert "Vilken kommun" not in Chat.texts(replies)
    c2 = chat("sala")
    assert "Vilken kommun" not in Chat.texts(c2.send("jag har stora skulder och kronofogden skickar brev"))


def test_recommendations_come_from_the_right_municipality_and_carry_the_right_to_apply(chat):
    c = chat("uppsala")
    replies = c.send("jag dricker för mycket och vill ha hjälp")
    replies = answer_questions(c, replies, {"for_vem": "Mig själv", "alder": "34", "vem_alder": "jag själv, 34"})
    found = ids(replies)
    assert found and all(i.startswith("uppsala/") for i in found)
    assert "11 kap. 1 §" in Chat.texts(replies) and "11 kap. 6 §" in Chat.texts(replies)


def test_crisis_in_the_middle_of_the_form_gets_112_first(chat):
    c = chat("mellerud")
    first = c.send("min pappa dricker varje dag")
    assert Chat.recommended(first) or question(first)
    replies = c.send("jag orkar inte leva längre, jag tänker ta livet av mig")
    assert replies[0]["text"].startswith("Om någon är i fara just nu: ring 112.")


def test_mowing_the_lawn_is_not_an_emergency(chat):
    c = chat("sala")
    replies = c.send("kan kommunen hjälpa min mormor att slå gräset")
    assert "112" not in Chat.texts(replies).split("Om någon är i fara")[0] or "ring 112" not in replies[0].get("text", "")
    assert not replies[0].get("text", "").startswith("Om någon är i fara just nu")


def test_follow_ups_group_more_and_age(chat):
    c = chat("alingsas")
    replies = c.send("vi har mycket bråk hemma med vår tonåring, jag behöver stöd som förälder")
    replies = answer_questions(c, replies, {"for_vem": "Mitt barn", "barn_alder": "14", "vem_alder": "min dotter, 14"})
    assert Chat.recommended(replies)
    more = c.send("berätta mer om den andra")
    assert "Källa:" in Chat.texts(more)
    anon = c.send("kan jag vara anonym där?")
    assert "anmälningsskyldighet" in Chat.texts(anon)
    group = c.send("finns det något i grupp?")
    assert Chat.recommended(group) or "Jag hittade ingen" in Chat.texts(group)


def test_economic_assistance_explains_how_to_apply(chat):
    c = chat("lekeberg")
    replies = c.send("jag har inga pengar till mat, kan jag få försörjningsstöd?")
    text = Chat.texts(replies)
    assert "ansök" in text and "12 kap. 1 §" in text


@pytest.mark.parametrize("message", [
    "", "   ", "😢😢😢", "<script>alert('x')</script>", "x" * 10000,
    "I need help with my son, he uses drugs", "أحتاج مساعدة مع ابني",
])
def test_bad_input_gets_a_short_swedish_answer_and_the_conversation_goes_on(chat, message):
    c = chat("uppsala")
    replies = c.send(message)
    text = Chat.texts(replies)
    assert replies and text
    assert "<script>" not in text and "x" * 50 not in text
    assert any(ch in text for ch in "åäö")
    assert Chat.texts(c.send("hej"))


@pytest.mark.parametrize("message,kind", [
    ("mitt personnummer är 19850312-1234 och min son röker på", "personnummer"),
    ("maila mig på kalle.anka@example.com", "e-post"),
])
def test_personal_data_is_redacted_and_never_echoed(chat, message, kind):
    c = chat("alingsas")
    replies = c.send(message)
    text = Chat.texts(replies)
    assert "behöver inte" in text
    assert "19850312" not in text and "1234" not in text and "kalle" not in text and "example" not in text


def test_a_need_written_beside_a_personnummer_is_still_heard(chat):
    c = chat("alingsas")
    text = Chat.texts(c.send("min son röker på, mitt personnummer är 19850312-1234"))
    assert "behöver inte" in text and "19850312" not in text
    # The need goes on ("min son" already says who), not "say it again".
    replies = c.replies
    assert (Chat.recommended(replies) or question(replies)) and "förstod inte" not in text


def test_rasa_http_api_is_closed(stack):
    import urllib.error
    import urllib.request
    for path in ("/status", "/model/parse", "/conversations/x/tracker"):
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(stack.rasa_url + path, timeout=5)
        assert info.value.code in (403, 404, 405)


def test_servers_listen_on_loopback_only(stack):
    listening = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            parts = row.split()
            local, state = parts[1], parts[3]
            if state == "0A":  # LISTEN
                address, port = local.rsplit(":", 1)
                listening.add((address, int(port, 16)))
    for port in (stack.ports.rasa, stack.ports.actions):
        addresses = {a for a, p in listening if p == port}
        assert addresses and all(a in ("0100007F", "00000000000000000000000001000000") for a in addresses), (port, addresses)


def test_facts_in_running_text_give_an_answer_without_questions(chat):
    c = chat("uppsala")
    replies = c.send("grabben på 17 röker på, kan man vara anonym?")
    assert Chat.recommended(replies) and question(replies) is None
    assert "anonym" in Chat.texts(replies) and "11 kap. 6 §" in Chat.texts(replies)


def test_a_fourteen_year_old_is_not_offered_what_her_age_excludes(chat):
    c = chat("mellerud")
    replies = c.send("jag är 14 och mår jättedåligt, kan inte sova och gråter hela tiden")
    replies = answer_questions(c, replies, {})
    catalogue = default_catalogue()
    for item in Chat.recommended(replies):
        limit = catalogue.insats(item["id"]).villkor.alder
        assert not limit.angivet or limit.rymmer(14), item["namn"]


def test_a_correction_replaces_the_age(chat):
    c = chat("sala")
    c.send("min dotter är 16 och jag tror hon röker på")
    replies = c.send("nej förresten, hon är 13")
    assert "13 år" in Chat.texts(replies) and "16 år)" not in Chat.texts(replies)


def test_a_new_need_does_not_inherit_the_old_person(chat):
    c = chat("uppsala")
    c.send("min son är 16 och röker på")
    replies = c.send("en annan grej, jag har stora skulder hos kronofogden")
    assert "ditt barn" not in Chat.texts(replies)


def test_acute_danger_without_keywords_gets_emergency_information_first(chat):
    c = chat("lekeberg")
    replies = c.send("har samlat ihop alla tabletter, det räcker nu. brevet till mamma ligger på bordet")
    assert replies[0]["text"].startswith("Om någon är i fara just nu: ring 112.")


def test_a_message_over_the_length_limit_is_shortened_and_the_resident_is_told(chat):
    c = chat("uppsala")
    text = Chat.texts(c.send("min son röker på. " + "jag är så orolig. " * 200))
    assert "bara läst början" in text
