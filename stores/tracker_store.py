"""Rasa's SQL tracker store with personal data masked before it is written.

Use in ``endpoints.yml``::

    tracker_store:
      type: stores.tracker_store.PrivacyTrackerStore

Tables, sessions, the query for the latest conversation session, PostgreSQL and SQLite
are Rasa's own ``SQLTrackerStore``. This subclass changes *what* is written, because Rasa
Open Source has no hook for that (the anonymisation pipeline is a Rasa Pro feature):

* user text, ``parse_data.text`` and entity values: e-mail addresses, phone numbers,
  IBANs, dates, street addresses and names the user introduces masked (``stores.masking``), cut to
  ``MAX_MESSAGE_CHARS``;
* metadata the channel sent with a user message (and the ``session_started_metadata``
  slot) is dropped, so that nothing but the channel's sender id identifies a user.

And it reads and writes the same rows with less work per message (measured in
docs/benchmarks.md): new events are inserted with one multi-row ``INSERT`` instead of one
ORM object each, events are read as their JSON column only, and the number of stored events
is not counted again before every write.

The bot's own messages are stored unchanged: they quote offerings' public phone numbers.
The NLU and the actions still see the unmasked text while the message is handled; once
the conversation is read back from the store (next message), it is masked too.
Connection settings come from ``endpoints.yml`` or environment variables (``stores.settings``).
"""
from __future__ import annotations

import itertools
import json
import logging
from typing import Any, Dict, Iterator, Optional, Text

import sqlalchemy as sa

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.constants import ASSISTANT_ID_KEY
from rasa.shared.core.constants import SESSION_START_METADATA_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from stores import masking, settings

logger = logging.getLogger(__name__)

#: Attribute on a tracker read from (or written to) this store: how many of its events are stored.
STORED_EVENTS = "_privacy_store_stored_events"

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
    database. Without this every message waited for disk syncs (~8 % of its time in the profile).
    """
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class PrivacyTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` that masks personal data in user messages before storing them."""

    def __init__(self, domain: Optional[Domain] = None, event_broker: Optional[EventBroker] = None,
                 **kwargs: Any) -> None:
        known = {key: kwargs.pop(key, None) for key in settings.ENV_VARS}
        db = settings.db_settings(known)
        self.max_chars = settings.max_message_chars()
        super().__init__(domain=domain, event_broker=event_broker, **db, **kwargs)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_fast_commit)
        logger.info("tracker store: %s, personal data masked", self.engine.dialect.name)

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool
                        ) -> Optional[DialogueStateTracker]:
        """Rasa's query, reading only the events' JSON; the tracker remembers how many are stored."""
        with self.session_scope() as session:
            rows = (self._event_query(session, sender_id, fetch_events_from_all_sessions)
                    .with_entities(self.SQLEvent.data).all())
        if not self.domain or not rows:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, [json.loads(data) for (data,) in rows],
                                                 self.domain.slots)
        if not fetch_events_from_all_sessions and tracker.events.maxlen is None:
            setattr(tracker, STORED_EVENTS, len(tracker.events))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's columns and values, written in one ``INSERT``; then all events count as stored."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            rows = [self._row(tracker.sender_id, event) for event in self._additional_events(session, tracker)]
            if rows:
                session.execute(self.SQLEvent.__table__.insert(), rows)
            session.commit()
        if tracker.events.maxlen is None:
            setattr(tracker, STORED_EVENTS, len(tracker.events))

    @staticmethod
    def _row(sender_id: Text, event: Event) -> Dict[str, Any]:
        """The row Rasa's ``SQLTrackerStore.save`` writes for ``event``."""
        data = event.as_dict()
        return {"sender_id": sender_id, "type_name": event.type_name, "timestamp": data.get("timestamp"),
                "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                "action_name": data.get("name"), "data": json.dumps(data)}

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Event]:
        """The events Rasa's ``save`` writes, each replaced by its private copy.

        Rasa finds the new events by counting the stored ones with an extra query on every
        save. A tracker this store has read or written knows that number already (the
        lock store makes sure nobody else wrote to the conversation in between), so the
        query only runs for trackers from elsewhere.
        """
        stored = getattr(tracker, STORED_EVENTS, None)
        events = (super()._additional_events(session, tracker) if stored is None
                  else itertools.islice(tracker.events, stored, None))
        for event in events:
            yield private_event(event, self.max_chars)

    @property
    def dialect(self) -> Text:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name
