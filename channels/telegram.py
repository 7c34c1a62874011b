"""Telegram channel: Rasa's connector, with the topic menu readable on a phone.

Rasa's ``telegram`` connector turns buttons into an inline keyboard (Telegram's quick
replies: a click sends the button's payload back as a callback query), but puts all
buttons in one row; our topic menu has 10 buttons, which a phone cannot show.  This
channel puts one button per row when there are more than two, and it repairs the
connector's start-up (see ``TelegramChannel.get_output_channel``).  Everything else is
Rasa's.

Enable it in credentials.yml as ``channels.telegram.TelegramChannel`` (scripts/credentials.py
does this when the TELEGRAM_* variables are set); the webhook stays
``/webhooks/telegram/webhook``.  ``api_url`` (optional) points the connector at another
Bot API server, e.g. a self-hosted one (core.telegram.org/bots/api#using-a-local-bot-api-server)
or a test double; by default it is api.telegram.org.
"""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional, Text

from aiogram import Bot
from aiogram.bot.api import TELEGRAM_PRODUCTION, TelegramAPIServer
from aiogram.utils.exceptions import TelegramAPIError
from rasa.core.channels.channel import InputChannel
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from rasa.shared.exceptions import RasaException

#: Up to this many buttons stay side by side in one row.
MAX_IN_ROW = 2


class TelegramChannelOutput(TelegramOutput):
    """Telegram output talking to ``api_url``; long button lists one per row."""

    def __init__(self, access_token: Optional[Text], api_url: Optional[Text] = None) -> None:
        server = TelegramAPIServer.from_base(api_url) if api_url else TELEGRAM_PRODUCTION
        Bot.__init__(self, access_token, server=server)

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]],
                                     button_type: Optional[Text] = None, **kwargs: Any) -> None:
        if button_type is None:
            button_type = "vertical" if len(buttons) > MAX_IN_ROW else "inline"
        await super().send_text_with_buttons(recipient_id, text, buttons, button_type=button_type, **kwargs)


class TelegramChannel(TelegramInput):
    """Rasa's Telegram input using :class:`TelegramChannelOutput`."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        channel = cls(credentials.get("access_token"), credentials.get("verify"), credentials.get("webhook_url"))
        channel.api_url = credentials.get("api_url") or None
        return channel

    def get_output_channel(self) -> TelegramOutput:
        """As Rasa's: the output channel, after registering the webhook with Telegram.

        Unlike Rasa 3.6's, it closes the HTTP session opened for that registration: the
        session belongs to the short-lived loop of ``asyncio.run``, and Rasa's connector
        reuses it in the server's loop, where every message then fails with "Event loop is
        closed".  A closed session is replaced by a new one on the next request.
        """
        channel = TelegramChannelOutput(self.access_token, getattr(self, "api_url", None))

        async def register() -> None:
            try:
                await channel.set_webhook(url=self.webhook_url)
            finally:
                await channel.session.close()

        try:
            asyncio.run(register())
        except TelegramAPIError as error:
            raise RasaException("Failed to set channel webhook: " + str(error)) from error
        return channel
