"""Lättläst on the pages (issue 13.6): ?lattlast=1 shows the easy-to-read fixed texts and each
insats's lättläst summary, and every link and GET form keeps the switch on."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from insatskatalog import vocabulary as v
from insatskatalog.loader import default_catalogue
from insatskatalog.rights import ratt_att_ansoka
from web.guide import ALDERSFRAGOR, FORMAT_VAL
from web.lattlast import STATISTIK_LATTLAST, TEXTER
from web_testkit import text_of

LL = "mellerud"  # every insats of it has a lättläst summary (tests/catalogue/test_lattlast_field.py)
WEB = Path(__file__).resolve().parents[2] / "web"
INSATSER = default_catalogue().kommun(LL).insatser
# vocabulary labels are shown as they are ("Föräldraprogram", "I grupp" on an insats page)
LABELS = set(v.KATEGORIER.values()) | set(v.FORMAT.values())


def pages(kommun: str = LL) -> list[str]:
    """Every resident's page type: the list of municipalities, the municipality's start and chat
    pages, every guide step (and its error), the result, the insats list and pages, the parent
    programmes (with results and with an error) and the accessibility statement."""
    return [
        "/", "/tillganglighet", f"/{kommun}/foraldraprogram",
        f"/{kommun}/foraldraprogram?barn_alder=5&amne=foraldraskap&format=grupp",
        f"/{kommun}/foraldraprogram?barn_alder=5&amne=foraldraskap&sprak=Arabiska",
        f"/{kommun}/foraldraprogram?barn_alder=tre&amne=foraldraskap", f"/{kommun}/insatser?alder=tre",
        f"/{kommun}/", f"/{kommun}/chatt", f"/{kommun}/guide", f"/{kommun}/guide?for=familj&steg=2",
        f"/{kommun}/guide?for=sig&alder=30&steg=3", f"/{kommun}/guide?for=sig&alder=13&amne=beroende&steg=4",
        f"/{kommun}/guide?for=sig&alder=500&steg=3",
        f"/{kommun}/guide/resultat?for=sig&alder=16&amne=beroende",
        f"/{kommun}/guide/resultat?for=sig&alder=70&amne=skola",
        f"/{kommun}/insatser", f"/{kommun}/insatser?q=stöd&amne=beroende",
        *(f"/{kommun}/insatser/{i.slug}" for i in default_catalogue().kommun(kommun).insatser),
    ]


def on(url: str) -> str:
    return url + ("&" if "?" in url else "?") + "lattlast=1"


def shown(client, url) -> str:
    resp = client.get(url)
    assert resp.status_code in (200, 400), (url, resp.status_code)
    return text_of(resp)


def plain(text: str) -> str:
    return html.escape(text, quote=False)


class _Texts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.found += [v for k, v in attrs if k in ("aria-label", "title") and v]

    def handle_data(self, data):
        if data.strip():
            self.found.append(" ".join(data.split()))


def texts(page: str) -> list[str]:
    """The page's text nodes (and labels), whitespace folded."""
    parser = _Texts()
    parser.feed(page)
    return parser.found


def says(nodes: list[str], text: str) -> bool:
    """A fixed text is a whole text node, or a whole sentence at the start or end of one."""
    whole = text.endswith((".", "?", "!", ":"))
    return any(n == text or (whole and (n.startswith(text + " ") or n.endswith(" " + text))) for n in nodes)


@pytest.mark.parametrize("url", pages())
def test_the_switch_shows_the_easy_texts_instead_of_the_normal_ones(client, url):
    normal, easy = texts(shown(client, url)), texts(shown(client, on(url)))
    checked = 0
    for text, latt in TEXTER.items():
        if "{" in text or text in LABELS or not says(normal, text):
            continue
        assert says(easy, latt), (url, text)
        if text not in TEXTER.values():
            assert not says(easy, text), (url, text)
        checked += 1
    assert checked >= 5, url
    # the banner and footer in lättläst on every page
    assert "Är någon i fara? Ring 112." in easy and any(STATISTIK_LATTLAST in n for n in easy)


