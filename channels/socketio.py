"""Rasa's socket.io channel, with the browser origin checked and Markdown-safe replies.

Replies go out through ``MarkdownSafeOutput``: line breaks and links survive widgets
that render Markdown, such as rasa-webchat (channels/text_format.py), and each message
says its language (event ``bot_language`` just before it), for the widget's ``lang`` and
``dir`` attributes.

Enabled in credentials.yml as ``channels.socketio.OriginCheckedSocketIO:`` (same settings
as Rasa's ``socketio:``; the URL stays ``/socket.io/``).

It also repairs Rasa 3.6's ``session_request`` (RasaHQ/rasa#13027), without which the
widget gets no replies; this fix belongs to the channel, so it works whichever other
channels are configured.

Rasa 3.6 creates its socket.io server with ``cors_allowed_origins=[]``, which switches off
engine.io's origin check. For HTTP long-polling the browser still applies CORS (Rasa's
``--cors``), but a WebSocket is not subject to CORS: any web page could open one to the
bot. Here a request whose ``Origin`` header is neither one of ``CORS_ORIGINS`` (the same
space-separated list ``scripts/run_bot.sh`` passes to ``--cors``) nor the bot's own address
is refused with 400 before engine.io sees it. Requests without ``Origin`` (not from a
browser page) are let through, as engine.io does.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, FrozenSet, List, Text
from urllib.parse import urlsplit

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint
from sanic.request import Request

from channels.failure import reporting_failures
from channels.text_format import markdown_safe
from common import language, settings
from rasa_internals import socketio as rasa_socketio

logger = logging.getLogger(__name__)


def allowed_origins() -> FrozenSet[str]:
    """``CORS_ORIGINS``, with run_bot.sh's default (the local demo page)."""
    return frozenset((settings.value("CORS_ORIGINS") or f"http://localhost:{settings.value('RASA_PORT')}").split())


def origin_allowed(request: Request, allowed: FrozenSet[str]) -> bool:
    """No ``Origin`` header, a configured origin, or the bot's own host (with port).

    Only host and port are compared for the bot's own pages: behind a proxy that ends TLS
    the bot sees ``http`` while the page is ``https``.
    """
    origin = request.headers.get("origin")
    return not origin or origin in allowed or urlsplit(origin).netloc == request.host


#: socket.io event sent just before a bot message with its language (``{"lang": "ar"}``). The
#: message itself keeps Rasa's format: rasa-webchat shows a message only if it has exactly the
#: keys ``text`` (and ``quick_replies``).
LANGUAGE_EVENT = "bot_language"


class MarkdownSafeOutput(SocketIOOutput):
    """Rasa's socket.io output with text that Markdown widgets show as meant (channels.text_format),
    and each message's language (event ``bot_language`` before it) so that the project's widget
    can set ``lang`` and ``dir``.

    Like Rasa's output, a text is sent in parts split at blank lines, and buttons go with the
    last part as ``quick_replies``."""

    async def _emit_parts(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]]) -> None:
        text = markdown_safe(text)
        lang = language.detect(text)
        parts: List[Dict[Text, Any]] = [{"text": part} for part in text.strip().split("\n\n") or [text]]
        if buttons:
            parts[-1]["quick_replies"] = [{"content_type": "text", "title": b["title"], "payload": b["payload"]}
                                          for b in buttons]
        for part in parts:
            if lang:  # before the message; other widgets ignore the unknown event
                await self.sio.emit(LANGUAGE_EVENT, {"lang": lang}, room=recipient_id)
            await self.sio.emit(self.bot_message_evt, part, room=recipient_id)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._emit_parts(recipient_id, text, [])

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]],
                                     **kwargs: Any) -> None:
        await self._emit_parts(recipient_id, text, buttons)


class OriginCheckedSocketIO(SocketIOInput):
    """``SocketIOInput`` that refuses pages from other origins, answers Markdown-safe and
    keeps the widget's session (rasa_internals.socketio: why each is needed)."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        allowed = allowed_origins()
        rasa_socketio.check_origin(self, lambda request: origin_allowed(request, allowed))
        rasa_socketio.send_replies_through(self, MarkdownSafeOutput, reporting_failures(on_new_message))
        if rasa_socketio.await_enter_room(self):
            logger.info("socket.io: session_request awaits enter_room")
        return blueprint
