"""Rasa's socket.io channel, with the browser origin checked and Markdown-safe replies.

Replies go out through ``MarkdownSafeOutput``: line breaks and links survive widgets
that render Markdown, such as rasa-webchat (channels/text_format.py).

Enabled in credentials.yml as ``channels.socketio.OriginCheckedSocketIO:`` (same settings
as Rasa's ``socketio:``; the URL stays ``/socket.io/``).

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
import os
import json
from typing import Any, Awaitable, Callable, Dict, FrozenSet, List, Optional, Text
from urllib.parse import urlsplit

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput

from channels.text_format import markdown_safe
from sanic import Blueprint, response
from sanic.request import Request

logger = logging.getLogger(__name__)


def allowed_origins() -> FrozenSet[str]:
    """``CORS_ORIGINS``, with run_bot.sh's default (the local demo page)."""
    default = f"http://localhost:{os.environ.get('RASA_PORT', '5005')}"
    return frozenset(os.environ.get("CORS_ORIGINS", default).split())


def origin_allowed(request: Request, allowed: FrozenSet[str]) -> bool:
    """No ``Origin`` header, a configured origin, or the bot's own host (with port).

    Only host and port are compared for the bot's own pages: behind a proxy that ends TLS
    the bot sees ``http`` while the page is ``https``.
    """
    origin = request.headers.get("origin")
    return not origin or origin in allowed or urlsplit(origin).netloc == request.host


class MarkdownSafeOutput(SocketIOOutput):
    """Rasa's socket.io output with text that Markdown widgets show as meant (channels.text_format)."""

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await super().send_text_message(recipient_id, markdown_safe(text), **kwargs)

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]],
                                     **kwargs: Any) -> None:
        await super().send_text_with_buttons(recipient_id, markdown_safe(text), buttons, **kwargs)


class OriginCheckedSocketIO(SocketIOInput):
    """``SocketIOInput`` whose engine.io endpoint refuses pages from other origins."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        assert self.sio is not None  # set by Rasa's blueprint()
        engine = self.sio.eio
        handle = engine.handle_request  # the route is added from this attribute when the app starts
        allowed = allowed_origins()

        async def handle_request(request: Request, *args: Any, **kwargs: Any) -> Any:
            if not origin_allowed(request, allowed):
                logger.info("socket.io: request from a page of another origin refused")
                return response.text("Not an accepted origin.", status=400)
            return await handle(request, *args, **kwargs)

        engine.handle_request = handle_request
        self._answer_with(MarkdownSafeOutput, on_new_message)
        return blueprint

    def _answer_with(self, output: type, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Re-register the user-message handler so that replies go through ``output``.

        Rasa 3.6 builds a ``SocketIOOutput`` inside its handler and offers no hook for
        another output class; this handler is Rasa's own (rasa/core/channels/socketio.py,
        ``handle_message``) with only the output class changed."""
        sio = self.sio
        assert sio is not None

        async def handle_message(sid: Text, data: Dict) -> None:
            if self.session_persistence:
                if not data.get("session_id"):
                    logger.warning("socket.io: message without session_id ignored")
                    return
                sender_id = data["session_id"]
            else:
                sender_id = sid
            metadata: Optional[Any] = data.get(self.metadata_key, {})
            if isinstance(metadata, str):
                metadata = json.loads(metadata)
            await on_new_message(UserMessage(data.get("message", ""), output(sio, self.bot_message_evt), sender_id,
                                             input_channel=self.name(), metadata=metadata))

        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
