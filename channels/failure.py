"""What a channel tells the user when a message could not be handled (database or Redis down).

Rasa's channels log the error and answer nothing (socket.io, messengers) or HTTP 200 with an
empty or partial list (REST). Here the user gets ``utter_technical_error`` from domain.yml in
the language of the message ("Gerade gibt es eine technische Störung ... noch einmal"), and
the REST channel answers HTTP 503 (channels/rest.py), so that no client takes the message
as answered. Nothing of such a message is stored (rasa_internals/resilience.py).
"""
from __future__ import annotations

import functools
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage

from common import language, settings, yaml_files
from common.wording import template

logger = logging.getLogger(__name__)

#: Response in domain.yml for a message that could not be handled.
TECHNICAL_ERROR = "utter_technical_error"
#: Seconds after which a REST client may send the message again (HTTP Retry-After).
RETRY_AFTER_S = 5


@functools.lru_cache(maxsize=1)
def _domain() -> Dict[str, Any]:
    """domain.yml of the project (the model is trained from it); read once."""
    return yaml_files.read(settings.ROOT / "domain.yml")


def error_text(message_text: Optional[Text]) -> Text:
    """``utter_technical_error`` in the language of ``message_text`` (German if unknown)."""
    lang = language.detect(message_text or "") or "de"
    return template(_domain(), TECHNICAL_ERROR, lang) or template(_domain(), TECHNICAL_ERROR, "de")


def reporting_failures(on_new_message: Callable[[UserMessage], Awaitable[Any]]
                       ) -> Callable[[UserMessage], Awaitable[Any]]:
    """``on_new_message`` that sends ``error_text`` through the message's output channel when handling fails."""

    async def handle(message: UserMessage) -> Any:
        try:
            return await on_new_message(message)
        except Exception as error:  # noqa: BLE001 - any failure: tell the user, keep the server running
            logger.error("message of %s could not be handled: %s: %s", message.input_channel,
                         type(error).__name__, error)
            await message.output_channel.send_text_message(message.sender_id, error_text(message.text))
            return None

    return handle
