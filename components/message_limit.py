"""Caps the length of a user message before the NLU pipeline works on it.

Two small steps in ``config.yml``, because Rasa Open Source has no setting for a maximum
message length and spaCy would otherwise tokenise whatever arrives (a 1 MB paste costs
seconds of CPU per message):

* ``MessageLengthLimit`` comes first: a text longer than ``max_chars`` is cut to
  ``max_chars`` and marked ``message_too_long`` (in the parse data, so actions see it);
  everything after it works on the short text.
* ``MessageLengthIntent`` comes after the ``FallbackClassifier``: a marked message gets
  intent ``nlu_fallback`` (whatever DIET guessed from a fragment), so ``action_clarify``
  answers with ``utter_message_too_long``. ``CrisisGuard`` runs after it, so a crisis word
  in the kept part still gives the emergency numbers.

The limit is the one setting ``MAX_MESSAGE_CHARS`` (docs/einstellungen.md), read when the
model is loaded; stored conversations are cut to it as well (stores/tracker_store.py).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from common import settings

TOO_LONG = "message_too_long"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class MessageLengthLimit(GraphComponent):
    """Cuts a too long text to ``max_chars`` and marks the message ``message_too_long``."""

    def __init__(self, config: Dict[Text, Any], max_chars: Optional[int] = None) -> None:
        self.max_chars = max_chars or settings.number("MAX_MESSAGE_CHARS")

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "MessageLengthLimit":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if len(text) > self.max_chars:
                message.set(TEXT, text[: self.max_chars])
                message.set(TOO_LONG, {"length": len(text), "max_chars": self.max_chars}, add_to_output=True)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class MessageLengthIntent(GraphComponent):
    """Gives a message marked ``message_too_long`` the intent ``nlu_fallback``."""

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "MessageLengthIntent":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if message.get(TOO_LONG):
                fallback = {"name": DEFAULT_NLU_FALLBACK_INTENT_NAME, "confidence": 1.0}
                message.set(INTENT, fallback, add_to_output=True)
                ranking = [r for r in message.get(INTENT_RANKING_KEY) or []
                           if r.get("name") != DEFAULT_NLU_FALLBACK_INTENT_NAME]
                message.set(INTENT_RANKING_KEY, [fallback] + ranking, add_to_output=True)
        return messages
