"""The self-service guide: four GET steps, Swedish errors on the step page, and a result page that
agrees with the routing core, shows failed villkor separately and always ends with the right to apply."""
import itertools
import re
import sqlite3
from urllib.parse import parse_qsl, urlsplit

import pytest

from insatskatalog.loader import default_catalogue
from insatskatalog.routing import Profile, route
from web_testkit import TRACEBACK_SIGNS, insats_ids, kommun_ids, main_kommun, text_of

K = main_kommun()


def result_url(kommun, **answers) -> str:
    parts = []
    for key, value in answers.items():
        key = "for" if key == "for_" else key
        for v in value if isinstance(value, (list, tuple)) else [value]:
            parts.append(f"{key}={v}")
    return f"/{kommun}/guide/resultat?" + "&".join(parts)


def counts(db):
    conn = sqlite3.connect(db)
    try:
        return conn.execute("select kommun, kanal, amne, intent, utfall, antal from rakneverk").fetchall()
    finally:
        conn.close()


def form_action_and_fields(html: str):
    form = re.search(r'<form method="get" action="([^"]+)"[^>]*>(.*?)</form>', html, flags=re.S)
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2))
    return form.group(1), hidden


def test_the_four_steps_carry_answers_in_the_query_string_only(client):
    # Step 1: who.
    html = text_of(client.get(f"/{K}/guide"))
    assert "Steg 1 av 4" in html and "Vem gäller det?" in html and 'name="for"' in html
    action, hidden = form_action_and_fields(html)
    assert action == f"/{K}/guide" and hidden == [("steg", "2")]
    # Step 2: age of the child.
    html = text_of(client.get(f"/{K}/guide?for=mitt-barn&steg=2"))
    assert "Steg 2 av 4" in html and "Hur gammal är barnet?" in html and 'name="barn_alder"' in html
    assert form_action_and_fields(html)[1] == [("for", "mitt-barn"), ("steg", "3")]
    # Step 3: topics, repeatable.
    html = text_of(client.get(f"/{K}/guide?for=mitt-barn&barn_alder=16&steg=3"))
    assert "Steg 3 av 4" in html and 'name="amne" id="amne-beroende"' in html and 'type="checkbox"' in html
    assert form_action_and_fields(html)[1] == [("for", "mitt-barn"), ("barn_alder", "16"), ("steg", "4")]
    # Step 4: wishes; the form goes to the result page with nothing but the answers.
    html = text_of(client.get(f"/{K}/guide?for=mitt-barn&barn_alder=16&amne=beroende&amne=skola&steg=4"))
    assert "Steg 4 av 4" in html and 'name="anonym"' in html and 'name="format"' in html
    action, hidden = form_action_and_fields(html)
    assert action == f"/{K}/guide/resultat"
    # the answers, and the one-time token that lets this walk through the guide count once (issue 12, item 8)
    assert hidden[:-1] == [("for", "mitt-barn"), ("barn_alder", "16"), ("amne", "beroende"), ("amne", "skola")]
    assert hidden[-1][0] == "t" and len(hidden[-1][1]) >= 20
    assert "<script" not in html  # the guide works without JavaScript


def test_no_free_text_in_the_guide(client):
    for url in (f"/{K}/guide", f"/{K}/guide?for=sig&steg=3", f"/{K}/guide?for=sig&alder=30&amne=ekonomi&steg=4"):
        html = text_of(client.get(url))
        assert "<textarea" not in html and 'type="search"' not in html


def test_each_step_asks_the_right_age_questions(client):
    for for_vem, fields in (("sig", ["alder"]), ("mitt-barn", ["barn_alder"]),
                            ("anhorig", ["barn_alder", "alder"]), ("familj", ["alder", "barn_alder"])):
        html = text_of(client.get(f"/{K}/guide?for={for_vem}&steg=2"))
        assert re.findall(r'name="(alder|barn_alder)" id=', html) == fields


