"""Two repairs for faults, always installed by ``rasa_internals.install()`` (docs/betrieb.md).

``fail_loudly``: Rasa wraps the tracker store in ``FailSafeTrackerStore``. When the database
cannot be reached, it answers from an empty conversation and keeps the result in memory:
the user gets HTTP 200 and a reply without context, and the message is lost when the
database returns. Rasa 3.6 has no setting against it, but the wrapper takes a public
``on_tracker_store_error`` callback, which runs inside its ``except`` block: raising there
lets the error through. Agent creation is the only place that builds the wrapper, so
``Agent._create_tracker_store`` is replaced to pass that callback. The message then fails
as a whole (nothing stored, the channel reports the error: channels/rest.py,
channels/socketio.py), after the store's own retries (stores/tracker_store.py).

``honest_reply_without_actions``: when the action server cannot be reached, Rasa logs the
error and goes on without the action's events: the user gets no answer at all.
``RemoteAction.run`` is wrapped: a connection closed before any answer (a kept-alive
connection to an action server that restarted) is tried once more; if the action server
still does not answer, the reply is the response ``UNAVAILABLE_RESPONSE`` from domain.yml
in the user's language ("Ich kann gerade keine Angebote abrufen ...") instead of silence.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, List, Optional

import aiohttp

logger = logging.getLogger(__name__)

#: Response (domain.yml) sent when a custom action cannot be run.
UNAVAILABLE_RESPONSE = "utter_actions_unavailable"


def _raise(error: Exception) -> None:
    raise error


def fail_loudly() -> None:
    """Tracker-store errors reach the channel instead of a silent in-memory fallback."""
    from rasa.core.agent import Agent
    from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore

    def create(store: Optional[Any], domain: Any) -> FailSafeTrackerStore:
        if store is not None:
            store.domain = domain
        else:
            store = InMemoryTrackerStore(domain)
        return FailSafeTrackerStore(store, on_tracker_store_error=_raise)

    Agent._create_tracker_store = staticmethod(create)


def _closed_before_answer(error: BaseException) -> bool:
    return isinstance(error.__cause__, aiohttp.ServerDisconnectedError)


def honest_reply_without_actions() -> None:
    """A custom action whose server does not answer becomes the reply ``UNAVAILABLE_RESPONSE``."""
    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction, create_bot_utterance
    from rasa.shared.exceptions import RasaException

    original = RemoteAction.run
    if getattr(original, "_honest_reply", False):
        return

    async def call(self: RemoteAction, *args: Any) -> List[Any]:
        try:
            return await original(self, *args)
        except (RasaException, aiohttp.ClientError) as error:
            if isinstance(error, ActionExecutionRejection) or not _closed_before_answer(error):
                raise
        return await original(self, *args)  # once more: a kept-alive connection the restarted server had closed

    async def run(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Any]:
        try:
            return await call(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise
        except (RasaException, aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.error("action server unavailable: %s failed (%s: %s); replied with %s", self.name(),
                         type(error.__cause__ or error).__name__, error, UNAVAILABLE_RESPONSE)
            message = await nlg.generate(UNAVAILABLE_RESPONSE, tracker, output_channel.name())
            return [create_bot_utterance(message)] if message else []

    run._honest_reply = True  # type: ignore[attr-defined]
    RemoteAction.run = run


#: name -> installer; all are always installed.
FIXES = {"fail_loudly": fail_loudly, "honest_reply_without_actions": honest_reply_without_actions}
