"""Arabic-script letter variants made one before the NLU sees a message.

Arabic and Persian users type the same word with different keyboards: ي or ی, ك or ک, ة or ه,
أ/إ/آ or ا. To the featurizers these were different words, and the training sentences of both languages are
split between the forms. This component replaces each variant by one form
(``common.language.unify_letters``), in the training data and in every message, before
spaCy. The replacement keeps the length of the text, so entity positions stay valid; the
stored message text and the language detection see what the user wrote.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from common.language import unify_letters


# Registered as a featurizer: Rasa runs ``process_training_data`` only for tokenizers and
# featurizers, and the training sentences must be unified like the messages.
@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class ScriptFolding(GraphComponent):
    """Unifies Arabic-script letter variants in the message text (same length)."""

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "ScriptFolding":
        return cls()

    @staticmethod
    def _unify(message: Message) -> None:
        text = message.get(TEXT)
        if text:
            unified = unify_letters(text)
            if unified != text:
                message.set(TEXT, unified)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            self._unify(message)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._unify(message)
        return messages