def test_back_link_keeps_the_answers(client):
    html = text_of(client.get(f"/{K}/guide?for=sig&alder=30&steg=3"))
    back = re.search(r'<a href="([^"]+)" class="tillbaka">', html).group(1).replace("&amp;", "&")
    assert dict(parse_qsl(urlsplit(back).query)) == {"for": "sig", "alder": "30", "steg": "2"}
    html = text_of(client.get(back))
    assert 'value="30"' in html  # prefilled


def test_a_child_under_15_is_asked_about_consent(client):
    html = text_of(client.get(f"/{K}/guide?for=sig&alder=13&amne=psykisk-ohalsa&steg=4"))
    assert 'name="samtycke"' in html
    html = text_of(client.get(f"/{K}/guide?for=sig&alder=30&amne=psykisk-ohalsa&steg=4"))
    assert 'name="samtycke"' not in html


@pytest.mark.parametrize("url,step,message", [
    ("/{k}/guide?for=sig&alder=200&steg=3", 2, "mellan 0 och 120"),
    ("/{k}/guide?for=sig&alder=-4&steg=3", 2, "med siffror"),
    ("/{k}/guide?for=mitt-barn&barn_alder=tolv&steg=3", 2, "med siffror"),
    ("/{k}/guide?for=mitt-barn&barn_alder=99999999999999999999&steg=3", 2, "med siffror"),
    ("/{k}/guide/resultat?for=mitt-barn&barn_alder=121&amne=beroende", 2, "mellan 0 och 120"),
    ("/{k}/guide?for=katt&steg=2", 1, "Välj vem"),
    ("/{k}/guide/resultat?for=katt&amne=beroende", 1, "Välj vem"),
    ("/{k}/guide?steg=3", 1, "Välj vem"),
    ("/{k}/guide?for=sig&alder=30&steg=4", 3, "minst ett ämne"),
    ("/{k}/guide/resultat?for=sig&alder=30", 3, "minst ett ämne"),
    ("/{k}/guide/resultat?for=sig&alder=30&amne=%3Cscript%3E", 3, "finns inte"),
    ("/{k}/guide/resultat?for=sig&amne=ekonomi&format=tandem", 4, "grupp"),
])
def test_bad_answers_give_a_swedish_message_on_the_step_page(client, url, step, message):
    resp = client.get(url.format(k=K))
    html = text_of(resp)
    assert resp.status_code == 400
    assert f"Steg {step} av 4" in html and message in html and 'role="alert"' in html
    assert "<script>" not in html and not any(sign in html for sign in TRACEBACK_SIGNS)


def test_steg_out_of_range_is_harmless(client):
    assert client.get(f"/{K}/guide?steg=abc").status_code == 200
    assert "Steg 1 av 4" in text_of(client.get(f"/{K}/guide?steg=-3"))


def _profiles():
    topics = ["beroende", "foraldraskap", "psykisk-ohalsa", "ekonomi", "vald"]
    for kommun, (for_vem, alder, barn_alder), amne in itertools.product(
            kommun_ids(), [("sig", 12, None), ("sig", 34, None), ("sig", None, None), ("mitt-barn", None, 16),
                           ("mitt-barn", None, 3), ("anhorig", 40, 17), ("familj", 35, 8)], topics):
        yield kommun, for_vem, alder, barn_alder, amne


def test_guide_result_and_routing_core_agree_for_many_profiles(client):
    catalogue = default_catalogue()
    checked = 0
    for kommun, for_vem, alder, barn_alder, amne in _profiles():
        answers = {"for_": for_vem, "amne": amne}
        if alder is not None:
            answers["alder"] = alder
        if barn_alder is not None:
            answers["barn_alder"] = barn_alder
        html = text_of(client.get(result_url(kommun, **answers)))
        expected = route(Profile(kommun, for_vem, alder=alder, barn_alder=barn_alder, amnen=(amne,)), catalogue)
        assert insats_ids(html) == [r.insats.id for r in expected.rekommenderade], (kommun, for_vem, amne)
        assert insats_ids(html, "data-ej-id") == [e.insats.id for e in expected.villkor_ej_uppfyllda]
        checked += 1
    assert checked >= 35


