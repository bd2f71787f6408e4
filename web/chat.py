"""The chat proxy: the widget's only way to Rasa.

POST /api/chatt {"sender", "message", "kommun"} -> Rasa's JSON list of replies.

Before anything leaves this process the message is checked (type, length), the municipality is
checked against the catalogue, and personal data is removed with bot.redaction.redact — the same
function the Rasa channel uses. Rasa gets {"kommun", "kanal": "chatt"} as metadata, so the bot
never has to ask which municipality the page belongs to. Nothing of the request is logged.

GET /api/kommun/<kommun> gives the widget what it shows before the first message (the
municipality's name, the guide's address, how to contact the social services, in full and as the
short line the widget keeps in view), and the lättläst versions of the texts it takes from here
(issue 13.6: the contact line and the right to apply), so its "Lättläst" switch works locally.

Availability (issue 12): at most RASA_MAX_CONCURRENT calls to Rasa are in flight from this
process; when they are all taken the resident gets an immediate 503 ("Många skriver just nu")
instead of a web thread waiting, so the guide and the pages never wait on Rasa. web/serve.py keeps
the bound below waitress's thread count. Rasa unreachable, or a reply with nothing to show (a
dead action server makes Rasa answer []), is the notice that the chat is restarting, with the
guide's address and 112 — `make run` restarts the crashed process (bot/processes.py).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
import threading
import time

from flask import Blueprint, current_app, jsonify, request, url_for

from bot.redaction import redact
from insatskatalog.loader import CatalogueError
from insatskatalog.rights import is_https_url, kontaktvag, ratt_att_ansoka, ratt_att_ansoka_kort

from . import rasa_pool
from .errors import ResidentError
from .helpers import catalogue
from .rasa_pool import RasaUnavailable
from .security import csrf_exempt

logger = logging.getLogger(__name__)
bp = Blueprint("chat", __name__, url_prefix="/api")

# The widget makes 32 hex characters; allow other clients (tests, bench) some room, nothing odd.
SENDER = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
REPLY_KEYS = ("recipient_id", "text", "buttons", "custom")
# Deeper JSON than this is refused before it is parsed (a chat request is one flat object).
MAX_JSON_DEPTH = 20
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')

BAD_JSON = "Meddelandet gick inte att läsa. Skicka JSON med fälten sender, message och kommun."
RESTARTING = "Chatten startar om – använd guiden under tiden."
BUSY = "Många skriver just nu. Försök igen om en liten stund, eller använd guiden under tiden."
EMERGENCY = "Om någon är i fara just nu: ring 112."
BUSY_RETRY_AFTER = 5  # seconds
STARTED_OVER = ("Chatten har startat om, så jag minns inte det du skrev tidigare. "
                "Skriv gärna igen vad du vill ha stöd med.")


class ConversationMemory:
    """Which conversations Rasa has probably forgotten, so the resident can be told.

    Rasa forgets a conversation when it restarts or after INSATSGUIDEN_TRACKER_TTL seconds idle
    (bot/tracker_store.py). Per conversation this keeps only the time of its last reply, under an
    HMAC of the id with a per-process random salt, in memory. A conversation had replies, then
    Rasa was seen down (unreachable: the process is gone or restarting; a dead action server
    loses nothing) or the conversation was idle past the expiry: its next reply starts with STARTED_OVER. A conversation this process never saw (the
    web process restarted) gets no notice: we cannot know."""

    def __init__(self, ttl: float):
        self.ttl = float(ttl)
        self._salt = secrets.token_bytes(32)
        self._last: dict[bytes, float] = {}
        self._down_at: float | None = None
        self._lock = threading.Lock()
        self._next_prune = 0.0

    def _key(self, sender: str) -> bytes:
        return hmac.new(self._salt, sender.encode("utf-8"), hashlib.sha256).digest()

    def rasa_down(self, now: float | None = None) -> None:
        self._down_at = time.monotonic() if now is None else now

    def replied(self, sender: str, now: float | None = None) -> bool:
        """Records a reply; True when Rasa has probably forgotten the earlier conversation."""
        now = time.monotonic() if now is None else now
        key = self._key(sender)
        with self._lock:
            last = self._last.get(key)
            self._last[key] = now
            if now >= self._next_prune:
                self._next_prune = now + 60
                for k in [k for k, t in self._last.items() if now - t > 2 * self.ttl]:
                    del self._last[k]
        if last is None:
            return False
        return (self._down_at is not None and self._down_at > last) or now - last >= self.ttl


@bp.record_once
def _init_bound(state) -> None:
    """A semaphore per app: the number of calls to Rasa that may be in flight at once."""
    app = state.app
    app.extensions["rasa_slots"] = threading.BoundedSemaphore(max(1, int(app.config["RASA_MAX_CONCURRENT"])))
    app.extensions["conversations"] = ConversationMemory(float(app.config["TRACKER_TTL"]))


def set_rasa_bound(app, limit: int) -> None:
    """Sets the bound (web/serve.py fits it to the server's threads before serving)."""
    app.config["RASA_MAX_CONCURRENT"] = max(1, int(limit))
    app.extensions["rasa_slots"] = threading.BoundedSemaphore(app.config["RASA_MAX_CONCURRENT"])


def _kommun(kommun_id):
    if not isinstance(kommun_id, str) or not kommun_id:
        raise ResidentError(400, "Ange vilken kommun chatten gäller.")
    try:
        return catalogue().kommun(kommun_id)
    except CatalogueError:
        raise ResidentError(404, "Kommunen finns inte i Insatsguiden. Kontrollera data-kommun i chattens kod.") from None


def _ur_drift(kommun) -> dict:
    """What the widget shows when the chat cannot answer: the guide and the municipality's contact."""
    return {
        "guide": url_for("guide.steg", kommun=kommun.id, _external=True),
        "kontakt": kontaktvag(kommun),
    }


def json_depth_exceeds(text: str, limit: int) -> bool:
    """True when brackets outside strings nest deeper than `limit` (checked before parsing, so a
    body nested 1,000 deep never reaches the recursive JSON parser)."""
    depth = 0
    for ch in _JSON_STRING.sub("", text):
        if ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False


def read_body():
    """The request's JSON object, or a Swedish 400 for anything else (never a 500)."""
    if not request.is_json:
        raise ResidentError(400, BAD_JSON)
    try:
        text = request.get_data(cache=True).decode("utf-8")
    except UnicodeDecodeError:
        raise ResidentError(400, BAD_JSON) from None
    if json_depth_exceeds(text, MAX_JSON_DEPTH):
        raise ResidentError(400, BAD_JSON)
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):
        raise ResidentError(400, BAD_JSON) from None
    if not isinstance(body, dict):
        raise ResidentError(400, BAD_JSON)
    return body