@pytest.mark.parametrize("url", pages())
def test_the_switch_is_on_every_guide_and_insats_page_and_links_keep_it(client, url):
    normal, easy = shown(client, url), shown(client, on(url))
    link = re.search(r'<a\s+href="([^"]+)" id="lattlast-lank">([^<]+)</a>', normal)
    assert link and link.group(2) == "Lättläst" and "lattlast=1" in html.unescape(link.group(1))
    back = re.search(r'<a href="([^"]+)" id="lattlast-lank">([^<]+)</a>', easy)
    assert back and back.group(2) == "Vanlig text" and "lattlast" not in back.group(1)
    assert "Lättläst är på." in easy
    for href in re.findall(r'href="(/[^"]*)"', easy):
        href = html.unescape(href)
        if href == html.unescape(back.group(1)) or href.startswith(("/static/", "/personal/", "/widget.")):
            continue
        assert "lattlast=1" in href and href.count("?") == 1, (url, href)
    for form in re.findall(r'<form method="get".*?</form>', easy, re.S):
        assert '<input type="hidden" name="lattlast" value="1">' in form, url
    # and off stays off
    assert all("lattlast" not in h for h in re.findall(r'href="(/[^"]*)"', normal) if h != link.group(1))


@pytest.mark.parametrize("insats", INSATSER, ids=lambda i: i.slug)
def test_an_insats_page_shows_its_lattlast_summary(client, insats):
    url = f"/{LL}/insatser/{insats.slug}"
    normal, easy = shown(client, url), shown(client, on(url))
    assert plain(insats.innehall_lattlast) in easy and plain(insats.innehall) not in easy
    assert plain(insats.innehall) in normal and plain(insats.innehall_lattlast) not in normal
    # the right to apply in lättläst, its legal references as in the normal text
    kommun = default_catalogue().kommun(LL)
    assert plain(ratt_att_ansoka(kommun, lattlast=True)) in easy
    assert "11 kap. 1 § socialtjänstlagen" in easy and "11 kap. 6 §" in easy


def test_the_list_and_the_guide_result_show_the_lattlast_summaries(client):
    easy = shown(client, on(f"/{LL}/insatser"))
    for insats in INSATSER:
        if not insats.behovsprovad:
            assert plain(insats.innehall_lattlast[:60]) in easy, insats.id
    result = shown(client, on(f"/{LL}/guide/resultat?for=sig&alder=16&amne=beroende"))
    cards = re.findall(r'data-insats-id="([^"]+)"', result)
    assert cards
    for iid in cards:
        assert plain(default_catalogue().insats(iid).innehall_lattlast) in result
    # the emergency box in lättläst, with the same numbers
    assert "Om någon är i fara" in result and "Ring om någon är i fara just nu." in result
    assert "020-50 50 50" in result and "116 111" in result


def test_without_a_lattlast_summary_the_normal_one_is_shown():
    from web import create_app

    other = next(i for i in default_catalogue().alla_insatser() if not i.innehall_lattlast)
    client = create_app({"TESTING": True, "SESSION_COOKIE_SECURE": False}).test_client()
    easy = text_of(client.get(on(f"/{other.kommun}/insatser/{other.slug}")))
    assert plain(other.innehall) in easy and "Lättläst är på." in easy


@pytest.mark.parametrize("url,normal_message,easy_message", [
    (f"/{LL}/guide?for=sig&alder=500&steg=3", "Ålder 500 går inte att använda.", "Ålder 500 år går inte."),
    (f"/{LL}/guide?for=sig&alder=tre&steg=3", "Skriv åldern med siffror, till exempel 16.", "Skriv åldern med siffror."),
    (f"/{LL}/guide?for=nagon&steg=2", "Välj vem hjälpen gäller.", "Välj vem som behöver stöd."),
    (f"/{LL}/guide/resultat?for=sig&alder=30", "Välj minst ett ämne.", "Välj ett ämne. Du kan välja flera."),
    (f"/{LL}/guide/resultat?for=sig&alder=30&amne=beroende&format=x", "Välj grupp, enskilt", "Välj grupp, bara jag"),
    (f"/{LL}/insatser?alder=tre", "Skriv åldern med siffror, mellan", "Åldern ska vara från 0 till"),
    (f"/{LL}/foraldraprogram?barn_alder=5&amne=x", "Välj vad det gäller i listan.", "Välj i listan vad det handlar om."),
])
def test_error_messages_are_in_lattlast(client, url, normal_message, easy_message):
    normal, easy = client.get(url), client.get(on(url))
    assert normal.status_code == easy.status_code == 400
    box = lambda resp: text_of(resp).split('id="fel">')[1].split("</div>")[0]  # noqa: E731
    assert normal_message in box(normal) and easy_message not in box(normal)
    assert easy_message in box(easy) and normal_message not in box(easy)


