"""Feedback on answers: "Hilfreich" / "Nicht hilfreich" under an answer, and what was missing.

Everything is stored as events of the conversation, so the tracker store masks the user's
text and the retention command deletes it with the conversation (contract with the
editors' report of issue 17, docs/funktionen.md#rückmeldung-zu-antworten):

* every answer with offerings sets slot ``answer_scope``: how local the offerings shown are;
* the buttons send ``/feedback{"rating":"helpful"}`` or ``…"not_helpful"}``;
  ``action_feedback`` sets slot ``feedback`` to the rating and thanks, for "not helpful"
  with the one optional question "Was hat gefehlt?";
* the user's next typed message is the answer to it: ``feedback_comment`` = true is set on
  that turn (never the text: slots are stored unmasked).  A question or a place is answered
  as usual (data/rules.yml); anything else gets the short thanks of ``action_feedback_comment``.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import ranking, routes
from actions.places import Place

#: Slots of the contract (docs/funktionen.md#rückmeldung-zu-antworten).
SCOPE_SLOT = "answer_scope"
FEEDBACK_SLOT = "feedback"
COMMENT_SLOT = "feedback_comment"
RATING_ENTITY = "rating"
HELPFUL, NOT_HELPFUL = "helpful", "not_helpful"
#: Values of ``answer_scope``.
LOCAL, REGIONAL, LAND, NONE = "local", "regional", "land", "none"
#: The action whose "Was hat gefehlt?" the next typed message answers.
ACTION_FEEDBACK = "action_feedback"


def answer_scope(matches: Sequence[ranking.Match], place: Optional[Place], outside_hessen: bool = False) -> str:
    """How local the offerings shown are: ``local`` (an office of the town or Kreis),
    ``regional`` (at best an office for the Regierungsbezirk), ``land`` (only Hessen-wide or
    nationwide offerings), ``none`` (no offering)."""
    if not matches:
        return NONE
    if place is None or outside_hessen:
        return LAND
    levels = {routes.office_level(place, m) for m in matches}
    if place.kind == "region" and levels & {routes.LOCAL, routes.DISTRICT}:
        return REGIONAL  # the user named a Regierungsbezirk: its own offices are regional
    if levels & {routes.LOCAL, routes.DISTRICT}:
        return LOCAL
    return REGIONAL if routes.REGION in levels else LAND


def prompt(dispatcher: CollectingDispatcher) -> None:
    """ "War diese Antwort hilfreich?" with the two buttons (wording and payloads in domain.yml)."""
    dispatcher.utter_message(response="utter_ask_feedback")


def answers_missing_question(tracker: Tracker) -> bool:
    """True if the latest user message is typed text right after "Was hat gefehlt?" (contract point 3).

    That is: the last action before it was ``action_feedback`` for "not helpful"; button
    payloads ("/…") are no answer."""
    text = (tracker.latest_message.get("text") or "").strip()
    if not text or text.startswith("/") or tracker.get_slot(FEEDBACK_SLOT) != NOT_HELPFUL:
        return False
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return False
            seen_user = True
        elif seen_user and event.get("event") == "action" and event.get("name") != "action_listen":
            return event.get("name") == ACTION_FEEDBACK
    return False


def comment_events(tracker: Tracker) -> List[EventType]:
    """``feedback_comment`` = true on a turn that answers "Was hat gefehlt?", else nothing."""
    return [SlotSet(COMMENT_SLOT, True)] if answers_missing_question(tracker) else []


def rating_of(tracker: Tracker) -> Optional[str]:
    values = [e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == RATING_ENTITY]
    return next((str(v) for v in reversed(values) if v in (HELPFUL, NOT_HELPFUL)), None)


class ActionFeedback(Action):
    """A rating of the answer: thanks; for "not helpful" the optional question what was missing."""

    def name(self) -> Text:
        return ACTION_FEEDBACK

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        rating = rating_of(tracker)
        if rating is None:  # typed ("war gut?") without a rating the bot understood: offer the buttons
            prompt(dispatcher)
            # the rules go on from a rating (data/rules.yml); without one, wait for the user
            return [FollowupAction("action_listen")]
        dispatcher.utter_message(response="utter_ask_feedback_comment" if rating == NOT_HELPFUL
                                 else "utter_feedback_thanks")
        return [SlotSet(FEEDBACK_SLOT, rating)]


class ActionFeedbackComment(Action):
    """The answer to "Was hat gefehlt?": a short thanks; the text itself stays in the (masked) user event."""

    def name(self) -> Text:
        return "action_feedback_comment"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(response="utter_feedback_comment_thanks")
        return comment_events(tracker)
