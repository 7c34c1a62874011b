"""The bot on PostgreSQL, configured as an operator would: DB_* variables, HTTP API off.

A second bot (own action server, Rasa server) runs against a throw-away PostgreSQL server
on loopback (scripts/pg_server.py; the Debian package is installed by `make services`).
"""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from typing import Any, Dict, Iterator, List

import pytest
import requests
import sqlalchemy as sa
from conftest import ROOT, Bot, running_bot
from rasa.shared.core.domain import Domain

from scripts import pg_server
from stores.tracker_store import PrivacyTrackerStore

DAY = 24 * 3600
PHONE, EMAIL = "+49 561 9876543", "hans.beispiel@example.net"


@pytest.fixture(scope="module")
def pg_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Any]]:
    """Action server + Rasa server on PostgreSQL; yields URLs, environment and processes."""
    logs = tmp_path_factory.mktemp("pg-logs")
    with pg_server.running() as db_env:
        env = dict(os.environ, **db_env, TF_CPP_MIN_LOG_LEVEL="2", SQLALCHEMY_SILENCE_UBER_WARNING="1",
                   SANIC_HOST="127.0.0.1", CORS_ORIGINS="http://localhost:5005", RASA_TELEMETRY_ENABLED="false")
        env.pop("RASA_TOKEN", None)
        with running_bot(env, logs, "credentials.yml") as bot:
            yield bot


def engine(env: Dict[str, str]) -> sa.engine.Engine:
    return sa.create_engine(f"postgresql://{env['DB_USER']}:{env['DB_PASSWORD']}@{env['DB_HOST']}:"
                            f"{env['DB_PORT']}/{env['DB_NAME']}")


def stored(env: Dict[str, str], sender: str) -> List[Dict[str, Any]]:
    with engine(env).connect() as connection:
        rows = connection.execute(sa.text("SELECT type_name, data FROM events WHERE sender_id = :s ORDER BY id"),
                                  {"s": sender})
        return [dict(json.loads(data), type_name=kind) for kind, data in rows]


def test_conversation_is_stored_in_postgres_without_phone_or_email(pg_bot: Dict[str, Any]) -> None:
    bot = Bot(pg_bot["rest"])
    bot.say("Ich wohne in Marburg")
    answer = bot.text(bot.say(f"Wo gibt es Migrationsberatung? Erreichbar unter {PHONE} oder {EMAIL}"))
    assert "Angebote für Marburg" in answer
    events = stored(pg_bot["env"], bot.sender)
    raw = json.dumps(events, ensure_ascii=False)
    assert "9876543" not in raw and "hans.beispiel" not in raw
    texts = [e["text"] for e in events if e["type_name"] == "user"]
    assert texts == ["Ich wohne in Marburg", "Wo gibt es Migrationsberatung? Erreichbar unter [TELEFON] oder [E-MAIL]"]
    assert any("Marburg" in (e.get("text") or "") for e in events if e["type_name"] == "bot")


def test_conversation_is_read_back_by_another_process(pg_bot: Dict[str, Any]) -> None:
    """What survives a restart: a new store on the same database sees the place the user gave."""
    bot = Bot(pg_bot["rest"])
    bot.say("Ich wohne in Gießen")
    env = pg_bot["env"]
    store = PrivacyTrackerStore(domain=Domain.load(str(ROOT / "domain.yml")), dialect="postgresql",
                                host=env["DB_HOST"], port=env["DB_PORT"], db=env["DB_NAME"],
                                username=env["DB_USER"], password=env["DB_PASSWORD"])
    tracker = asyncio.run(store.retrieve(bot.sender))
    assert tracker is not None and tracker.get_slot("place") == "Gießen"


def test_http_api_is_off_without_a_token(pg_bot: Dict[str, Any]) -> None:
    for path in ("/status", "/conversations/someone/tracker", "/model"):
        assert requests.get(pg_bot["base"] + path, timeout=10).status_code in (404, 405), path


def test_retention_command_on_postgres(pg_bot: Dict[str, Any]) -> None:
    env = pg_bot["env"]
    recent = Bot(pg_bot["rest"])
    recent.say("Deutschkurs in Kassel")
    old = "old-conversation"
    with engine(env).begin() as connection:
        for kind in ("session_started", "user"):
            connection.execute(sa.text("INSERT INTO events (sender_id, type_name, timestamp, data) "
                                       "VALUES (:s, :t, :ts, :d)"),
                               {"s": old, "t": kind, "ts": time.time() - 31 * DAY, "d": json.dumps({"event": kind})})
    done = subprocess.run([sys.executable, "-m", "stores.retention"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "deleted 2 events older than 30 days; 1 conversations removed entirely (postgresql)" in done.stdout
    assert stored(env, old) == [] and len(stored(env, recent.sender)) > 3


def test_health_ok_then_503_when_the_action_server_is_down(pg_bot: Dict[str, Any]) -> None:
    url = pg_bot["base"] + "/webhooks/health/"
    up = requests.get(url, timeout=10)
    assert up.status_code == 200 and up.json()["checks"]["tracker_store"]["dialect"] == "postgresql"
    actions = pg_bot["procs"][0]
    actions.terminate()
    actions.wait(timeout=20)
    down = requests.get(url, timeout=10)
    assert down.status_code == 503
    assert down.json()["status"] == "error" and down.json()["checks"]["action_server"]["ok"] is False
    assert down.json()["checks"]["tracker_store"]["ok"] is True
