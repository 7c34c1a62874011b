"""Rasa 3.6's ``SQLTrackerStore`` with a hook for what is written, and less work per message.

Used by ``stores.tracker_store.PrivacyTrackerStore``. Rasa Open Source has no hook to change
the events before they are written (its anonymisation pipeline is a Rasa Pro feature), so
this class overrides the store's private ``_retrieve`` and ``_additional_events`` and uses
its ``_event_query``. Tables, sessions, the query for the latest conversation session,
PostgreSQL and SQLite stay Rasa's own. Subclasses override ``to_store(event)``.

Connections are checked before use (``pool_pre_ping``), so a database restart costs no
failed message: Rasa creates the engine without that option, so it is created again here.
A failed write leaves the tracker without its count of stored events, so that writing
again (stores/tracker_store.py retries) counts them anew and stores nothing twice.

Less work per message (measured in docs/benchmarks.md): new events are inserted with one
multi-row ``INSERT`` instead of one ORM object each, events are read as their JSON column
only, and the number of stored events is not counted again before every write.
"""
from __future__ import annotations

import itertools
import json
from typing import Any, Dict, Iterator, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from rasa_internals import check_version

#: Attribute on a tracker read from (or written to) this store: how many of its events are stored.
STORED_EVENTS = "_lean_store_stored_events"


class LeanSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` that writes ``to_store(event)`` for each new event, in one INSERT."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        check_version()
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    def to_store(self, event: Event) -> Event:
        """The event as it is written (here: unchanged)."""
        return event

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool
                        ) -> Optional[DialogueStateTracker]:
        return await self.read(sender_id, fetch_events_from_all_sessions)

    async def read(self, sender_id: Text, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
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
        """Send the events to the event broker (if any), then ``write`` them."""
        await self.stream_events(tracker)
        await self.write(tracker)

    async def write(self, tracker: DialogueStateTracker) -> None:
        """Rasa's columns and values, written in one ``INSERT`` (one transaction: all or nothing);
        then all events count as stored."""
        try:
            with self.session_scope() as session:
                rows = [self._row(tracker.sender_id, event) for event in self._additional_events(session, tracker)]
                if rows:
                    session.execute(self.SQLEvent.__table__.insert(), rows)
                session.commit()
        except Exception:
            if hasattr(tracker, STORED_EVENTS):  # unknown whether the commit arrived: count again next time
                delattr(tracker, STORED_EVENTS)
            raise
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
        """The events Rasa's ``save`` writes, each as ``to_store`` returns it.

        Rasa finds the new events by counting the stored ones with an extra query on every
        save. A tracker this store has read or written knows that number already (the
        lock store makes sure nobody else wrote to the conversation in between), so the
        query only runs for trackers from elsewhere.
        """
        stored = getattr(tracker, STORED_EVENTS, None)
        events = (super()._additional_events(session, tracker) if stored is None
                  else itertools.islice(tracker.events, stored, None))
        for event in events:
            yield self.to_store(event)
