"""Noise ("blorp zzkx", "qqq vvv") is a misunderstanding, not a guess.

DIET always picks some intent, and with enough training data it can be very sure
about a string of nonsense (e.g. ``out_of_scope`` or ``affirm`` with 0.9).  Then the
FallbackClassifier lets it through, the bot answers something unrelated, and the
"two misunderstandings -> human counselling" path never starts.  This component
learns the words of the training data (examples and lookup tables, e.g. all place
names) and, when a message of two or more words has *no* word that is known or close
to a known word (typos stay understood), sets ``nlu_fallback``.  It sits after the FallbackClassifier;
the CrisisGuard still comes after it.
"""
from __future__ import annotations

import difflib
import json
import re
from typing import Any, Dict, Iterable, List, Optional, Set, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

WORD = re.compile(r"[a-zäöüß]{2,}")
FILE = "vocabulary.json"


def words(text: Text) -> List[Text]:
    """Lower-case words of at least two letters."""
    return WORD.findall((text or "").lower())


def is_noise(text: Text, vocabulary: Set[Text], cutoff: float) -> bool:
    """True if the text has two or more words and none is known or close to a known word.

    A single unknown word ("Grüezi", "Tschüssikowski") is left to DIET, whose character
    n-grams often still recognise it."""
    found = words(text)
    if len(found) < 2 or any(w in vocabulary for w in found):
        return False
    return not any(difflib.get_close_matches(w, vocabulary, n=1, cutoff=cutoff) for w in found)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class NoiseGuard(GraphComponent):
    """Sets ``nlu_fallback`` for messages without any known word (see module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"cutoff": 0.8}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 vocabulary: Optional[Set[Text]] = None) -> None:
        self.cutoff = float(config.get("cutoff", 0.8))
        self.model_storage, self.resource = model_storage, resource
        self.vocabulary: Set[Text] = vocabulary or set()

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "NoiseGuard":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "NoiseGuard":
        try:
            with model_storage.read_from(resource) as path:
                vocabulary = set(json.loads((path / FILE).read_text(encoding="utf-8")))
        except (ValueError, FileNotFoundError):
            vocabulary = set()
        return cls(config, model_storage, resource, vocabulary)

    @staticmethod
    def vocabulary_of(texts: Iterable[Text]) -> Set[Text]:
        return {w for text in texts for w in words(text)}

    def train(self, training_data: TrainingData) -> Resource:
        texts = [m.get(TEXT) or "" for m in training_data.training_examples]
        texts += [e for table in training_data.lookup_tables for e in table.get("elements") or []
                  if isinstance(e, str)]
        self.vocabulary = self.vocabulary_of(texts)
        with self.model_storage.write_to(self.resource) as path:
            (path / FILE).write_text(json.dumps(sorted(self.vocabulary), ensure_ascii=False), encoding="utf-8")
        return self.resource

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if (not self.vocabulary or text.startswith("/") or message.get(ENTITIES)
                    or not is_noise(text, self.vocabulary, self.cutoff)):
                continue
            fallback = {"name": DEFAULT_NLU_FALLBACK_INTENT_NAME, "confidence": 1.0}
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or []
                       if r.get("name") != DEFAULT_NLU_FALLBACK_INTENT_NAME]
            message.set(INTENT, fallback, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [fallback] + ranking, add_to_output=True)
        return messages
