"""Error pages in Swedish: HTML for pages, JSON for /api/*. Never a traceback, never the
resident's own input (a message we show is always our fixed text or a vetted Swedish message
from the catalogue; Jinja autoescapes it anyway)."""
from __future__ import annotations

import logging
import traceback

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

logger = logging.getLogger(__name__)

RUBRIK = {
    400: "Något i förfrågan var fel",
    403: "Du har inte behörighet",
    404: "Sidan finns inte",
    405: "Det går inte att göra så här",
    413: "För mycket text",
    429: "För många förfrågningar",
    500: "Något gick fel hos oss",
    503: "Tjänsten är inte tillgänglig just nu",
    504: "Tjänsten svarar inte just nu",
}

STANDARDTEXT = {
    400: "Förfrågan gick inte att använda. Gå tillbaka och försök igen.",
    403: "Du har inte behörighet att se den här sidan.",
    404: "Vi hittar inte sidan du söker. Kontrollera adressen eller börja om från startsidan.",
    405: "Den här sidan går inte att använda på det sättet.",
    413: "Det du skickade var för långt. Skriv kortare och försök igen.",
    429: "Du har skickat många förfrågningar på kort tid. Vänta en stund och försök igen.",
    500: "Ett fel uppstod. Försök igen om en stund. Om någon är i fara just nu: ring 112.",
    503: "Tjänsten är inte tillgänglig just nu. Försök igen om en stund.",
    504: "Tjänsten svarar inte just nu. Försök igen om en stund.",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(code: int, message: str | None = None, **extra):
    """One error, rendered as JSON for the API and as a Swedish HTML page otherwise."""
    text = message or STANDARDTEXT.get(code, STANDARDTEXT[500])
    if wants_json():
        resp = jsonify({"fel": text, **extra})
        resp.status_code = code
        return resp
    return render_template("fel.html", kod=code, rubrik=RUBRIK.get(code, RUBRIK[500]), text=text, **extra), code


class ResidentError(Exception):
    """An error with a Swedish text of our own, shown to the resident as it is."""

    def __init__(self, code: int, text: str | None = None, headers: dict | None = None, **extra):
        super().__init__(code)
        self.code = code
        self.text = text
        self.headers = headers or {}
        self.extra = extra


def _own_error(exc: ResidentError):
    return _with_headers(error_response(exc.code, exc.text, **exc.extra), exc.headers)


def _http_error(exc: HTTPException):
    # werkzeug's own descriptions are English: show our Swedish text for the status instead.
    code = exc.code or 500
    headers = {}
    if code == 405 and getattr(exc, "valid_methods", None):
        headers["Allow"] = ", ".join(exc.valid_methods)
    return _with_headers(error_response(code), headers)


def _with_headers(resp, headers: dict):
    if not headers:
        return resp
    if isinstance(resp, tuple):
        body, code = resp
        return body, code, headers
    resp.headers.update(headers)
    return resp


def _server_error(exc: InternalServerError):
    try:
        return error_response(500)
    except Exception:  # the error page itself failed (e.g. a broken template): plain Swedish text
        return STANDARDTEXT[500], 500, {"Content-Type": "text/plain; charset=utf-8"}


def log_exception_safely(app: Flask, exc_info) -> None:
    """Replaces Flask's exception log: the frames and the exception's type, but not its message
    or the request (either could hold what a resident typed)."""
    exc_type, _exc, tb = exc_info
    frames = "".join(traceback.format_tb(tb)) if tb else ""
    app.logger.error("Fel i %s: %s\n%s", request.endpoint or "okänd sida", exc_type.__name__ if exc_type else "?", frames)


def init_app(app: Flask) -> None:
    app.register_error_handler(ResidentError, _own_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _server_error)
    app.log_exception = lambda exc_info: log_exception_safely(app, exc_info)  # type: ignore[method-assign]
