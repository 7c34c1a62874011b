"""Reads the events of a period from the bot's tracker store (SQLite or PostgreSQL).

The database is the one the bot uses: ``tracker_store`` in endpoints.yml plus the ``DB_*``
environment variables (``common.settings.db_settings``, as for ``make retention``); without
them the SQLite file var/conversations.db. Only reads: a missing SQLite file is an error,
not a new empty database.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, Optional, Tuple

from common import settings
from stores import retention
from stores.tracker_store import PrivacyTrackerStore


@dataclass(frozen=True)
class Period:
    """From ``start`` (inclusive) to ``end`` (exclusive), as Unix timestamps."""

    start: float
    end: float


class NoDatabase(Exception):
    """The SQLite file of the tracker store does not exist."""


def open_store(endpoints: Optional[str] = "endpoints.yml") -> PrivacyTrackerStore:
    """The bot's tracker store, configured as for ``rasa run`` (endpoints file, DB_* variables)."""
    config = retention.tracker_store_config(endpoints)
    db = settings.db_settings({key: config.get(key) for key in settings.DB_VARS})
    if db["dialect"] == "sqlite" and not Path(db["db"]).is_file():
        raise NoDatabase(f"Keine Gesprächsdatenbank gefunden: {db['db']} (DB_NAME, DB_DIALECT; docs/bericht.md)")
    return PrivacyTrackerStore(domain=None, **config)


def events(store: PrivacyTrackerStore, period: Period) -> Iterator[Tuple[str, Dict[str, Any]]]:
    """``(sender_id, event data)`` of the period, by sender, in the order they were stored."""
    event = store.SQLEvent
    with store.session_scope() as session:
        query = (session.query(event.sender_id, event.data)
                 .filter(event.timestamp >= period.start, event.timestamp < period.end)
                 .order_by(event.sender_id, event.id))
        for sender_id, data in query.yield_per(2000):
            yield sender_id, json.loads(data)
