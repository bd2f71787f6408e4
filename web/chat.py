"""The chat proxy: the widget's only way to Rasa.

POST /api/chatt {"sender", "message", "kommun"} -> Rasa's JSON list of replies.

Before anything leaves this process the message is checked (type, length), the municipality is
checked against the catalogue, and personal data is removed with bot.redaction.redact — the same
function the Rasa channel uses. Rasa gets {"kommun", "kanal": "chatt"} as metadata, so the bot
never has to ask which municipality the page belongs to. Nothing of the request is logged.

GET /api/kommun/<kommun> gives the widget what it shows before the first message (the
municipality's name, the guide's address, how to contact the social services).
"""
from __future__ import annotations

import http.client
import json
import logging
import re
import socket
from urllib.parse import urlsplit

from flask import Blueprint, current_app, jsonify, request, url_for

from bot.redaction import redact
from catalogue.loader import CatalogueError
from catalogue.rights import kontaktvag

from .errors import Fel
from .helpers import catalogue
from .security import csrf_exempt

logger = logging.getLogger(__name__)
bp = Blueprint("chat", __name__, url_prefix="/api")

# The widget makes 32 hex characters; allow other clients (tests, bench) some room, nothing odd.
SENDER = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
REPLY_KEYS = ("recipient_id", "text", "buttons", "custom")


class RasaUnavailable(Exception):
    """Rasa could not be reached, or did not answer in time (`timeout` tells which)."""

    def __init__(self, timeout: bool = False):
        super().__init__("timeout" if timeout else "unreachable")
        self.timeout = timeout


def _kommun(kommun_id):
    if not isinstance(kommun_id, str) or not kommun_id:
        raise Fel(400, "Ange vilken kommun chatten gäller.")
    try:
        return catalogue().kommun(kommun_id)
    except CatalogueError:
        raise Fel(404, "Kommunen finns inte i Insatsguiden. Kontrollera data-kommun i chattens kod.") from None


def _ur_drift(kommun) -> dict:
    """What the widget shows when the chat cannot answer: the guide and the municipality's contact."""
    return {
        "guide": url_for("guide.steg", kommun=kommun.id, _external=True),
        "kontakt": kontaktvag(kommun),
    }


def post_to_rasa(payload: dict) -> list:
    """POSTs to Rasa's REST webhook with a short connect timeout and a longer read timeout."""
    cfg = current_app.config
    url = urlsplit(cfg["RASA_URL"])
    conn_cls = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    conn = conn_cls(url.hostname or "127.0.0.1", url.port, timeout=float(cfg["RASA_CONNECT_TIMEOUT"]))
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    try:
        conn.connect()
        conn.sock.settimeout(float(cfg["RASA_READ_TIMEOUT"]))
        conn.request("POST", url.path.rstrip("/") + "/webhooks/rest/webhook", body=body,
                     headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        data = resp.read()
        if resp.status != 200:
            raise RasaUnavailable()
        return json.loads(data)
    except socket.timeout as exc:
        # A timeout while connecting means Rasa is unreachable; while reading, that it is too slow.
        raise RasaUnavailable(timeout=conn.sock is not None) from exc
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise RasaUnavailable() from exc
    finally:
        conn.close()


def clean_replies(replies) -> list[dict]:
    """Only the parts of Rasa's replies the widget renders, with the expected types."""
    out = []
    for r in replies if isinstance(replies, list) else []:
        if not isinstance(r, dict):
            continue
        item = {k: r[k] for k in REPLY_KEYS if k in r}
        if not isinstance(item.get("text", ""), str):
            item.pop("text")
        if "buttons" in item:
            item["buttons"] = [
                {"title": b["title"], "payload": b.get("payload", b["title"])}
                for b in item["buttons"] if isinstance(b, dict) and isinstance(b.get("title"), str)
                and isinstance(b.get("payload", b.get("title")), str)
            ] if isinstance(item["buttons"], list) else []
        if "custom" in item and not isinstance(item["custom"], dict):
            item.pop("custom")
        out.append(item)
    return out


# GET is listed only so it is answered here (405) and not by the page route /<kommun>/chatt.
@bp.route("/chatt", methods=["GET", "POST", "OPTIONS"])
@csrf_exempt
def chatt():
    if request.method == "OPTIONS":  # CORS preflight; the headers come from security.py
        return "", 204
    if request.method != "POST":
        raise Fel(405, "Chatten tar bara emot meddelanden som skickas med POST.", headers={"Allow": "POST, OPTIONS"})
    allowed, retry_after = current_app.extensions["chatt_limiter"].hit(request.remote_addr)
    if not allowed:
        raise Fel(429, "Du har skickat många meddelanden på kort tid. Vänta en stund och försök igen.",
                  headers={"Retry-After": str(retry_after)})
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Fel(400, "Meddelandet gick inte att läsa. Skicka JSON med fälten sender, message och kommun.")
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not SENDER.match(sender):
        raise Fel(400, "Samtalets id saknas eller är ogiltigt. Ladda om sidan och försök igen.")
    if not isinstance(message, str):
        raise Fel(400, "Meddelandet saknas. Skriv något och försök igen.")
    limit = int(current_app.config["CHATT_MAX_TECKEN"])
    if len(message) > limit:
        raise Fel(413, f"Meddelandet är för långt. Skriv högst {limit} tecken.")
    kommun = _kommun(body.get("kommun"))

    text = redact(message).text
    try:
        replies = post_to_rasa({"sender": sender, "message": text,
                                "metadata": {"kommun": kommun.id, "kanal": "chatt"}})
    except RasaUnavailable as exc:
        # Only the kind of failure is logged, never the message or the sender.
        logger.warning("Rasa svarade inte (%s)", "timeout" if exc.timeout else "ej nåbar")
        if exc.timeout:
            raise Fel(504, "Chatten svarar långsamt just nu. Försök igen, eller använd guiden. "
                      + kontaktvag(kommun), **_ur_drift(kommun)) from None
        raise Fel(503, "Chatten fungerar inte just nu. Du kan använda guiden i stället. " + kontaktvag(kommun)
                  + " Om någon är i fara just nu: ring 112.",
                  **_ur_drift(kommun)) from None
    return jsonify(clean_replies(replies))


@bp.get("/kommun/<kommun>")
def kommun_info(kommun):
    k = _kommun(kommun)
    return jsonify({
        "id": k.id,
        "namn": k.namn,
        "guide": url_for("guide.steg", kommun=k.id, _external=True),
        "insatser": url_for("catalogue_pages.lista", kommun=k.id, _external=True),
        "kontakt": kontaktvag(k),
        "maxTecken": int(current_app.config["CHATT_MAX_TECKEN"]),
    })
