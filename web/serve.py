"""Serves the web app with waitress (a production WSGI server, not Flask's development server).

    python -m web.serve --host 127.0.0.1 --port 8000

Environment: RASA_URL (default http://127.0.0.1:5005), INSATSGUIDEN_SECRET_KEY,
INSATSGUIDEN_COOKIE_SECURE, INSATSGUIDEN_PROXIES, INSATSGUIDEN_CHAT_RATE_LIMIT (docs/web.md).

Waitress writes no access log unless a logging middleware (TransLogger) is added; none is, so
no IP address, path or query string is ever logged.
"""
from __future__ import annotations

import argparse
import logging

from waitress import serve

from . import create_app


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Startar Insatsguidens webb med waitress.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    # The chat proxy waits for Rasa (seconds, at worst 20 s), so allow more parallel requests
    # than waitress's default of four.
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app()
    # Behind a reverse proxy, web/security.py's ProxyFix reads X-Forwarded-For/-Proto for exactly
    # INSATSGUIDEN_PROXIES hops; otherwise waitress strips such headers so nobody can spoof them.
    behind_proxy = bool(app.config.get("PROXY_COUNT"))
    logging.getLogger(__name__).info("Webben lyssnar på http://%s:%s/", args.host, args.port)
    serve(app, host=args.host, port=args.port, threads=args.threads, ident="insatsguiden",
          clear_untrusted_proxy_headers=not behind_proxy)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
