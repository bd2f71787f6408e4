"""Serves the web app with waitress (a production WSGI server, not Flask's development server).

    python -m web.serve --host 127.0.0.1 --port 8000

Environment: RASA_URL (default http://127.0.0.1:5005) or RASA_URLS (several, issue 15),
REDIS_URL (shared limits; checked at start: one line naming it and exit code 2 when Redis does not
answer), DATABASE_URL (statistics in PostgreSQL), INSATSGUIDEN_SECRET_KEY,
INSATSGUIDEN_COOKIE_SECURE, INSATSGUIDEN_PROXIES, INSATSGUIDEN_CHAT_RATE_LIMIT,
INSATSGUIDEN_CHAT_CONCURRENCY, INSATSGUIDEN_WEB_THREADS, INSATSGUIDEN_CONNECTION_LIMIT,
INSATSGUIDEN_CHANNEL_TIMEOUT (docs/web.md).

Waitress writes no access log unless a logging middleware (TransLogger) is added; none is, so
no IP address, path or query string is ever logged.

Availability (issue 12):
- Threads: the chat proxy holds a thread while it waits for Rasa, so the chat's bound on calls
  to Rasa (RASA_MAX_CONCURRENT) is kept at least PAGE_THREADS below the thread count: however
  many residents chat, and however hung Rasa is, the guide and the pages have threads.
- Slowloris: waitress reads requests in its event loop (a half-open connection holds no thread),
  but it stops accepting at `connection_limit` (default 100). The limit is raised and idle
  connections are closed after `channel_timeout` seconds; the process's file-descriptor limit is
  raised to fit. In production a reverse proxy in front does the same (docs/web.md, nginx).
- A Transfer-Encoding waitress cannot read (anything but a final `chunked`, e.g.
  `gzip, chunked, x`) is answered 400 with a short Swedish text instead of waitress's English
  `501 Not Implemented`: waitress rejects it before the app is called and we only replace the
  error it answers with (UnreadableTransferEncoding), so the request is still refused, its
  remaining bytes are never read as a request, and the connection is closed (request smuggling).
  RFC 9112 §6.3 asks for exactly this (400, then close) when chunked is not the final coding.
"""
from __future__ import annotations

import argparse
import logging
import os
import resource
import sys

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.proxy_headers import proxy_headers_middleware
from waitress.server import BaseWSGIServer, create_server
from waitress.utilities import BadRequest, ServerNotImplemented

from . import create_app
from .chat import set_rasa_bound
from .errors import RUBRIK

logger = logging.getLogger(__name__)

DEFAULT_THREADS = 80
PAGE_THREADS = 4         # threads the chat can never take
CONNECTION_LIMIT = 1000
CHANNEL_TIMEOUT = 20     # seconds without a byte before waitress closes a connection
FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
                      "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def _int_env(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def server_options(threads: int | None = None) -> dict:
    """waitress settings: threads, connection limit and channel timeout (see the module text)."""
    return {
        "threads": threads or _int_env("INSATSGUIDEN_WEB_THREADS", DEFAULT_THREADS),
        "connection_limit": _int_env("INSATSGUIDEN_CONNECTION_LIMIT", CONNECTION_LIMIT),
        "channel_timeout": _int_env("INSATSGUIDEN_CHANNEL_TIMEOUT", CHANNEL_TIMEOUT),
        # Also closes a connection whose request headers never finish (the slowloris pattern),
        # since waitress checks channel_timeout against the last byte received.
        "cleanup_interval": 5,
        "asyncore_use_poll": True,   # select() cannot watch descriptors above 1023
        "ident": "insatsguiden",
    }


