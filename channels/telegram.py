"""Telegram channel: Rasa's connector, with the topic menu readable on a phone.

Rasa's ``telegram`` connector turns buttons into an inline keyboard (Telegram's quick
replies: a click sends the button's payload back as a callback query), but puts all
buttons in one row; our topic menu has more buttons than a phone can show in one row.  This
channel puts one button per row when there are more than two, confirms button taps
(answerCallbackQuery), checks the webhook's secret token if one is set, and repairs the
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
import hmac
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from aiogram import Bot
from aiogram.bot.api import TELEGRAM_PRODUCTION, TelegramAPIServer
from aiogram.utils.exceptions import TelegramAPIError
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.failure import reporting_failures
from channels.text_format import plain
from common.language import LANGUAGE_HINT

logger = logging.getLogger(__name__)

#: Header in which Telegram repeats the webhook's secret token (Bot API 6.0, setWebhook).
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

#: Up to this many buttons stay side by side in one row.
MAX_IN_ROW = 2


class TelegramChannelOutput(TelegramOutput):
    """Telegram output talking to ``api_url``; long button lists one per row."""

    def __init__(self, access_token: Optional[Text], api_url: Optional[Text] = None) -> None:
        server = TelegramAPIServer.from_base(api_url) if api_url else TELEGRAM_PRODUCTION
        Bot.__init__(self, access_token, server=server)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await super().send_text_message(recipient_id, plain(text), **kwargs)

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]],
                                     button_type: Optional[Text] = None, **kwargs: Any) -> None:
        text = plain(text)
        if button_type is None:
            button_type = "vertical" if len(buttons) > MAX_IN_ROW else "inline"
        await super().send_text_with_buttons(recipient_id, text, buttons, button_type=button_type, **kwargs)


class TelegramChannel(TelegramInput):
    """Rasa's Telegram input using :class:`TelegramChannelOutput`.

    With ``secret_token`` set, the webhook is registered with that token and accepts only
    updates that carry it, so nobody but Telegram can post messages in a user's name
    (Rasa's connector accepts any caller that knows the URL).
    """

    api_url: Optional[Text] = None
    secret_token: Optional[Text] = None
    _output: Optional[TelegramOutput] = None  # set by get_output_channel, used to confirm taps

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        """The user's Telegram app language (``from.language_code``, e.g. "uk") as the first hint for
        the reply language (components/language_policy.py)."""
        update = request.json or {}
        sender = (update.get("message") or update.get("edited_message") or update.get("callback_query") or {}).get("from")
        code = (sender or {}).get("language_code")
        return {LANGUAGE_HINT: str(code)} if code else None

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        channel = cls(credentials.get("access_token"), credentials.get("verify"), credentials.get("webhook_url"))
        channel.api_url = credentials.get("api_url") or None
        channel.secret_token = credentials.get("secret_token") or None
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # A message that cannot be handled (database down) gets utter_technical_error, and
        # Telegram an OK: it would otherwise deliver the update again and again (channels/failure.py).
        telegram_webhook = super().blueprint(reporting_failures(on_new_message))

        @telegram_webhook.middleware("request")
        async def only_telegram(request: Request) -> Optional[HTTPResponse]:
            if request.method != "POST" or not request.path.endswith("/webhook"):
                return None
            if self.secret_token and not hmac.compare_digest(request.headers.get(SECRET_HEADER, ""),
                                                             self.secret_token):
                return response.text("forbidden", status=403)
            await self._answer_button_click(request)
            return None

        return telegram_webhook

    async def _answer_button_click(self, request: Request) -> None:
        """Confirm a button tap to Telegram, which otherwise shows a spinner on the button
        for a while (Rasa's connector does not answer callback queries)."""
        update = request.json if isinstance(request.json, dict) else {}
        query_id = (update.get("callback_query") or {}).get("id")
        if query_id and self._output is not None:
            try:
                await self._output.answer_callback_query(str(query_id))
            except TelegramAPIError:
                logger.warning("telegram: answerCallbackQuery failed", exc_info=True)

    def get_output_channel(self) -> TelegramOutput:
        """As Rasa's: the output channel, after registering the webhook with Telegram.

        Unlike Rasa 3.6's, it closes the HTTP session opened for that registration: the
        session belongs to the short-lived loop of ``asyncio.run``, and Rasa's connector
        reuses it in the server's loop, where every message then fails with "Event loop is
        closed".  A closed session is replaced by a new one on the next request.
        """
        channel = TelegramChannelOutput(self.access_token, self.api_url)

        async def register() -> None:
            try:
                if self.secret_token:  # aiogram 2.15 predates the parameter
                    await channel.request("setWebhook", {"url": self.webhook_url, "secret_token": self.secret_token})
                else:
                    await channel.set_webhook(url=self.webhook_url)
            finally:
                await channel.session.close()

        try:
            asyncio.run(register())
        except TelegramAPIError as error:
            raise RasaException("Failed to set channel webhook: " + str(error)) from error
        self._output = channel
        return channel