def test_wishes_reach_the_routing_core(client):
    html = text_of(client.get(result_url(K, for_="sig", alder=30, amne=["beroende", "psykisk-ohalsa"],
                                         anonym=1, format="grupp")))
    expected = route(Profile(K, "sig", alder=30, amnen=("beroende", "psykisk-ohalsa"), anonym=True, format="grupp"))
    assert insats_ids(html) == [r.insats.id for r in expected.rekommenderade]


def _find(predicate):
    catalogue = default_catalogue()
    for kommun, for_vem, alder, barn_alder, amne in _profiles():
        profil = Profile(kommun, for_vem, alder=alder, barn_alder=barn_alder, amnen=(amne,))
        res = route(profil, catalogue)
        if predicate(res):
            return profil, res
    pytest.fail("no profile in the current data gives that result: the data lost a case this test covers")


def _url(profil: Profile) -> str:
    answers = {"for_": profil.for_vem, "amne": list(profil.amnen)}
    if profil.alder is not None:
        answers["alder"] = profil.alder
    if profil.barn_alder is not None:
        answers["barn_alder"] = profil.barn_alder
    return result_url(profil.kommun, **answers)


def test_result_shows_why_villkor_with_status_anonymity_contact_and_link(client):
    profil, res = _find(lambda r: r.rekommenderade)
    html = text_of(client.get(_url(profil)))
    first = res.rekommenderade[0]
    card = re.search(rf'<article class="insats-kort" data-insats-id="{re.escape(first.insats.id)}".*?</article>', html, re.S).group(0)
    assert first.varfor.split(" ")[0] in card
    assert f'href="/{profil.kommun}/insatser/{first.insats.slug}"' in card
    assert "Kan jag vara anonym?" in card and "Kontakt" in card
    for s in first.villkor:
        # status as text and symbol, never colour only
        assert {"uppfyllt": "✓", "ej_uppfyllt": "✗", "okant": "?"}[s.status] in card
        assert {"uppfyllt": "Uppfyllt", "ej_uppfyllt": "Inte uppfyllt", "okant": "Kontrolleras av verksamheten"}[s.status] in card


def test_insatser_whose_villkor_fail_are_shown_separately_with_the_reason(client):
    profil, res = _find(lambda r: r.villkor_ej_uppfyllda)
    html = text_of(client.get(_url(profil)))
    section = html.split("Finns, men villkoren passar inte")[1]
    for e in res.villkor_ej_uppfyllda:
        assert e.insats.namn in section and e.skal in section.replace("&#39;", "'")


def test_insatser_that_need_an_application_are_listed(client):
    profil, res = _find(lambda r: r.kraver_ansokan)
    html = text_of(client.get(_url(profil)))
    section = html.split("Finns, men kräver ansökan")[1]
    assert all(i.namn.replace("&", "&amp;") in section for i in res.kraver_ansokan)


def test_every_result_page_ends_with_the_right_to_apply_and_the_emergency_note(client):
    catalogue = default_catalogue()
    for kommun, for_vem, alder, barn_alder, amne in list(_profiles())[::5]:
        answers = {"for_": for_vem, "amne": amne}
        if alder is not None:
            answers["alder"] = alder
        html = text_of(client.get(result_url(kommun, **answers)))
        rights = route(Profile(kommun, for_vem, alder=alder, amnen=(amne,)), catalogue).ratt_att_ansoka
        assert "11 kap. 1 §" in html and "11 kap. 6 §" in html
        main = html.split("<main")[1].split("</main>")[0]
        assert main.index("Du har alltid rätt att ansöka") > main.rfind("data-insats-id")
        assert rights.split(".")[0] in main
        assert "112" in main and "Om det är akut" in main


