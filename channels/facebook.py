"""Facebook Messenger channel: Rasa's connector, with buttons that fit Messenger.

Rasa's ``facebook`` connector sends up to 3 buttons as a button template and silently
drops them when there are more (our topic menu has 10).  Messenger's limits
(developers.facebook.com/docs/messenger-platform/send-messages/quick-replies): at most
13 quick replies, titles of at most 20 characters.  This channel therefore sends

* quick replies with the button titles when all choices fit, and otherwise
* the choices as a numbered list in the text, with quick replies "1", "2", ... (when
  there are at most 13), and the user may also type the number.

Messenger shows quick replies only under the newest message.  The question "War diese
Antwort hilfreich?" comes after the answer, so its two buttons would hide the answer's own
follow-up ("Mehr anzeigen"); they are therefore sent together, the answer's first
(``NumberedMessengerBot.carried``).

Everything else (webhook verification, message types, the signature check, here also
accepting Meta's current ``X-Hub-Signature-256`` header) is Rasa's.
Enable it in credentials.yml as ``channels.facebook.FacebookChannel`` (scripts/credentials.py
does this when the FACEBOOK_* variables are set); the webhook stays ``/webhooks/facebook/webhook``.
``graph_url`` (optional) points the connector at another Graph API address, e.g. a
test double; by default it is Facebook's.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

from fbmessenger import MessengerClient
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.facebook import FacebookInput, MessengerBot
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import numbered
from channels.failure import reporting_failures
from channels.text_format import plain
from rasa_internals.messenger import PreparedMessenger

logger = logging.getLogger(__name__)

#: Facebook takes 13 quick replies, but Rasa's connector builds them with fbmessenger, which
#: refuses more than 11 (fbmessenger/quick_replies.py); longer lists are sent as numbered text.
MAX_QUICK_REPLIES = 11
MAX_TITLE = 20
#: Payload of the rating buttons under an answer (actions/feedback.py).
FEEDBACK_PAYLOAD = "/feedback"


def client(page_access_token: Text, graph_url: Optional[Text]) -> MessengerClient:
    """fbmessenger's client, talking to ``graph_url`` instead of Facebook's if given."""
    messenger_client = MessengerClient(page_access_token)
    if graph_url:
        messenger_client.graph_url = graph_url.rstrip("/")
    return messenger_client


class NumberedMessengerBot(MessengerBot):
    """Messenger output that shows every button: quick replies, or a numbered list."""

    def __init__(self, messenger_client: MessengerClient, hint: Text = "") -> None:
        super().__init__(messenger_client)
        self.hint = hint
        #: Quick replies of the newest message sent in this turn (one output object per incoming message).
        self.shown: List[Dict[Text, Any]] = []

    @staticmethod
    def fits(buttons: List[Dict[Text, Any]]) -> bool:
        return len(buttons) <= MAX_QUICK_REPLIES and all(len(str(b.get("title", ""))) <= MAX_TITLE for b in buttons)

    def carried(self, buttons: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
        """The rating buttons with the quick replies they would hide (the answer's follow-ups), if all fit."""
        rating = bool(buttons) and all(str(b.get("payload", "")).startswith(FEEDBACK_PAYLOAD) for b in buttons)
        together = [b for b in self.shown if b not in buttons] + buttons
        return together if rating and self.fits(together) else buttons

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await super().send_text_message(recipient_id, plain(text), **kwargs)

    async def send_text_with_buttons(self, recipient_id: Text, text: Text,
                                     buttons: List[Dict[Text, Any]], **kwargs: Any) -> None:
        text = plain(text)
        buttons = self.carried(buttons)
        if self.fits(buttons):
            replies = [{"title": b["title"], "payload": b["payload"], "content_type": "text"} for b in buttons]
            await self.send_quick_replies(recipient_id, text, replies)
            self.shown = [{"title": b["title"], "payload": b["payload"]} for b in buttons]
            return
        self.shown = []  # a numbered list: its choices are read from the conversation, nothing to carry
        listed = numbered.as_list(text, buttons, self.hint)
        if len(buttons) > MAX_QUICK_REPLIES:
            await self.send_text_message(recipient_id, listed)
            return
        replies = [{"title": str(n), "payload": b["payload"], "content_type": "text"}
                   for n, b in enumerate(buttons, start=1)]
        await self.send_quick_replies(recipient_id, listed, replies)


class NumberedMessenger(PreparedMessenger):
    """Rasa's Messenger handler with our output channel and typed-number choices."""

    def __init__(self, page_access_token: Text, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                 graph_url: Optional[Text], choices: numbered.NumberedChoices) -> None:
        super().__init__(page_access_token, on_new_message)
        self.client = client(page_access_token, graph_url)
        self.choices = choices

    async def prepare(self, sender_id: Text, text: Optional[Text]) -> Tuple[Optional[Text], MessengerBot]:
        """The number turned into its payload, and the output with the hint in the user's language."""
        text, hint = await self.choices.prepare(sender_id, text)
        return text, NumberedMessengerBot(self.client, hint)


class FacebookChannel(FacebookInput):
    """Rasa's Facebook input with Messenger-sized buttons (see module docstring)."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(credentials.get("verify"), credentials.get("secret"),
                   credentials.get("page-access-token"), credentials.get("graph_url"))

    def __init__(self, fb_verify: Text, fb_secret: Text, fb_access_token: Text,
                 graph_url: Optional[Text] = None) -> None:
        super().__init__(fb_verify, fb_secret, fb_access_token)
        self.graph_url = graph_url or None
        self.choices = numbered.NumberedChoices()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # Rasa's routes, repeated because its POST route builds Rasa's Messenger inline.
        fb_webhook = Blueprint("fb_webhook", __name__)

        @fb_webhook.listener("before_server_start")
        async def remember_app(app: Sanic, _: Any) -> None:
            self.choices.app = app

        @fb_webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @fb_webhook.route("/webhook", methods=["GET"])
        async def token_verification(request: Request) -> HTTPResponse:
            if request.args.get("hub.verify_token") == self.fb_verify:
                return response.text(request.args.get("hub.challenge"))
            logger.warning("Invalid fb verify token! It must match the webhook settings of the Facebook app.")
            return response.text("failure, invalid token")

        @fb_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            # Meta signs with SHA-256 (X-Hub-Signature-256) and, for older apps, SHA-1;
            # Rasa's check reads the algorithm from the header value ("sha256=...").
            signature = request.headers.get("X-Hub-Signature-256") or request.headers.get("X-Hub-Signature") or ""
            if not self.validate_hub_signature(self.fb_secret, request.body, signature):
                logger.warning("Wrong fb secret! It must match the secret in the Facebook app settings.")
                return response.text("not validated")
            # A message that cannot be handled (database down) gets utter_technical_error (channels/failure.py).
            messenger = NumberedMessenger(self.fb_access_token, reporting_failures(on_new_message), self.graph_url,
                                          self.choices)
            await messenger.handle(request.json, self.get_metadata(request))
            return response.text("success")

        return fb_webhook

    def get_output_channel(self) -> MessengerBot:
        return NumberedMessengerBot(client(self.fb_access_token, self.graph_url))
