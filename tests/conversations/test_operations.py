"""Security, privacy and operations of the running bot (SQLite tracker store, API with token).

The bot runs as the `servers` fixture starts it (conftest.py, `bot_env`): conversations in a
SQLite file, Rasa's HTTP API enabled only with a token, CORS for one origin.
"""
from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path
from typing import Dict, List

import requests
from conftest import Bot

PHONE, EMAIL = "0171 2345678", "erika.musterfrau@example.org"


def base(servers: str) -> str:
    return servers.split("/webhooks/")[0]


def stored(db: str, sender: str) -> List[Dict]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id", (sender,))
        return [dict(json.loads(data), type_name=kind) for kind, data in rows]


def test_http_api_rejects_calls_without_the_token(servers: str, bot_env: Dict[str, str]) -> None:
    url = base(servers)
    for method, path in [("get", "/status"), ("get", "/conversations/someone/tracker"),
                         ("put", "/model"), ("post", "/model/parse"), ("get", "/domain")]:
        assert getattr(requests, method)(url + path, timeout=10).status_code == 401, path
        assert getattr(requests, method)(url + path, params={"token": "wrong"}, timeout=10).status_code == 401
    assert requests.get(url + "/status", params={"token": bot_env["RASA_TOKEN"]}, timeout=10).status_code == 200


def test_cors_only_for_the_configured_origin(servers: str, bot_env: Dict[str, str]) -> None:
    allowed = bot_env["CORS_ORIGINS"]
    ok = requests.get(base(servers) + "/", headers={"Origin": allowed}, timeout=10)
    assert ok.headers.get("Access-Control-Allow-Origin") == allowed
    evil = requests.get(base(servers) + "/", headers={"Origin": "https://evil.example"}, timeout=10)
    assert "Access-Control-Allow-Origin" not in evil.headers


def test_socketio_refuses_pages_of_other_origins(servers: str, bot_env: Dict[str, str]) -> None:
    """The WebSocket/polling endpoint: the configured origin and the bot's own pages only."""
    url = base(servers) + "/socket.io/"
    params = {"EIO": "4", "transport": "polling"}
    own = base(servers)  # the widget served by the bot itself
    for origin, status in ((bot_env["CORS_ORIGINS"], 200), (own, 200), (None, 200), ("https://evil.example", 400)):
        headers = {"Origin": origin} if origin else {}
        answer = requests.get(url, params=params, headers=headers, timeout=10)
        assert answer.status_code == status, origin
        if status == 200:
            assert answer.text.startswith("0{") and '"sid"' in answer.text  # an engine.io handshake
    evil_ws = requests.get(url, params={"EIO": "4", "transport": "websocket"}, timeout=10,
                           headers={"Origin": "https://evil.example", "Connection": "Upgrade", "Upgrade": "websocket",
                                    "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
    assert evil_ws.status_code == 400


def test_an_oversized_message_gets_a_clear_reply(bot: Bot, bot_env: Dict[str, str]) -> None:
    text = bot.text(bot.say("Ich suche einen Deutschkurs in Kassel. " * 2000))  # 78,000 characters
    assert "Ihre Nachricht ist zu lang" in text and "2000 Zeichen" in text
    longest = max(len(e.get("text") or "") for e in stored(bot_env["DB_NAME"], bot.sender) if e["type_name"] == "user")
    assert longest <= 2001  # stored cut as well
    assert "Angebote für Kassel" in bot.text(bot.say("Ich suche einen Deutschkurs in Kassel"))  # goes on normally
    english = bot.text(bot.say("Please help me, I am looking for a German course in Kassel. " * 100))
    assert "Your message is too long" in english and "2000 characters" in english


def test_stored_conversation_has_no_phone_or_email_but_the_conversation(bot: Bot, bot_env: Dict[str, str]) -> None:
    replies = bot.say(f"Wo finde ich einen Deutschkurs in Kassel? Meine Nummer ist {PHONE}, Mail {EMAIL}")
    answer = bot.text(replies)
    assert "Angebote für Kassel" in answer
    events = stored(bot_env["DB_NAME"], bot.sender)
    raw = json.dumps(events, ensure_ascii=False)
    assert "2345678" not in raw and "musterfrau" not in raw
    user = [e for e in events if e["type_name"] == "user"]
    assert user[-1]["text"] == "Wo finde ich einen Deutschkurs in Kassel? Meine Nummer ist [TELEFON], Mail [E-MAIL]"
    assert user[-1]["parse_data"]["intent"]["name"] == "ask_deutschkurs"
    bot_texts = [e.get("text") for e in events if e["type_name"] == "bot"]
    assert replies[0]["text"] in bot_texts  # the bot's answers (with offerings' numbers) are kept
    assert any(e["type_name"] == "slot" and e.get("name") == "place" for e in events)


def test_logs_at_info_hold_no_message_text(bot: Bot, bot_env: Dict[str, str]) -> None:
    marker = f"Zitronenfalter{uuid.uuid4().hex[:6]}"
    bot.say(f"Deutschkurs {marker} in Kassel, Telefon {PHONE}")
    rasa_log = (Path(bot_env["LOG_DIR"]) / "rasa.log").read_text(errors="replace")
    logs = rasa_log + (Path(bot_env["LOG_DIR"]) / "actions.log").read_text(errors="replace")
    assert marker not in logs and "2345678" not in logs
    entries = [json.loads(line) for line in rasa_log.splitlines() if line.startswith("{")]
    assert any(e.get("message") == "Rasa server is up and running." and e["level"] == "info" for e in entries)
    assert {"time", "level", "logger"} <= set(entries[0])


def test_health_reports_every_part_ok(servers: str) -> None:
    answer = requests.get(base(servers) + "/webhooks/health/", timeout=10)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"model", "action_server", "tracker_store", "lock_store"}
    assert body["checks"]["tracker_store"] == {"ok": True, "type": "PrivacyTrackerStore", "dialect": "sqlite"}
