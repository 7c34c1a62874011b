"""Set the ``language`` slot (de, en, tr, uk, ru, ar, fa) from each user message, inside Rasa.

The bot replies in the user's language: the one they ask for, the one they write in, or
at first the one their channel reports (Telegram's ``language_code``).
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
from rasa.shared.core.events import Event, SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from common import language

SLOT = "language"


CHOOSE_INTENT = "choose_language"
CHOICE_ENTITY = "language_choice"


def chosen_language(message: UserUttered) -> Optional[str]:
    """The language the user asked for ("Deutsch bitte", a language button), if any."""
    if (message.intent or {}).get("name") != CHOOSE_INTENT:
        return None
    for entity in message.entities or []:
        if entity.get("entity") == CHOICE_ENTITY and language.supported(str(entity.get("value"))):
            return language.supported(str(entity.get("value")))
    return None


def language_events(tracker: DialogueStateTracker) -> List[Event]:
    """``[SlotSet("language", ...)]`` if the user's new message changes the language, else ``[]``.

    In this order: the language the user asked for; the language the message is written in;
    for the first message without a clear language, the channel's hint (Telegram's app language)."""
    message = tracker.latest_message
    if tracker.latest_action_name != ACTION_LISTEN_NAME or message is None:
        return []  # not the first prediction after a user message
    current = tracker.get_slot(SLOT)
    new = chosen_language(message) or language.detect(message.text)
    if new is None and current is None:
        new = language.supported((message.metadata or {}).get(language.LANGUAGE_HINT))
    if new is None or new == current:
        return []
    return [SlotSet(SLOT, new)]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False)
class LanguagePolicy(Policy):
    """Never predicts an action; sets the ``language`` slot from the user's message."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language.prepare()  # at model load, not on the first user's message

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
