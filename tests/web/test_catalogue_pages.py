"""Catalogue pages: the list with filters and FTS5 search, one page per insats with every field
and its source, and the parent-programme finder (whose fit decisions come from route())."""
import html as htmllib
import re

import pytest

from insatskatalog import store
from insatskatalog.loader import default_catalogue
from insatskatalog.rights import kontaktvag
from insatskatalog.routing import Profile, route
from web.helpers import kontakt_rader
from web_testkit import TRACEBACK_SIGNS, insats_ids, kommun_ids, main_kommun, text_of

K = main_kommun()


def catalogue():
    return default_catalogue()


@pytest.mark.parametrize("kommun", kommun_ids())
def test_list_shows_every_insats_of_the_municipality(client, kommun):
    html = text_of(client.get(f"/{kommun}/insatser"))
    k = catalogue().kommun(kommun)
    assert sorted(insats_ids(html)) == sorted(i.id for i in k.insatser)
    utan = html.split('id="utan-rubrik"')[1].split('id="med-rubrik"')[0]
    assert sorted(insats_ids(utan)) == sorted(i.id for i in k.insatser if not i.behovsprovad)


def test_filters_topic_for_whom_and_age(client):
    k = catalogue().kommun(K)
    amne = k.insatser[0].amnen[0]
    html = text_of(client.get(f"/{K}/insatser?amne={amne}"))
    assert sorted(insats_ids(html)) == sorted(i.id for i in k.insatser if amne in i.amnen)
    html = text_of(client.get(f"/{K}/insatser?for=foralder"))
    assert sorted(insats_ids(html)) == sorted(i.id for i in k.insatser if "foralder" in i.for_vem)
    html = text_of(client.get(f"/{K}/insatser?alder=70"))
    shown = set(insats_ids(html))
    for i in k.insatser:
        spann = [s for s in (i.villkor.alder, i.villkor.barn_alder) if s.angivet]
        assert (i.id in shown) == (not spann or any(s.rymmer(70) for s in spann)), i.id


def test_free_text_uses_the_fts5_index(client, app):
    db = store.open_db(app.config["CATALOGUE_DB"])
    try:
        for word in ("skulder", "föräldrar", "alkohol"):
            expected = [i for i in store.search(db, word, kommun=K, limit=1000) if i.startswith(f"{K}/")]
            html = text_of(client.get(f"/{K}/insatser?q={word}"))
            known = {i.id for i in catalogue().kommun(K).insatser}
            assert insats_ids(html) == [i for i in expected if i in known], word  # FTS5 rank order
    finally:
        db.conn.close()


def test_search_without_index_falls_back_to_plain_matching(make_app, tmp_path):
    app = make_app(CATALOGUE_DB=tmp_path / "finns-inte.db")
    first = catalogue().kommun(K).insatser[0]
    word = first.namn.split()[0]
    html = text_of(app.test_client().get(f"/{K}/insatser?q={word}"))
    assert first.id in insats_ids(html)


def test_odd_search_text_is_harmless(client):
    for q in ('"', "*", "NEAR(", "a" * 5000, "<script>alert(1)</script>", "' or 1=1 --"):
        resp = client.get(f"/{K}/insatser", query_string={"q": q})
        assert resp.status_code == 200
        assert "<script>alert" not in text_of(resp)


@pytest.mark.parametrize("query,message", [
    ("alder=gammal", "med siffror"), ("alder=500", "mellan 0 och 120"),
    ("amne=katt", "Ämnet finns inte"), ("for=katt", "Välj vem"),
])
def test_bad_filters_give_a_swedish_400(client, query, message):
    resp = client.get(f"/{K}/insatser?{query}")
    assert resp.status_code == 400 and message in text_of(resp)


# Characters str.isdigit() accepts but int() cannot read, and other digits that are not ASCII
# (superscript, circled, Arabic-Indic, Devanagari, full-width, mathematical bold, Ethiopic).
ODD_DIGITS = ["²", "①", "1²", "٣", "५", "１６", "𝟏𝟔", "፩", "⑯", "¹⁶", "16\u200b", "\u0661\u0666"]


@pytest.mark.parametrize("raw", ODD_DIGITS)
def test_odd_unicode_digits_as_an_age_are_a_swedish_400(client, raw):
    for path, field in ((f"/{K}/insatser", "alder"), (f"/{K}/foraldraprogram", "barn_alder")):
        resp = client.get(path, query_string={field: raw})
        assert resp.status_code == 400, (path, raw, resp.status_code)
        assert "med siffror" in text_of(resp)
        assert not any(sign in text_of(resp) for sign in TRACEBACK_SIGNS)