def has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def post_to_rasa(payload: dict) -> list:
    """POSTs to the conversation's Rasa instance, and after a failure to one other (RASA_URLS,
    web/rasa_pool.py), with a short connect timeout and a longer read timeout."""
    cfg = current_app.config
    return rasa_pool.instances(current_app).post(rasa_pool.configured_urls(cfg), payload,
                                                 float(cfg["RASA_CONNECT_TIMEOUT"]), float(cfg["RASA_READ_TIMEOUT"]))


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
        raise ResidentError(405, "Chatten tar bara emot meddelanden som skickas med POST.", headers={"Allow": "POST, OPTIONS"})
    allowed, retry_after = current_app.extensions["chatt_limiter"].hit(request.remote_addr)
    if not allowed:
        raise ResidentError(429, "Du har skickat många meddelanden på kort tid. Vänta en stund och försök igen.",
                  headers={"Retry-After": str(retry_after)})
    body = read_body()
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not SENDER.match(sender):
        raise ResidentError(400, "Samtalets id saknas eller är ogiltigt. Ladda om sidan och försök igen.")
    if not isinstance(message, str):
        raise ResidentError(400, "Meddelandet saknas. Skriv något och försök igen.")
    limit = int(current_app.config["CHATT_MAX_TECKEN"])
    if len(message) > limit:
        raise ResidentError(413, f"Meddelandet är för långt. Skriv högst {limit} tecken.")
    if has_lone_surrogate(message):
        raise ResidentError(400, "Meddelandet innehåller tecken som inte går att läsa. Skriv det igen med vanliga tecken.")
    kommun = _kommun(body.get("kommun"))
    # data-kontakt-url of the embedding site: passed on only when it is a plain https address
    kontakt_url = body.get("kontakt_url") if is_https_url(body.get("kontakt_url")) else None

    text = redact(message).text
    slots = current_app.extensions["rasa_slots"]
    if not slots.acquire(blocking=False):
        logger.warning("Chatten är full (%s samtidiga anrop till Rasa)", current_app.config["RASA_MAX_CONCURRENT"])
        raise ResidentError(503, f"{BUSY} {kontaktvag(kommun, kontakt_url, nationella=False)} {EMERGENCY}",
                  headers={"Retry-After": str(BUSY_RETRY_AFTER)}, **_ur_drift(kommun))
    try:
        replies = clean_replies(post_to_rasa({"sender": sender, "message": text,
                                              "metadata": {"kommun": kommun.id, "kanal": "chatt",
                                                           **({"kontakt_url": kontakt_url} if kontakt_url else {})}}))
    except RasaUnavailable as exc:
        # Only the kind of failure is logged, never the message or the sender.
        logger.warning("Rasa svarade inte (%s)", "timeout" if exc.timeout else "ej nåbar")
        if not exc.timeout:
            current_app.extensions["conversations"].rasa_down()
        if exc.timeout:
            raise ResidentError(504, "Chatten svarar långsamt just nu. Försök igen, eller använd guiden under tiden. "
                      f"{kontaktvag(kommun, kontakt_url, nationella=False)} {EMERGENCY}", **_ur_drift(kommun)) from None
        raise ResidentError(503, f"{RESTARTING} {kontaktvag(kommun, kontakt_url, nationella=False)} {EMERGENCY}", **_ur_drift(kommun)) from None
    finally:
        slots.release()
    if not any(r.get("text") or r.get("buttons") or r.get("custom") for r in replies):
        # Rasa is up but said nothing: its action server is down (or restarting).
        # Rasa itself still holds the conversation, so it did not start over.
        logger.warning("Rasa gav inget svar (actionservern svarar inte)")
        raise ResidentError(503, f"{RESTARTING} {kontaktvag(kommun, kontakt_url, nationella=False)} {EMERGENCY}", **_ur_drift(kommun))
    if current_app.extensions["conversations"].replied(sender):
        replies.insert(0, {"recipient_id": sender, "text": STARTED_OVER})
    return jsonify(replies)