def test_the_result_gives_each_reason_villkor_and_misfit_in_lattlast(client):
    from insatskatalog.routing import Profile, route

    url = f"/{LL}/guide/resultat?for=sig&alder=70&amne=beroende"
    res = route(Profile(kommun=LL, for_vem="sig", alder=70, amnen=("beroende",)), default_catalogue())
    assert res.rekommenderade and res.villkor_ej_uppfyllda
    normal, easy = shown(client, url), shown(client, on(url))
    for rek in res.rekommenderade:
        assert plain(rek.varfor_lattlast) in easy and plain(rek.varfor) not in easy
        assert plain(rek.varfor) in normal and plain(rek.varfor_lattlast) not in normal
        for s in rek.villkor:
            assert plain(s.visa(lattlast=True)) in easy
    for e in res.villkor_ej_uppfyllda:
        assert plain(e.skal_lattlast) in easy and plain(e.skal) not in easy


def test_the_parent_programmes_show_the_easy_reasons(client):
    url = f"/{LL}/foraldraprogram?barn_alder=5&amne=foraldraskap&format=grupp"
    easy = shown(client, on(url))
    assert "Stödet handlar om föräldraskap." in easy and "Den passar eftersom" not in easy
    assert "Den passar eftersom" in shown(client, url)


def test_the_guide_keeps_the_switch_through_its_steps(client):
    step2 = shown(client, f"/{LL}/guide?for=sig&steg=2&lattlast=1")
    assert '<input type="hidden" name="lattlast" value="1">' in step2
    back = html.unescape(re.search(r'<a href="([^"]+)" class="tillbaka">', step2).group(1))
    assert back.startswith(f"/{LL}/guide?lattlast=1&") and back.count("?") == 1
    result = shown(client, f"/{LL}/guide/resultat?for=sig&alder=16&amne=beroende&lattlast=1")
    change = html.unescape(re.search(r'<a href="([^"]+)">Ändra dina svar</a>', result).group(1))
    assert change.startswith(f"/{LL}/guide?lattlast=1&") and "steg=1" in change


def test_every_easy_text_is_used_by_a_page():
    sources = "".join(p.read_text(encoding="utf-8") for p in (WEB / "templates").rglob("*.html"))
    sources += repr([q for qs in ALDERSFRAGOR.values() for q in qs]) + repr(FORMAT_VAL)
    from insatskatalog.models import ANONYMITET_KORT
    from web.helpers import OM_STATISTIK, STATISTIK_MENING, STATUS

    sources += repr([OM_STATISTIK, STATISTIK_MENING, STATUS, ANONYMITET_KORT])
    unused = [t for t in TEXTER if t not in sources]
    assert unused == [], "remove these from web/lattlast.py TEXTER"


def test_the_widget_gets_the_lattlast_right_to_apply_and_contact_line(client):
    data = client.get(f"/api/kommun/{LL}").get_json()
    kommun = default_catalogue().kommun(LL)
    assert data["lattlast"]["rattAttAnsoka"]["mer"] == ratt_att_ansoka(kommun, lattlast=True)
    assert "11 kap. 1 §" in data["lattlast"]["rattAttAnsoka"]["kort"]
    assert data["lattlast"]["kontaktKort"] == "Kontaktuppgifter till socialtjänsten saknas här. Ring kommunens växel."
    assert data["kontaktKort"] == "Socialtjänstens kontaktuppgifter saknas här ännu. Fråga kommunens växel."


def test_the_chat_page_starts_the_widget_in_lattlast_only_when_asked(client):
    assert 'data-lattlast="1"' in shown(client, f"/{LL}/chatt?lattlast=1")
    assert "data-lattlast" not in shown(client, f"/{LL}/chatt")
