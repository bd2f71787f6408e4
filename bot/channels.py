"""The REST input channel, with personal data removed before anything else sees the message.

Same URL and JSON as Rasa's own REST channel (/webhooks/rest/webhook, {"sender", "message",
"metadata"}), so the widget, the tests and bench/ talk to it like to any Rasa bot. Differences,
all for privacy and robustness:
- the text is redacted (bot.redaction) and capped in length before Rasa's processor sees it,
  and the kinds removed travel as metadata, never the values;
- a leading "/" is stripped, so nobody can inject intents; an empty message becomes the
  internal intent /tomt_meddelande;
- errors are logged without the message text (Rasa's own channel logs the text on failure),
  and answered with HTTP 503 instead of an empty list: the web tier then tries another Rasa
  instance (RASA_URLS) or tells the resident the chat is restarting. This is what a lost Redis
  looks like in the scaled layout (the lock store and the tracker store fail), issue 15.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from bot import rasa_speedups
from bot.redaction import redact
from insatskatalog.rights import is_https_url

logger = logging.getLogger(__name__)
rasa_speedups.install()   # Rasa loads this module in every `rasa run` of the project (bot/credentials.yml)
MAX_LANGD = 2000  # characters; longer messages are cut and the metadata says so (the reply tells the resident)


def clean_text(raw: Any) -> tuple[str, tuple[str, ...]]:
    text = raw if isinstance(raw, str) else ""
    text = text.strip()[:MAX_LANGD].lstrip("/").strip()
    if not text:
        return "/tomt_meddelande", ()
    red = redact(text)
    return red.text, red.borttaget


class RedactingRestInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("insatsguiden_rest", __name__)

        @hook.route("/", methods=["GET"])
        async def health(request: Request):
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request):
            body: Optional[Dict[str, Any]] = request.json if isinstance(request.json, dict) else None
            if body is None or not isinstance(body.get("sender"), str) or not body["sender"]:
                return response.json({"fel": "Ogiltig begäran."}, status=400)
            text, removed = clean_text(body.get("message"))
            shortened = isinstance(body.get("message"), str) and len(body["message"].strip()) > MAX_LANGD
            metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
            metadata = {k: metadata[k] for k in ("kommun", "kanal") if isinstance(metadata.get(k), str)} | \
                ({"kontakt_url": metadata["kontakt_url"]} if is_https_url(metadata.get("kontakt_url")) else {})
            if removed:
                metadata["borttaget"] = list(removed)
            if shortened:
                metadata["forkortat"] = True
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(text, collector, body["sender"], input_channel=self.name(), metadata=metadata))
            except asyncio.CancelledError:
                logger.error("Meddelandet avbröts (timeout).")
            except Exception as exc:  # never log the text, only what kind of error it was
                logger.error("Fel vid hantering av ett meddelande: %s", type(exc).__name__)
                return response.json({"fel": "Meddelandet kunde inte hanteras just nu."}, status=503)
            return response.json(collector.messages)

        return hook
