"""Buttons as a numbered list, and the user's number back to the button's payload.

Messenger channels cannot always show the bot's buttons: Facebook's quick replies take
at most 13 choices of at most 20 characters, and our topic titles are longer.  There the
choices are written as a numbered list ("1. Einbürgerung") and the user answers with the
number.  Which payload a number means is read from the conversation itself: the last bot
message of the current turn that had buttons (Rasa stores the buttons with the message in
the tracker).  So nothing is kept in the server's memory, and it works with several
Rasa servers sharing one tracker store.
"""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, Iterable, List, Mapping, Optional, Text, Tuple

from rasa.shared.core.events import BotUttered, Event, UserUttered

from common import language
from common.wording import template
from rasa_internals.agent import agent_of

logger = logging.getLogger(__name__)

#: A message that is only a number, e.g. "2", " 2. ", "(2)"
NUMBER = re.compile(r"\s*\(?\s*(\d{1,2})\s*[.)]?\s*")
#: Response in domain.yml with the line under a numbered list ("Antworten Sie mit der Nummer.")
HINT_RESPONSE = "utter_choose_by_number"


def as_list(text: Text, buttons: List[Dict[Text, Any]], hint: Text = "") -> Text:
    """The message text followed by the buttons as a numbered list and the hint."""
    lines = [f"{number}. {button.get('title', '')}" for number, button in enumerate(buttons, start=1)]
    return "\n".join([text, *lines] + ([hint] if hint else []))


def last_buttons(events: Iterable[Event]) -> List[Dict[Text, Any]]:
    """Buttons of the last bot message since the user's last message ([] if none)."""
    buttons: List[Dict[Text, Any]] = []
    for event in events:
        if isinstance(event, UserUttered):
            buttons = []
        elif isinstance(event, BotUttered) and (event.data or {}).get("buttons"):
            buttons = list(event.data["buttons"])
    return buttons


def choose(text: Optional[Text], buttons: List[Dict[Text, Any]]) -> Optional[Text]:
    """The payload the number in ``text`` points to, or None if it is not such a number."""
    match = NUMBER.fullmatch(text or "")
    if not match or not buttons:
        return None
    number = int(match.group(1))
    if 1 <= number <= len(buttons):
        return str(buttons[number - 1].get("payload") or buttons[number - 1].get("title") or "")
    return None


def hint(domain: Mapping[Text, Any], language: Optional[Text]) -> Text:
    """The hint under a numbered list in the user's language, from the domain's responses."""
    return template(domain, HINT_RESPONSE, language)


class NumberedChoices:
    """Prepares a messenger user's message: a typed number becomes the button's payload.

    ``app`` is the Rasa Sanic app (its agent, via rasa_internals.agent, holds the tracker store and domain;
    it is read on every call because Rasa may replace the agent when a new model loads).
    """

    def __init__(self) -> None:
        self.app: Any = None

    @property
    def agent(self) -> Any:
        return agent_of(self.app)

    async def prepare(self, sender_id: Text, text: Optional[Text]) -> Tuple[Optional[Text], Text]:
        """(text to process, hint for numbered lists in the user's language).

        The language follows the same rule as the ``language`` slot (components/language_policy.py):
        this message's language if it is clear, else the conversation's so far.
        """
        agent = self.agent
        if agent is None:
            return text, ""
        tracker = None
        try:
            tracker = await agent.tracker_store.retrieve(sender_id)
        except Exception:  # a store that is down must not swallow the user's message
            logger.exception("numbered choice: tracker of %s not readable", sender_id)
        payload = choose(text, last_buttons(tracker.events if tracker else []))
        resolved = payload or text
        lang = language.detect(resolved) or (tracker.get_slot("language") if tracker else None)
        return resolved, hint(agent.domain.as_dict(), lang) if agent.domain else ""
