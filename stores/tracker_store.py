"""Rasa's SQL tracker store with personal data masked before it is written.

Use in ``endpoints.yml``::

    tracker_store:
      type: stores.tracker_store.PrivacyTrackerStore

Tables, sessions, the query for the latest conversation session, PostgreSQL and SQLite
are Rasa's own ``SQLTrackerStore``. This subclass changes *what* is written, because Rasa
Open Source has no hook for that (the anonymisation pipeline is a Rasa Pro feature):

* user text, ``parse_data.text`` and entity values: e-mail addresses, phone numbers,
  IBANs, dates, street addresses and names the user introduces masked (``common.masking``), cut to
  ``MAX_MESSAGE_CHARS``;
* metadata the channel sent with a user message (and the ``session_started_metadata``
  slot) is dropped, so that nothing but the channel's sender id identifies a user.

It reads and writes the same rows with less work per message (rasa_internals/sql_store.py).

The bot's own messages are stored unchanged: they quote offerings' public phone numbers.
The NLU and the actions still see the unmasked text while the message is handled; once
the conversation is read back from the store (next message), it is masked too.
When the database cannot be reached (a restart), reading and writing are tried again every
``RETRY_S`` for up to ``OUTAGE_WAIT_SECONDS``; the message waits meanwhile. After that the
error goes to the channel (rasa_internals/resilience.py), and nothing of the message is stored.
Connection settings come from ``endpoints.yml`` or environment variables (``common.settings``, docs/einstellungen.md).
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Awaitable, Callable, Dict, Optional, Text, TypeVar

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.shared.constants import ASSISTANT_ID_KEY
from rasa.shared.core.constants import SESSION_START_METADATA_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from common import masking, settings
from rasa_internals.sql_store import LeanSQLTrackerStore

logger = logging.getLogger(__name__)

#: Seconds between two attempts while the database cannot be reached.
RETRY_S = 0.25
T = TypeVar("T")

#: Event metadata that Rasa itself adds and that says nothing about the user.
KEPT_METADATA = ("model_id", ASSISTANT_ID_KEY)


def _clean_metadata(metadata: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    return {key: value for key, value in (metadata or {}).items() if key in KEPT_METADATA}


def private_user_event(event: UserUttered, max_chars: int) -> UserUttered:
    """A copy of ``event`` with personal data masked, long text cut and channel metadata dropped."""
    data = event.as_dict()
    if data.get("text"):
        data["text"] = masking.cap(masking.mask(data["text"]), max_chars)
    parse_data = dict(data.get("parse_data") or {})
    if parse_data.get("text"):
        parse_data["text"] = masking.cap(masking.mask(parse_data["text"]), max_chars)
    parse_data["entities"] = [
        {**entity, "value": masking.mask(entity["value"])} if isinstance(entity.get("value"), str) else entity
        for entity in parse_data.get("entities") or []
    ]
    if "metadata" in parse_data:
        parse_data["metadata"] = _clean_metadata(parse_data["metadata"])
    data["parse_data"] = parse_data
    data["metadata"] = _clean_metadata(data.get("metadata"))
    return Event.from_parameters(data)  # type: ignore[return-value]


def private_event(event: Event, max_chars: int) -> Event:
    """``event`` as it may be stored: user messages masked, session metadata dropped."""
    if isinstance(event, UserUttered):
        return private_user_event(event, max_chars)
    if isinstance(event, SlotSet) and event.key == SESSION_START_METADATA_SLOT and event.value:
        return SlotSet(SESSION_START_METADATA_SLOT, None, timestamp=event.timestamp,
                       metadata=_clean_metadata(event.metadata))
    return event


def _sqlite_fast_commit(connection: Any, _record: Any) -> None:
    """SQLite in write-ahead-log mode, synced at checkpoints rather than at every commit.

    A crash of the bot loses nothing; a power cut may lose the last messages, never the
    database. Without this every message waited for disk syncs.
    """
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class PrivacyTrackerStore(LeanSQLTrackerStore):
    """Rasa's ``SQLTrackerStore`` (via rasa_internals.sql_store) that masks personal data in user messages before storing them."""

    def __init__(self, domain: Optional[Domain] = None, event_broker: Optional[EventBroker] = None,
                 **kwargs: Any) -> None:
        known = {key: kwargs.pop(key, None) for key in settings.DB_VARS}
        db = settings.db_settings(known)
        self.max_chars = settings.number("MAX_MESSAGE_CHARS")
        self.outage_wait = settings.decimal("OUTAGE_WAIT_SECONDS")
        super().__init__(domain=domain, event_broker=event_broker, **db, **kwargs)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_fast_commit)
        logger.info("tracker store: %s, personal data masked", self.engine.dialect.name)

    async def read(self, sender_id: Text, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        return await self._reaching_database(
            lambda: super(PrivacyTrackerStore, self).read(sender_id, fetch_events_from_all_sessions), "read")

    async def write(self, tracker: DialogueStateTracker) -> None:
        await self._reaching_database(lambda: super(PrivacyTrackerStore, self).write(tracker), "write")

    async def _reaching_database(self, step: Callable[[], Awaitable[T]], what: Text) -> T:
        """``await step()``; while the database cannot be reached, try again up to ``outage_wait`` seconds."""
        first_failure: Optional[float] = None
        while True:
            try:
                return await step()
            except sa.exc.DBAPIError as error:
                if not (isinstance(error, sa.exc.OperationalError) or error.connection_invalidated):
                    raise
                now = time.monotonic()
                first_failure = first_failure or now
                if now - first_failure >= self.outage_wait:
                    logger.error("tracker store: database not reachable for %.0f s, could not %s a conversation",
                                 self.outage_wait, what)
                    raise
                if now == first_failure:
                    logger.warning("tracker store: database not reachable (%s); waiting up to %.0f s",
                                   str(error.orig).strip().splitlines()[0] if error.orig else error, self.outage_wait)
                await asyncio.sleep(RETRY_S)

    def to_store(self, event: Event) -> Event:
        """User messages masked and cut, session metadata dropped (``private_event``)."""
        return private_event(event, self.max_chars)

    @property
    def dialect(self) -> Text:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name
