"""Set the ``language`` slot (``de``/``en``) from each user message, inside Rasa.

The bot replies in English to users who write English (issue "Conversation quality").
Rasa's documented way to fill such a slot is a custom slot mapping with an action
(``action_detect_language``); but that cost an action server call for *every* message
(measured with ``make bench``, docs/benchmarks.md), for a word
count that takes microseconds.

So this policy does it: Rasa applies the ``events`` of every policy's prediction before
the next action runs, whichever policy wins (``PolicyPrediction.events``). On the first
prediction after a user message it returns ``SlotSet("language", ...)`` when the
message is clearly in the other language (``common/language.py``); it never predicts
an action itself (all probabilities 0). Button payloads ("/ask_x") and messages without
clear language words keep the language as it was. The slot does not influence the
conversation (``influence_conversation: false``), so rules and stories are unaffected.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from common import language

SLOT = "language"


def language_events(tracker: DialogueStateTracker) -> List[Event]:
    """``[SlotSet("language", ...)]`` if the user's new message changes the language, else ``[]``."""
    if tracker.latest_action_name != ACTION_LISTEN_NAME or tracker.latest_message is None:
        return []  # not the first prediction after a user message
    detected = language.detect(tracker.latest_message.text)
    if detected is None or detected == tracker.get_slot(SLOT):
        return []
    return [SlotSet(SLOT, detected)]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False)
class LanguagePolicy(Policy):
    """Never predicts an action; sets the ``language`` slot from the user's message."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": 0}

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain,
              **kwargs: Any) -> Resource:
        """Nothing to learn."""
        return self._resource

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: Optional[Dict[Text, Any]] = None,
                                     **kwargs: Any) -> PolicyPrediction:
        return PolicyPrediction(self._default_predictions(domain), self.__class__.__name__,
                                self.priority, events=language_events(tracker))
