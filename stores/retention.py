"""Deletes stored conversations older than the retention period.

    python -m stores.retention [--days N] [--endpoints endpoints.yml] [--dry-run]

Every stored event (user message, bot reply, slot, ...) older than ``N`` days is
deleted; ``N`` is ``--days``, else ``RETENTION_DAYS``, else 30. A conversation whose
last message is older than that disappears completely; of a conversation that is still
going on, only the part older than ``N`` days goes. The database is the one the bot
uses: ``tracker_store`` in the endpoints file plus the ``DB_*`` environment variables.
Meant to run daily (cron or systemd timer, see docs/datenschutz.md); prints one line with the counts.
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any, Dict, Optional, Sequence, Tuple

import sqlalchemy as sa
import yaml
from rasa.core.tracker_store import SQLTrackerStore

from common import settings
from stores.tracker_store import PrivacyTrackerStore

DAY = 24 * 60 * 60


def purge(store: SQLTrackerStore, days: int, now: Optional[float] = None,
          dry_run: bool = False) -> Tuple[int, int]:
    """Delete events older than ``days``; returns (deleted events, conversations removed entirely)."""
    if days < 1:
        raise ValueError("the retention period must be at least one day")
    cutoff = (time.time() if now is None else now) - days * DAY
    event = store.SQLEvent
    with store.session_scope() as session:
        old = session.query(event).filter(event.timestamp < cutoff)
        count = old.count()
        # conversations whose newest event is older than the cutoff vanish completely
        finished = session.query(event.sender_id).group_by(event.sender_id).having(
            sa.func.max(event.timestamp) < cutoff).count()
        if not dry_run:
            old.delete(synchronize_session=False)
            session.commit()
    return count, finished


def tracker_store_config(endpoints: Optional[str]) -> Dict[str, Any]:
    """The ``tracker_store`` section of the endpoints file, ``${VAR}`` expanded.

    Read with PyYAML rather than Rasa's reader, which would insist on every variable of
    every section (e.g. ``ACTION_ENDPOINT_URL``) although only this section is needed.
    """
    if not endpoints or not Path(endpoints).is_file():
        return {}
    section = (yaml.safe_load(Path(endpoints).read_text(encoding="utf-8")) or {}).get("tracker_store") or {}
    config = {key: os.path.expandvars(value) if isinstance(value, str) else value for key, value in section.items()}
    unset = [value for value in config.values() if isinstance(value, str) and "${" in value]
    if unset:
        raise SystemExit(f"retention: environment variables not set: {', '.join(unset)}")
    config.pop("type", None)
    if "url" in config:
        config["host"] = config.pop("url")
    return config


def open_store(endpoints: Optional[str]) -> PrivacyTrackerStore:
    """The bot's tracker store, configured as for ``rasa run``."""
    return PrivacyTrackerStore(domain=None, **tracker_store_config(endpoints))


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=settings.number("RETENTION_DAYS"),
                        help="keep this many days (default: RETENTION_DAYS or 30)")
    parser.add_argument("--endpoints", default="endpoints.yml", help="Rasa endpoints file (tracker_store)")
    parser.add_argument("--dry-run", action="store_true", help="only count, delete nothing")
    args = parser.parse_args(argv)
    store = open_store(args.endpoints)
    events, conversations = purge(store, args.days, dry_run=args.dry_run)
    verb = "would delete" if args.dry_run else "deleted"
    print(f"retention: {verb} {events} events older than {args.days} days; "
          f"{conversations} conversations removed entirely ({store.dialect})")


if __name__ == "__main__":
    main()
