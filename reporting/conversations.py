"""Stored tracker events -> typed conversation records (no sender ids).

A conversation is one session of one user (Rasa starts a new session after an hour of
silence, ``session_config`` in domain.yml) with at least one user message. The events of
one sender come in the order they were stored; slots carry over to the next session as
they do in the bot. What is read (the event contract with the feedback buttons,
issue 17):

* user messages: masked text as stored, intent and its confidence, the likeliest topic
  intent besides ``nlu_fallback``; button payloads start with ``/``;
* slot ``language`` (set before the bot acts on a message, only when it changes);
* an answer with offerings: ``action_find_offerings`` that sets the slot ``topic``; the
  slots ``place`` and ``answer_scope`` (local, regional, land, none) after it;
* ``action_clarify``: the bot asked back;
* slot ``feedback`` = helpful | not_helpful: a rating of the last answer; slot
  ``feedback_comment`` = true on the user turn that answered "Was hat gefehlt?".
"""
from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple

FALLBACK_INTENT = "nlu_fallback"
OUT_OF_SCOPE_INTENT = "out_of_scope"
CRISIS_INTENT = "crisis"
CLARIFY_ACTION = "action_clarify"
ANSWER_ACTION = "action_find_offerings"
RATINGS = ("helpful", "not_helpful")


def day_of(timestamp: float) -> dt.date:
    """The local calendar day of a stored timestamp (the machine's time zone)."""
    return dt.datetime.fromtimestamp(float(timestamp)).date()


@dataclass
class Message:
    """One user message."""

    day: dt.date
    text: str  # masked as stored
    intent: Optional[str]
    confidence: Optional[float]
    #: The likeliest intent other than nlu_fallback (what the bot would have guessed).
    guess: Optional[str]
    language: Optional[str] = None
    clarified: bool = False  # the bot answered with action_clarify
    comment: bool = False  # the answer to "Was hat gefehlt?"

    @property
    def typed(self) -> bool:
        """Typed by the user, not a button payload (``/intent{...}``)."""
        return not self.text.startswith("/")


@dataclass
class Answer:
    """An answer with offerings."""

    day: dt.date
    topic: str
    place: Optional[str]  # slot value: official place name, "Hessen", or what the user typed
    scope: Optional[str]  # answer_scope: local, regional, land, none (None: not recorded)


@dataclass
class Rating:
    """Feedback on the last answer."""

    rating: str  # helpful | not_helpful
    topic: Optional[str]
    place: Optional[str]
    scope: Optional[str]
    comment: Optional[str] = None  # "Was hat gefehlt?", masked as stored


@dataclass
class Conversation:
    day: dt.date
    messages: List[Message] = field(default_factory=list)
    answers: List[Answer] = field(default_factory=list)
    ratings: List[Rating] = field(default_factory=list)
    clarifications: int = 0


def _guess(parse_data: Dict[str, Any]) -> Optional[str]:
    for candidate in parse_data.get("intent_ranking") or []:
        name = candidate.get("name")
        if name and name != FALLBACK_INTENT:
            return name
    return None


class _Reader:
    """Walks the events of one sender."""

    def __init__(self) -> None:
        self.slots: Dict[str, Any] = {}
        self.current: Optional[Conversation] = None
        self.done: List[Conversation] = []
        self.action: Optional[str] = None  # the action whose events follow
        self.action_slots: Dict[str, Any] = {}
        self.unlabelled: Optional[Message] = None  # waiting for its language

    def close_action(self) -> None:
        if self.action == ANSWER_ACTION and "topic" in self.action_slots and self.current and self.slots.get("topic"):
            day = self.current.messages[-1].day if self.current.messages else self.current.day
            self.current.answers.append(Answer(day, str(self.slots["topic"]), self._text_slot("place"),
                                               self._text_slot("answer_scope") if "answer_scope" in self.action_slots
                                               else None))
        self.action, self.action_slots = None, {}

    def _text_slot(self, name: str) -> Optional[str]:
        value = self.slots.get(name)
        return str(value) if value not in (None, "") else None

    def label_language(self) -> None:
        if self.unlabelled is not None:
            self.unlabelled.language = self._text_slot("language")
            self.unlabelled = None

    def close_conversation(self) -> None:
        self.close_action()
        self.label_language()
        if self.current and self.current.messages:
            self.done.append(self.current)
        self.current = None

    def event(self, data: Dict[str, Any]) -> None:
        kind = data.get("event")
        timestamp = data.get("timestamp") or 0
        if kind == "session_started":
            self.close_conversation()
            return
        if self.current is None:
            self.current = Conversation(day_of(timestamp))
        if kind == "user":
            self.close_action()
            self.label_language()
            parse_data = data.get("parse_data") or {}
            intent = parse_data.get("intent") or {}
            if not self.current.messages:
                self.current.day = day_of(timestamp)
            message = Message(day_of(timestamp), str(data.get("text") or ""), intent.get("name"),
                              intent.get("confidence"), _guess(parse_data))
            self.current.messages.append(message)
            self.unlabelled = message
        elif kind == "action":
            self.close_action()
            self.label_language()
            self.action = data.get("name")
            if self.action == CLARIFY_ACTION:
                self.current.clarifications += 1
                if self.current.messages:
                    self.current.messages[-1].clarified = True
        elif kind == "slot":
            self.slot(str(data.get("name")), data.get("value"))

    def slot(self, name: str, value: Any) -> None:
        self.slots[name] = value
        if self.action:
            self.action_slots[name] = value
        if name == "language":
            self.label_language()
        elif name == "feedback" and value in RATINGS:
            self.current.ratings.append(Rating(str(value), self._text_slot("topic"), self._text_slot("place"),
                                               self._text_slot("answer_scope")))
        elif name == "feedback_comment" and value is True and self.current.messages:
            message = self.current.messages[-1]
            rated = [r for r in self.current.ratings if r.rating == "not_helpful"]
            if message.typed and rated and rated[-1].comment is None:
                message.comment = True
                rated[-1].comment = message.text


def read(rows: Iterable[Tuple[str, Dict[str, Any]]]) -> Iterator[Conversation]:
    """Conversations from ``(sender_id, event data)`` rows, sorted by sender and then stored order.

    The sender id only separates the conversations; it is not kept."""
    for _sender, events in itertools.groupby(rows, key=lambda row: row[0]):
        reader = _Reader()
        for _, data in events:
            reader.event(data)
        reader.close_conversation()
        yield from reader.done
