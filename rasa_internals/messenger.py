"""Rasa 3.6's Facebook ``Messenger`` handler with a hook to prepare each user message.

Rasa builds its output channel (``MessengerBot``) inside the private
``Messenger._handle_user_message`` and offers no hook for another one. ``PreparedMessenger``
overrides that method, as Rasa's with two changes: ``prepare`` may change the text (a typed
number becomes the button's payload) and chooses the output channel. Used by
channels/facebook.py.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, Optional, Text, Tuple

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.facebook import Messenger, MessengerBot

from rasa_internals import check_version

logger = logging.getLogger(__name__)


class PreparedMessenger(Messenger):
    """Rasa's Messenger handler; subclasses implement ``prepare`` and ``channel_name``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        check_version()
        super().__init__(*args, **kwargs)

    async def prepare(self, sender_id: Text, text: Optional[Text]) -> Tuple[Optional[Text], MessengerBot]:
        """(text to process, output channel) for a user message."""
        raise NotImplementedError

    channel_name = "facebook"

    async def _handle_user_message(self, text: Text, sender_id: Text,
                                   metadata: Optional[Dict[Text, Any]]) -> None:
        text, out_channel = await self.prepare(sender_id, text)
        await out_channel.send_action(sender_id, sender_action="mark_seen")
        user_msg = UserMessage(text, out_channel, sender_id, input_channel=self.channel_name, metadata=metadata)
        await out_channel.send_action(sender_id, sender_action="typing_on")
        try:
            await self.on_new_message(user_msg)
        except Exception:
            logger.exception("Exception when trying to handle webhook for facebook message.")
        finally:
            await out_channel.send_action(sender_id, sender_action="typing_off")
