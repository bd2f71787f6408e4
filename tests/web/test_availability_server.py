"""The WSGI server against slowloris, the forwarding-header warning, the catalogue loaded
before the first request (issue 12, items 3 and 4), and the server's own answer to a
Transfer-Encoding it cannot read (a Swedish 400 that still closes the connection)."""
from __future__ import annotations

import http.client
import logging
import socket
import threading
import time

import pytest

from web_testkit import main_kommun

K = main_kommun()


@pytest.fixture
def serve_app(make_app):
    from web.serve import make_server
    servers = []

    def start(**config):
        server = make_server(make_app(**config), host="127.0.0.1", port=0)
        threading.Thread(target=server.run, daemon=True).start()
        servers.append(server)
        return server.effective_port
    yield start
    for s in servers:
        s.close()


def get(port, path="/healthz", headers=None, timeout=5.0):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def half_open(port, n):
    """n connections that send the start of a request and never finish its headers."""
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        socks.append(s)
    return socks


def test_200_half_open_connections_do_not_stop_the_site(serve_app):
    port = serve_app()
    socks = half_open(port, 200)
    try:
        time.sleep(0.5)
        for path in ("/healthz", f"/{K}/guide"):
            start = time.monotonic()
            status, _ = get(port, path, timeout=3)
            assert status == 200 and time.monotonic() - start < 1.0, path
    finally:
        for s in socks:
            s.close()


def test_idle_half_open_connections_are_closed_after_the_channel_timeout(monkeypatch, serve_app):
    monkeypatch.setenv("INSATSGUIDEN_CHANNEL_TIMEOUT", "1")
    from web.serve import server_options
    assert server_options()["channel_timeout"] == 1
    port = serve_app()
    (s,) = half_open(port, 1)
    s.settimeout(15)
    start = time.monotonic()
    try:
        assert s.recv(100) == b""  # closed by the server, nothing answered
    finally:
        s.close()
    assert time.monotonic() - start < 12


def test_default_server_options_resist_slowloris():
    from web.serve import server_options
    opts = server_options()
    assert opts["connection_limit"] >= 1000 and opts["channel_timeout"] <= 30
    assert opts["threads"] > 50


def test_forwarding_headers_without_trusted_proxies_warn_once(serve_app, caplog):
    port = serve_app()
    with caplog.at_level(logging.WARNING, logger="web.serve"):
        for _ in range(3):
            assert get(port, headers={"X-Forwarded-For": "203.0.113.77"})[0] == 200
    warnings = [r for r in caplog.records if r.name == "web.serve" and "INSATSGUIDEN_PROXIES" in r.getMessage()]
    assert len(warnings) == 1
    assert "203.0.113.77" not in caplog.text


def test_forwarded_address_is_still_not_trusted_without_proxies(make_app):
    """The warning wrapper sits in front of waitress's header stripping, not instead of it."""
    from web.serve import make_server
    app = make_app()
    seen = {}

    @app.get("/_test_addr")
    def addr():
        from flask import request
        seen["xff"] = request.headers.get("X-Forwarded-For")
        seen["addr"] = request.remote_addr
        return "ok"

    server = make_server(app, host="127.0.0.1", port=0)
    threading.Thread(target=server.run, daemon=True).start()
    try:
        assert get(server.effective_port, "/_test_addr", headers={"X-Forwarded-For": "203.0.113.77"})[0] == 200
    finally:
        server.close()
    assert seen == {"xff": None, "addr": "127.0.0.1"}


def test_no_warning_when_proxies_are_configured(serve_app, caplog):
    port = serve_app(PROXY_COUNT=1)
    with caplog.at_level(logging.WARNING, logger="web.serve"):
        assert get(port, headers={"X-Forwarded-For": "203.0.113.77"})[0] == 200
    assert "INSATSGUIDEN_PROXIES" not in caplog.text


def test_the_catalogue_is_loaded_by_the_app_factory(make_app):
    from insatskatalog.loader import default_catalogue
    default_catalogue.cache_clear()
    app = make_app()
    assert default_catalogue.cache_info().currsize == 1
    misses = default_catalogue.cache_info().misses
    codes = []

    def first_request():
        codes.append(app.test_client().get(f"/{K}/guide?steg=2&for=sig").status_code)
    threads = [threading.Thread(target=first_request) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [200] * 10
    assert default_catalogue.cache_info().misses == misses  # nobody loaded it again


# -- a Transfer-Encoding waitress cannot read (issue 12, figures: no 5xx for hostile input) --

def raw_exchange(port, data: bytes, timeout=5.0) -> tuple[bytes, bool]:
    """Sends the bytes and reads until the server closes; (everything read, closed by the server)."""
    buf = b""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        try:
            while True:
                part = s.recv(65536)
                if not part:
                    return buf, True
                buf += part
        except socket.timeout:
            return buf, False


@pytest.fixture
def served_with_probe(make_app):
    """A real waitress server on loopback whose app counts the requests that reach it."""
    from flask import request
    from web.security import csrf_exempt
    from web.serve import make_server
    app = make_app()
    hits = []

    @app.route("/_test_hit", methods=["GET", "POST"])
    @csrf_exempt
    def hit():
        hits.append(request.get_data())
        return f"{len(hits[-1])}"

    server = make_server(app, host="127.0.0.1", port=0)
    threading.Thread(target=server.run, daemon=True).start()
    yield server.effective_port, hits
    server.close()


@pytest.mark.parametrize("coding", ["gzip, chunked, x", "gzip", "gzip, chunked", "x", "chunked, gzip", "identity"])
def test_unknown_transfer_encoding_is_a_swedish_400_and_the_connection_closes(served_with_probe, coding):
    port, hits = served_with_probe
    answer, closed = raw_exchange(port, b"POST /_test_hit HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                        b"Transfer-Encoding: " + coding.encode() + b"\r\n\r\n0\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0] == b"HTTP/1.1 400 Bad Request", answer[:200]
    assert b"connection: close" in head.lower()
    text = body.decode("utf-8")
    assert "Transfer-Encoding" in text and "Något i förfrågan var fel" in text
    assert "Not Implemented" not in text
    assert closed, "the server must close the connection after the error"
    assert hits == []


def test_a_request_smuggled_behind_an_unknown_transfer_encoding_is_never_served(served_with_probe):
    """The bytes after the rejected headers (a body, or a second request a front proxy would not
    see) are not read as a request: one answer, the 400, then the connection closes."""
    port, hits = served_with_probe
    smuggled = b"GET /_test_hit HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    for first in (b"POST /_test_hit HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n"
                  b"Transfer-Encoding: gzip, chunked, x\r\n\r\n0\r\n\r\n",
                  b"POST /_test_hit HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked, x\r\n\r\n"):
        answer, closed = raw_exchange(port, first + smuggled)
        assert answer.count(b"HTTP/1.1 ") == 1 and answer.startswith(b"HTTP/1.1 400 "), answer[:200]
        assert closed
    assert hits == []


def test_chunked_requests_still_work(served_with_probe):
    port, hits = served_with_probe
    answer, _ = raw_exchange(port, b"POST /_test_hit HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                                   b"Transfer-Encoding: chunked\r\n\r\n3\r\nhej\r\n0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200 ") and answer.endswith(b"\r\n\r\n3")
    assert hits == [b"hej"]
