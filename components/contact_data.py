"""Removes e-mail addresses, phone numbers and IBANs from the text the NLU works on.

Users often add how to reach them ("Wo gibt es Migrationsberatung? Erreichbar unter
+49 561 9876543 oder hans@example.net"). The training data has no such strings, so their
many unknown characters pulled the intent towards ``out_of_scope``. The same patterns that
mask them before storing (``common/masking.py``) cut them out here, before the tokenizer;
the actions and the stored conversation are unaffected by this step (the stored text is
masked separately).
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from common import masking

SPACES = re.compile(r"[ \t]{2,}")


def without_contact_data(text: str) -> str:
    """``text`` without e-mail addresses, IBANs and phone numbers (6 or more digits)."""
    text = masking.IBAN.sub(" ", masking.EMAIL.sub(" ", text))
    text = masking.PHONE.sub(lambda m: " " if masking.is_phone(m) else m.group(0), text)
    return SPACES.sub(" ", text).strip()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ContactDataRemover(GraphComponent):
    """Cuts contact data out of the message text before tokenisation."""

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "ContactDataRemover":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if text:
                cleaned = without_contact_data(text)
                if cleaned != text:
                    message.set(TEXT, cleaned)
        return messages