def _raise_fd_limit(connections: int) -> None:
    """Each connection is a file descriptor: make room for the connection limit if we can."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = connections + 128
    if soft != resource.RLIM_INFINITY and soft < want:
        new = want if hard == resource.RLIM_INFINITY else min(want, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
        except (ValueError, OSError):
            new = soft
        if new < want:
            logger.warning("Gränsen för öppna filer (%s) är lägre än anslutningsgränsen (%s)", new, connections)


class ForwardingHeaderCheck:
    """Warns once when requests carry forwarding headers but INSATSGUIDEN_PROXIES=0: then the
    server is behind a proxy it does not trust, every resident has the proxy's address, and all
    of them share one rate-limit bucket. Never logs the header values."""

    def __init__(self, app):
        self.app = app
        self.warned = False

    def __call__(self, environ, start_response):
        if not self.warned and any(h in environ for h in FORWARDING_HEADERS):
            self.warned = True
            logger.warning(
                "Förfrågningar kommer med X-Forwarded-For/Forwarded men INSATSGUIDEN_PROXIES=0: "
                "alla invånare får proxyns adress och delar en gräns för antal meddelanden. "
                "Sätt INSATSGUIDEN_PROXIES till antalet omvända proxyer framför webben (docs/web.md).")
        return self.app(environ, start_response)


class UnreadableTransferEncoding(BadRequest):
    """400 in Swedish for a Transfer-Encoding waitress cannot read. waitress's ErrorTask writes
    it with `Connection: close` and closes the connection after it, as for any parse error."""

    TEXT = "Servern kan inte läsa förfrågans Transfer-Encoding. Skicka den utan eller som chunked."

    def to_response(self, ident=None):
        body = f"{RUBRIK[400]}\r\n\r\n{self.TEXT}\r\n\r\n(generated by {ident or 'server'})".encode()
        return f"{self.code} {self.reason}", [("Content-Type", "text/plain; charset=utf-8")], body


class RequestParser(HTTPRequestParser):
    """waitress's parser; only the error for an unreadable Transfer-Encoding is replaced."""

    def received(self, data):
        consumed = super().received(data)
        if isinstance(self.error, ServerNotImplemented):
            self.error = UnreadableTransferEncoding(self.error.body)
        return consumed


class Channel(HTTPChannel):
    parser_class = RequestParser


def _use_our_channel(server) -> None:
    """create_server returns one server, or a MultiSocketServer whose servers are in its map."""
    servers = [server] if isinstance(server, BaseWSGIServer) else list(server.map.values())
    for each in servers:
        if isinstance(each, BaseWSGIServer):
            each.channel_class = Channel


def make_server(app, host: str = "127.0.0.1", port: int = 8000, threads: int | None = None):
    """A waitress server for `app`, configured as in production (tests use it too)."""
    opts = server_options(threads)
    bound = min(int(app.config["RASA_MAX_CONCURRENT"]), opts["threads"] - PAGE_THREADS)
    if bound < 1:
        raise ValueError(f"För få trådar ({opts['threads']}): minst {PAGE_THREADS + 1} behövs.")
    set_rasa_bound(app, bound)
    _raise_fd_limit(opts["connection_limit"])
    # Behind a reverse proxy, web/security.py's ProxyFix reads X-Forwarded-For/-Proto for exactly
    # INSATSGUIDEN_PROXIES hops. Otherwise waitress's middleware strips such headers so nobody can
    # spoof them; we look for them just before that, to warn the operator.
    if app.config.get("PROXY_COUNT"):
        wsgi = app
    else:
        wsgi = ForwardingHeaderCheck(proxy_headers_middleware(app, clear_untrusted=True))
    server = create_server(wsgi, host=host, port=port, clear_untrusted_proxy_headers=False, **opts)
    _use_our_channel(server)
    return server


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Startar Insatsguidens webb med waitress.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--threads", type=int, default=None,
                        help=f"antal trådar (standard {DEFAULT_THREADS} eller INSATSGUIDEN_WEB_THREADS)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if os.environ.get("REDIS_URL", "").strip():   # the scaled layout: one line, not a traceback
        from bot.redis_config import RedisConfigError, check
        try:
            check()
        except RedisConfigError as exc:
            print(str(exc), file=sys.stderr)
            return 2
    app = create_app()   # loads the catalogue before the server below accepts anything
    server = make_server(app, host=args.host, port=args.port, threads=args.threads)
    logger.info("Webben lyssnar på http://%s:%s/", args.host, args.port)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
