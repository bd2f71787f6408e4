"""Every page renders in Swedish with the shared layout; unknown municipalities give a Swedish 404."""
import re
from html.parser import HTMLParser

import pytest

from insatskatalog.loader import default_catalogue
from web_testkit import TRACEBACK_SIGNS, main_kommun, kommun_ids, text_of

K = main_kommun()


def page_urls(kommun: str) -> list[str]:
    first = default_catalogue().kommun(kommun).insatser[0]
    return [
        "/", "/tillganglighet", f"/{kommun}/", f"/{kommun}/chatt", f"/{kommun}/guide",
        f"/{kommun}/guide?for=mitt-barn&steg=2", f"/{kommun}/guide?for=mitt-barn&barn_alder=16&steg=3",
        f"/{kommun}/guide?for=mitt-barn&barn_alder=16&amne=beroende&steg=4",
        f"/{kommun}/guide/resultat?for=mitt-barn&barn_alder=16&amne=beroende",
        f"/{kommun}/insatser", f"/{kommun}/insatser?q=stöd", f"/{kommun}/insatser/{first.slug}",
        f"/{kommun}/foraldraprogram", f"/{kommun}/foraldraprogram?barn_alder=8&amne=foraldraskap",
    ]


class Structure(HTMLParser):
    """Collects what the accessibility and CSP rules below need from a page."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "script" and not a.get("src"):
            self.inline_scripts += 1


def parse(html: str) -> Structure:
    s = Structure()
    s.feed(html)
    return s


@pytest.mark.parametrize("kommun", kommun_ids())
def test_every_page_renders_with_the_shared_layout(client, kommun):
    for url in page_urls(kommun):
        resp = client.get(url)
        assert resp.status_code == 200, url
        html = text_of(resp)
        assert '<html lang="sv">' in html, url
        assert 'class="skip-link" href="#innehall"' in html and 'id="innehall"' in html, url
        assert "<main" in html and "<header" in html and "<footer" in html, url
        assert "ring 112" in html, url
        assert 'href="/tillganglighet"' in html, url
        s = parse(html)
        assert len([t for t, _ in s.tags if t == "h1"]) == 1, url
        # CSP without 'unsafe-inline' only works if the markup has nothing inline.
        assert s.inline_scripts == 0, url
        for tag, attrs in s.tags:
            assert "style" not in attrs, (url, tag)
            assert not any(name.startswith("on") for name in attrs), (url, tag)
            if tag == "input" and attrs.get("type") not in ("hidden", "submit"):
                assert attrs.get("id") and f'for="{attrs["id"]}"' in html, (url, attrs)
        assert not any(sign in html for sign in TRACEBACK_SIGNS), url


def test_index_lists_every_municipality(client):
    html = text_of(client.get("/"))
    for kommun in default_catalogue().kommuner.values():
        assert f'href="/{kommun.id}/"' in html and kommun.namn in html


def test_start_page_links_chat_guide_catalogue_and_parent_programmes(client):
    html = text_of(client.get(f"/{K}/"))
    for path in ("chatt", "guide", "insatser", "foraldraprogram"):
        assert f'href="/{K}/{path}"' in html
    assert default_catalogue().kommun(K).namn in html
    assert "11 kap. 1 §" in html  # the right to apply


def test_chat_page_embeds_the_widget_with_the_municipality(client):
    html = text_of(client.get(f"/{K}/chatt"))
    assert re.search(rf'<script src="/widget.js" data-kommun="{K}" data-mount="insatsguiden-chatt" defer>', html)
    assert "<noscript>" in html and f"/{K}/guide" in html


def test_widget_files_can_be_used_from_other_sites(client):
    js = client.get("/widget.js")
    assert js.status_code == 200 and js.mimetype == "text/javascript"
    assert js.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    source = text_of(js)
    assert "innerHTML" not in source and "insertAdjacentHTML" not in source and "eval(" not in source
    assert "getRandomValues" in source and "sessionStorage" in source
    assert 'role", "log"' in source and 'aria-live", "polite"' in source
    assert "Akut fara? Ring 112" in source and "personnummer" in source
    from web.helpers import STATISTIK_MENING
    assert STATISTIK_MENING in source  # the widget's start note says it too (issue 13.5)
    css = client.get("/widget.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert css.headers["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_accessibility_statement_tells_how_to_report_problems(client):
    html = text_of(client.get("/tillganglighet"))
    assert "2018:1937" in html and "kontakta kommunen" in html and "WCAG 2.1" in html
    assert "Kända brister" in html


def test_healthz(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.data == b"ok"


@pytest.mark.parametrize("path", ["/stockholm/", "/stockholm/chatt", "/stockholm/guide", "/stockholm/guide/resultat",
                                  "/stockholm/insatser", "/stockholm/insatser/nagot", "/stockholm/foraldraprogram",
                                  "/finns/inte/alls"])
def test_unknown_municipality_or_page_is_a_swedish_404(client, path):
    resp = client.get(path)
    assert resp.status_code == 404
    html = text_of(resp)
    assert "finns inte" in html and '<html lang="sv">' in html
    assert not any(sign in html for sign in TRACEBACK_SIGNS)


def test_markup_in_the_url_is_never_reflected(client):
    for path in ("/%3Cscript%3Ealert(1)%3C%2Fscript%3E/", "/%3Cb%3Ex%3C%2Fb%3E/guide",
                 f"/{K}/insatser/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"):
        html = text_of(client.get(path))
        assert "<script>alert" not in html and "<b>x</b>" not in html and "<img src=x" not in html


def test_unknown_method_is_a_swedish_405(client):
    resp = client.post("/healthz")
    assert resp.status_code in (400, 405)
    assert '<html lang="sv">' in text_of(resp)


def test_staff_blueprint_is_registered(app):
    assert any(r.rule.startswith("/personal/") for r in app.url_map.iter_rules())


def test_every_page_says_the_same_true_thing_about_statistics(client):
    """Issue 13.5: nothing a resident writes is stored; only anonymous categories are counted. The
    footer, the guide and the widget's note use the chat's own sentence about statistics."""
    from bot.actions.replies import ANONYM_CHATT
    from web.helpers import STATISTIK_MENING
    assert STATISTIK_MENING in ANONYM_CHATT
    for url in page_urls(K):
        html = text_of(client.get(url))
        assert STATISTIK_MENING in html and "Det du skriver sparas inte." in html, url
        assert "väljer" not in html.split('class="site-footer"')[1], url  # the old, untrue footer


def test_112_is_at_the_top_of_every_page(client):
    for url in page_urls(K):
        html = text_of(client.get(url))
        header = html.split('<header class="site-header">')[1].lstrip()
        # the first thing in the banner, before the site name and the menu (the browser tests
        # check that it is on the first screen at 320 px)
        assert header.startswith('<div class="akut-rad"><p class="wrap"><strong>Akut fara? Ring 112.</strong>'), url