def test_every_insats_page_shows_every_field_and_its_source(client):
    for k in catalogue().kommuner.values():
        for i in k.insatser:
            resp = client.get(f"/{k.id}/insatser/{i.slug}")
            assert resp.status_code == 200, i.id
            page = htmllib.unescape(text_of(resp))
            assert i.namn in page and i.malgrupp in page
            assert (i.innehall or "beskriver inte") in page
            assert i.kalla.resident_text() in page and i.kalla.fil not in page
            assert (i.anonymitet or "Fråga verksamheten") in page
            if i.omfattning:
                assert i.omfattning in page
            for m in i.metoder:
                assert m in page
            for s in i.sprak:
                assert s in page
            if i.utforare:
                assert i.utforare in page
            if i.villkor.alder.angivet:
                assert i.villkor.alder.text() in page
            if i.villkor.barn_alder.angivet:
                assert i.villkor.barn_alder.text() in page
            for o in i.villkor.ovrigt:
                assert o in page
            for kontakt in (i.kontakt.telefon, i.kontakt.epost, i.kontakt.webb, i.kontakt.adress):
                assert kontakt in page
            if not kontakt_rader(i):  # never an invented contact: the municipality's own, or a plain "not yet added"
                assert kontaktvag(default_catalogue().kommun(i.kommun)) in page
            if i.att_tanka_pa:
                assert i.att_tanka_pa in page
            if i.anmarkning:  # the editor note is never shown to residents
                assert i.anmarkning not in page
            assert ("kräver ansökan" in page) == i.behovsprovad
            assert "11 kap. 1 §" in page


def test_unknown_insats_is_a_swedish_404(client):
    resp = client.get(f"/{K}/insatser/finns-inte-alls")
    assert resp.status_code == 404 and "Insatsen finns inte" in text_of(resp)


def test_parent_programme_finder_uses_the_routing_core(client):
    for kommun in kommun_ids():
        for barn_alder, amne, fmt in ((3, "foraldraskap", ""), (14, "beroende", "grupp"), (9, "skola", "individuellt")):
            html = text_of(client.get(f"/{kommun}/foraldraprogram?barn_alder={barn_alder}&amne={amne}&format={fmt}"))
            res = route(Profile(kommun, "mitt-barn", barn_alder=barn_alder,
                               amnen=tuple(dict.fromkeys((amne, "foraldraskap"))), format=fmt or None))
            program = [r.insats.id for r in res.rekommenderade if r.insats.kategori == "foraldraprogram"]
            andra = [r.insats.id for r in res.rekommenderade
                     if r.insats.kategori != "foraldraprogram" and "foralder" in r.insats.for_vem]
            assert insats_ids(html) == program + andra, (kommun, barn_alder, amne)
            assert "Du har alltid rätt att ansöka" in html


def test_parent_programme_finder_form_and_bad_input(client):
    html = text_of(client.get(f"/{K}/foraldraprogram"))
    for field in ('name="barn_alder"', 'name="amne"', 'name="format"', 'name="sprak"'):
        assert field in html
    assert "data-insats-id" not in html  # no results before the form is sent
    for query, message in (("barn_alder=abc", "med siffror"), ("barn_alder=5&sprak=klingon", "språk"),
                           ("barn_alder=5&amne=katt", "Välj vad"), ("barn_alder=5&format=tandem", "grupp")):
        resp = client.get(f"/{K}/foraldraprogram?{query}")
        assert resp.status_code == 400 and message in text_of(resp), query
        assert not any(sign in text_of(resp) for sign in TRACEBACK_SIGNS)


def test_language_choice_lists_only_languages_in_the_catalogue(client):
    html = text_of(client.get(f"/{K}/foraldraprogram"))
    options = re.findall(r'<option value="([^"]*)"', html.split('id="sprak"')[1].split("</select>")[0])
    known = {s for i in catalogue().alla_insatser() if i.kategori == "foraldraprogram" for s in i.sprak}
    assert options[0] == "" and set(options[1:]) == known


def _visible(html: str) -> str:
    """The text a resident reads: no tags, attributes or URLs (form fields are named barn_alder)."""
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    return htmllib.unescape(re.sub(r"(?s)<[^>]+>", " ", html))


def test_no_resident_page_shows_a_file_name_field_name_or_editor_note(client):
    """Issue 11: the source is the decision, never a seed file; editor notes stay with editors."""
    from insatskatalog.schema import RESIDENT_FORBIDDEN
    for k in catalogue().kommuner.values():
        notes = [i.anmarkning for i in k.insatser if i.anmarkning] + [i.alder_bekraftad for i in k.insatser if i.alder_bekraftad]
        urls = [f"/{k.id}/", f"/{k.id}/insatser", f"/{k.id}/foraldraprogram?barn_alder=8&amne=foraldraskap",
                f"/{k.id}/guide/resultat?for=sig&alder=16&amne=beroende",
                f"/{k.id}/guide/resultat?for=mitt-barn&barn_alder=3&amne=foraldraskap",
                f"/{k.id}/guide/resultat?for=anhorig&barn_alder=20&alder=50&amne=vald"]
        urls += [f"/{k.id}/insatser/{i.slug}" for i in k.insatser]
        for url in urls:
            resp = client.get(url)
            assert resp.status_code == 200, url
            text = _visible(text_of(resp))
            hits = [m.group(0) for m in RESIDENT_FORBIDDEN.finditer(text)]
            assert not hits, (url, hits)
            assert not any(re.sub(r"\s+", " ", n) in re.sub(r"\s+", " ", text) for n in notes), url


def test_widget_info_contact_says_plainly_when_not_yet_added(client):
    data = client.get("/api/kommun/uppsala").get_json()
    assert "har ännu inte lagt in sina kontaktuppgifter" in data["kontakt"] and "112" in data["kontakt"]
