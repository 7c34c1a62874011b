"""`python -m stores.retention` (make retention) deletes old conversations in the bot's database."""
from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from stores.tracker_store import PrivacyTrackerStore

ROOT = Path(__file__).resolve().parents[2]
DAY = 24 * 3600


def count_events(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT COUNT(*) FROM events").fetchone()[0])


def test_retention_command_uses_the_bots_database(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "conversations.db"
    monkeypatch.setenv("DB_NAME", str(db))
    monkeypatch.delenv("DB_DIALECT", raising=False)
    domain = Domain.load(str(ROOT / "domain.yml"))
    store = PrivacyTrackerStore(domain=domain)
    old = time.time() - 10 * DAY
    message = UserUttered("alt", {"name": "greet", "confidence": 1.0}, timestamp=old)
    asyncio.run(store.save(DialogueStateTracker.from_events("u", [message], domain.slots)))
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text("action_endpoint:\n  url: ${UNSET_VARIABLE}\ntracker_store:\n"
                         "  type: stores.tracker_store.PrivacyTrackerStore\n  db: ${TEST_DB}\n")
    env = {"TEST_DB": str(db), "PATH": "/usr/bin:/bin", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    run = [sys.executable, "-m", "stores.retention", "--endpoints", str(endpoints)]
    kept = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert "deleted 0 events older than 30 days" in kept.stdout and count_events(db) == 1
    gone = subprocess.run(run + ["--days", "7"], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert "deleted 1 events older than 7 days" in gone.stdout and count_events(db) == 0
