"""Rasa's REST channel (``POST /webhooks/rest/webhook``) that reports failures as HTTP 503.

Rasa's ``RestInput`` catches every error while a message is handled and answers HTTP 200
with what was collected so far: an empty list, or replies whose conversation was never
stored. A client cannot tell that from an answer. Here a message that fails (database or
Redis not reachable, after the stores' waiting: docs/betrieb.md) gets HTTP 503 with
``Retry-After`` and one message ``utter_technical_error`` in the user's language, so that
widgets show it and programs can send the message again: nothing of it was stored.
Everything else (sender, metadata, ``?stream=true``) is Rasa's.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from rasa.utils.endpoints import bool_arg
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.failure import RETRY_AFTER_S, error_text

logger = logging.getLogger(__name__)


class RestInput(RasaRestInput):
    """``rest`` channel with HTTP 503 for messages that could not be handled."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint("custom_webhook_rest", __name__)

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:  # as Rasa's
            return response.json({"status": "ok"})

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            if bool_arg(request, "stream", default=False):  # Rasa's streaming answer, unchanged
                return await self._rasa_receive(on_new_message, request)
            sender_id = await self._extract_sender(request)
            text = self._extract_message(request)
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(text, collector, sender_id,
                                                 input_channel=self._extract_input_channel(request),
                                                 metadata=self.get_metadata(request)))
            except Exception as error:  # noqa: BLE001 - the client must learn that it failed
                logger.error("rest: message could not be handled: %s: %s", type(error).__name__, error)
                return response.json([{"recipient_id": sender_id, "text": error_text(text)}], status=503,
                                     headers={"Retry-After": str(RETRY_AFTER_S)})
            return response.json(collector.messages)

        return blueprint

    async def _rasa_receive(self, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                            request: Request) -> HTTPResponse:
        sender_id = await self._extract_sender(request)
        return response.stream(
            self.stream_response(on_new_message, self._extract_message(request), sender_id,
                                 self._extract_input_channel(request), self.get_metadata(request)),
            content_type="text/event-stream")
