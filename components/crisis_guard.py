"""A deterministic safety net for crisis messages.

DIET learns "crisis" from examples, but a message with a word it never saw
("bewusstlos", "Überdosis") can be classified as something harmless.  For people in
danger a miss is not acceptable, so this component, placed last in the pipeline,
sets the intent to ``crisis`` whenever the text matches one of the configured
patterns (see ``config.yml``).  Everything else is left to DIET.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from common.language import fold_letters

CRISIS_INTENT = "crisis"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CrisisGuard(GraphComponent):
    """Sets intent ``crisis`` (confidence 1.0) when a crisis pattern matches."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"patterns": []}

    def __init__(self, config: Dict[Text, Any]) -> None:
        patterns = config.get("patterns") or []
        # Patterns and messages are folded alike (common.language.fold_letters): "ي"/"ی", "ك"/"ک", "أ"/"ا",
        # with or without the zero-width non-joiner, all match.
        self.pattern = re.compile("|".join(f"(?:{fold_letters(p)})" for p in patterns), re.IGNORECASE) if patterns else None

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "CrisisGuard":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if self.pattern is None or text.startswith("/") or not self.pattern.search(fold_letters(text)):
                continue
            previous = message.get(INTENT) or {}
            if previous.get("name") == CRISIS_INTENT:
                continue
            message.set(INTENT, {"name": CRISIS_INTENT, "confidence": 1.0}, add_to_output=True)
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != CRISIS_INTENT]
            message.set(INTENT_RANKING_KEY, [{"name": CRISIS_INTENT, "confidence": 1.0}] + ranking,
                        add_to_output=True)
        return messages