def kontakt_kort(kommun, kontakt_url=None, lattlast: bool = False) -> str:
    """The municipality's contact in the fewest words, for the line the widget always shows: the
    phone number and the web address (the embedding site's https contact page first), else the
    e-mail, else the plain statement that they have not been added (insatskatalog.rights.kontaktvag
    gives the full sentence, with the national numbers)."""
    k = kommun.kontakt
    webb = kontakt_url if is_https_url(kontakt_url) else k.webb
    parts = [p for p in (k.telefon and f"telefon {k.telefon}", webb) if p] or ([f"e-post {k.epost}"] if k.epost else [])
    if parts:
        return f"Socialtjänsten i {kommun.kort_namn}: {', '.join(parts)}"
    if lattlast:  # no longer than the normal one: two lines at 320 px (tests/web/test_browser.py)
        return "Kontaktuppgifter till socialtjänsten saknas här. Ring kommunens växel."
    return "Socialtjänstens kontaktuppgifter saknas här ännu. Fråga kommunens växel."


@bp.get("/kommun/<kommun>")
def kommun_info(kommun):
    """`kontaktKort` is the line the widget always shows under its input (kontakt_kort; the
    embedding site's contact page comes as `?kontakt_url=`)."""
    k = _kommun(kommun)
    kontakt_url = request.args.get("kontakt_url") if is_https_url(request.args.get("kontakt_url")) else None
    return jsonify({
        "id": k.id,
        "namn": k.namn,
        "kortNamn": k.kort_namn,
        "guide": url_for("guide.steg", kommun=k.id, _external=True),
        "insatser": url_for("catalogue_pages.lista", kommun=k.id, _external=True),
        "kontakt": kontaktvag(k),
        "kontaktKort": kontakt_kort(k, kontakt_url),
        "maxTecken": int(current_app.config["CHATT_MAX_TECKEN"]),
        "lattlast": {
            "kontaktKort": kontakt_kort(k, kontakt_url, lattlast=True),
            "rattAttAnsoka": {"kort": ratt_att_ansoka_kort(lattlast=True),
                              "mer": ratt_att_ansoka(k, kontakt_url, lattlast=True)},
        },
    })