def test_nothing_fits_still_gives_the_right_to_apply(client):
    profil, res = _find(lambda r: r.inget_passar)
    html = text_of(client.get(_url(profil)))
    assert "Vi hittade inget som passar" in html and "Du har alltid rätt att ansöka" in html


def with_token(client, url: str) -> str:
    """The result URL as step 4's form sends it: with a fresh one-time token."""
    query = urlsplit(url).query
    html = text_of(client.get(f"{urlsplit(url).path.rsplit('/', 1)[0]}?{query}&steg=4"))
    return f"{url}&t=" + dict(form_action_and_fields(html)[1])["t"]


def test_result_page_counts_one_outcome_per_guide_walk(client, stat_db):
    client.get(with_token(client, result_url(K, for_="mitt-barn", barn_alder=16, amne=["beroende", "skola"])))
    expected = "inget_passade" if route(Profile(K, "mitt-barn", barn_alder=16, amnen=("beroende", "skola"))).inget_passar \
        else "rekommenderat"
    assert counts(stat_db) == [(K, "guide", "beroende", "guide", expected, 1)]
    client.get(with_token(client, result_url(K, for_="mitt-barn", barn_alder=16, amne=["beroende", "skola"])))
    assert counts(stat_db)[0][-1] == 2
    client.head(with_token(client, result_url(K, for_="mitt-barn", barn_alder=16, amne=["beroende", "skola"])))  # a link preview
    client.get(result_url(K, for_="mitt-barn", barn_alder=16, amne=["beroende", "skola"]))  # no token: a reload or a bookmark
    assert counts(stat_db)[0][-1] == 2
    # Step pages and invalid results count nothing.
    client.get(f"/{K}/guide?for=sig&alder=30&amne=ekonomi&steg=4")
    client.get(result_url(K, for_="sig", alder=500, amne="ekonomi"))
    assert sum(row[-1] for row in counts(stat_db)) == 2


def test_nothing_fits_is_counted_as_such(client, stat_db):
    profil, res = _find(lambda r: r.inget_passar)
    client.get(with_token(client, _url(profil)))
    assert counts(stat_db) == [(profil.kommun, "guide", profil.amnen[0], "guide", "inget_passade", 1)]


def test_result_is_bookmarkable(client):
    url = result_url(K, for_="mitt-barn", barn_alder=16, amne="beroende")
    first, second = text_of(client.get(url)), text_of(client.get(url))
    assert insats_ids(first) == insats_ids(second)
    html = text_of(client.get(url))
    change = re.search(r'<a href="([^"]+)">Ändra dina svar</a>', html).group(1).replace("&amp;", "&")
    assert dict(parse_qsl(urlsplit(change).query)) == {"for": "mitt-barn", "barn_alder": "16", "amne": "beroende",
                                                       "steg": "1"}


@pytest.mark.parametrize("fails_with_topics,message,step", [
    (False, "Ämnet finns inte.", 2),   # the age check fails, with a topic's words
    (True, "Ålder 7 går inte att använda.", 3),   # the topic check fails, with an age's words
])
def test_the_step_shown_is_the_step_whose_answers_failed_not_a_word_in_the_message(
        app, monkeypatch, fails_with_topics, message, step):
    from werkzeug.datastructures import MultiDict

    from insatskatalog import routing
    from web import guide

    def validate(profil, catalogue):
        if bool(profil.amnen) == fails_with_topics:
            raise routing.ProfileError(message)

    monkeypatch.setattr(routing.Profile, "validate", validate)
    with app.test_request_context():
        svar = guide.parse(MultiDict([("for", "sig"), ("alder", "7"), ("amne", "ekonomi")]),
                           default_catalogue().kommun(K))
    assert (svar.fel_steg, svar.fel) == (step, message)
