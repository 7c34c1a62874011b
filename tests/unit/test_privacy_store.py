"""The privacy tracker store (SQLite): what is stored, what is masked, what retention deletes."""
from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from pathlib import Path
from typing import List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from common import masking, settings
from stores import retention
from stores.tracker_store import PrivacyTrackerStore

ROOT = Path(__file__).resolve().parents[2]
DAY = 24 * 3600
USER_TEXT = "Ich bin unter 0171 2345678 oder max.mustermann@example.org erreichbar. Deutschkurs in Kassel?"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "sub" / "conversations.db"
    for var in settings.DB_VARS.values():
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DB_NAME", str(path))
    return path


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def user(text: str, timestamp: float = None, **metadata: str) -> UserUttered:
    parse_data = {"text": text, "intent": {"name": "ask_deutschkurs", "confidence": 0.9},
                  "entities": [{"entity": "place", "value": "Kassel", "start": 0, "end": 6}], "metadata": metadata}
    return UserUttered(text, parse_data["intent"], parse_data["entities"], parse_data, timestamp=timestamp,
                       input_channel="rest", metadata=dict(metadata, model_id="m1"))


def conversation(sender: str, domain: Domain, events: List[Event]) -> DialogueStateTracker:
    begin = time.time() - 60  # before the events passed in, which are already created
    start = [ActionExecuted("action_session_start", timestamp=begin), SessionStarted(timestamp=begin),
             ActionExecuted("action_listen", timestamp=begin)]
    return DialogueStateTracker.from_events(sender, start + events, domain.slots)


def rows(db: Path, sender: str = None) -> List[dict]:
    query = "SELECT sender_id, type_name, timestamp, data FROM events"
    with sqlite3.connect(db) as connection:
        result = connection.execute(query + (" WHERE sender_id = ?" if sender else ""), (sender,) if sender else ())
        return [{"sender": s, "type": t, "timestamp": ts, "data": json.loads(d)} for s, t, ts, d in result]


def test_masks_phone_numbers_emails_and_more() -> None:
    masked = masking.mask("Tel. +49 (0)69 1234-5678, 0561/12 34 56, a.b-c@web.de, IBAN DE89 3704 0044 0532 0130 00, "
                          "geboren am 12.03.1985, wohnhaft Frankfurter Straße 12a, 35390 Gießen")
    for secret in ("1234-5678", "12 34 56", "a.b-c@web.de", "DE89", "1985", "Frankfurter Straße 12a"):
        assert secret not in masked
    for placeholder in ("[TELEFON]", "[E-MAIL]", "[IBAN]", "[DATUM]", "[ADRESSE]"):
        assert placeholder in masked
    assert "35390 Gießen" in masked  # a postal code alone identifies nobody and stays


def test_masks_names_the_user_introduces() -> None:
    cases = {
        "Ich heiße Ahmed Al-Hassan und suche einen Deutschkurs": "Ich heiße [NAME] und suche einen Deutschkurs",
        "hallo ich heisse maria, wo ist die beratung?": "hallo ich heisse [NAME], wo ist die beratung?",
        "Mein Name ist Olga Petrova. Ich wohne in Kassel": "Mein Name ist [NAME]. Ich wohne in Kassel",
        "Name: Tarek Haddad": "Name: [NAME]",
        "My name is John Smith, I need help": "My name is [NAME], I need help",
        "hi, call me Sam": "hi, call me [NAME]",
    }
    for text, masked in cases.items():
        assert masking.mask(text) == masked


def test_leaves_ordinary_questions_alone() -> None:
    for text in ("Deutschkurs in Kassel", "Notruf 112", "Ich habe 3 Kinder und bin 34 Jahre alt",
                 "Einbürgerungstest 2025", "Platz 2 im Kurs", "Öffnungszeiten 9-12 Uhr",
                 "Wie heißt das Amt in Kassel?", "Der Kurs heißt Deutsch für Frauen", "Wie ist Ihr Name?"):
        assert masking.mask(text) == text


def test_stored_user_text_is_masked_but_bot_replies_and_the_conversation_stay(db: Path, domain: Domain) -> None:
    store = PrivacyTrackerStore(domain=domain)
    tracker = conversation("u1", domain, [user(USER_TEXT, user_ip="10.1.2.3"),
                                          BotUttered("Sprachtreff Kassel, Telefon: 0561 7654321")])
    asyncio.run(store.save(tracker))
    stored = rows(db, "u1")
    raw = json.dumps([r["data"] for r in stored])
    assert "2345678" not in raw and "mustermann" not in raw and "10.1.2.3" not in raw
    message = next(r["data"] for r in stored if r["type"] == "user")
    assert message["text"] == message["parse_data"]["text"] == (
        "Ich bin unter [TELEFON] oder [E-MAIL] erreichbar. Deutschkurs in Kassel?")
    assert message["metadata"] == {"model_id": "m1"} and message["parse_data"]["intent"]["name"] == "ask_deutschkurs"
    assert any(r["data"].get("text") == "Sprachtreff Kassel, Telefon: 0561 7654321" for r in stored)
    restored = asyncio.run(store.retrieve("u1"))
    assert [e.text for e in restored.events if isinstance(e, UserUttered)] == [message["text"]]


def test_only_new_events_are_added_on_the_next_save(db: Path, domain: Domain) -> None:
    store = PrivacyTrackerStore(domain=domain)
    asyncio.run(store.save(conversation("u2", domain, [user("Hallo 0171 2345678")])))
    tracker = asyncio.run(store.retrieve("u2"))
    tracker.update(user("Und in Marburg?"))
    asyncio.run(store.save(tracker))
    texts = [r["data"]["text"] for r in rows(db, "u2") if r["type"] == "user"]
    assert texts == ["Hallo [TELEFON]", "Und in Marburg?"]


def test_a_tracker_read_from_the_store_is_saved_without_counting_its_stored_events(db: Path, domain: Domain) -> None:
    """The count query Rasa runs on every save is skipped, and still every event lands once, in order."""
    import sqlalchemy as sa

    store = PrivacyTrackerStore(domain=domain)
    statements: List[str] = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *args: statements.append(args[2].lower()))
    asyncio.run(store.save(conversation("u3", domain, [user("Hallo")])))
    for turn in ("Deutschkurs in Kassel", "und die Telefonnummer?"):
        tracker = asyncio.run(store.retrieve("u3"))
        tracker.update(user(turn))
        tracker.update(BotUttered(f"Antwort auf {turn}"))
        asyncio.run(store.save(tracker))
        tracker.update(ActionExecuted("action_listen"))
        asyncio.run(store.save(tracker))  # a second save of the same tracker adds only the new event
    counts = [sql for sql in statements if "count(" in sql]
    assert len(counts) == 1  # only for the tracker that was not read from the store
    stored = [(r["type"], r["data"].get("text") or r["data"].get("name")) for r in rows(db, "u3")]
    assert stored[3:] == [("user", "Hallo"),
                          ("user", "Deutschkurs in Kassel"), ("bot", "Antwort auf Deutschkurs in Kassel"),
                          ("action", "action_listen"),
                          ("user", "und die Telefonnummer?"), ("bot", "Antwort auf und die Telefonnummer?"),
                          ("action", "action_listen")]


def test_rows_are_the_ones_rasas_sql_store_writes_in_one_insert(db: Path, domain: Domain, tmp_path: Path) -> None:
    """Same columns and values as Rasa's ``SQLTrackerStore`` (nothing to mask here), one INSERT per save,
    and each store reads what the other wrote."""
    import sqlalchemy as sa
    from rasa.core.tracker_store import SQLTrackerStore

    tracker = conversation("u5", domain, [user("Deutschkurs in Kassel"), ActionExecuted("action_find_offerings"),
                                          SlotSet("place", "Kassel"), BotUttered("Sprachtreff Kassel"),
                                          ActionExecuted("action_listen")])
    ours, rasas = PrivacyTrackerStore(domain=domain), SQLTrackerStore(domain, db=str(tmp_path / "rasa.db"))
    statements: List[str] = []
    sa.event.listen(ours.engine, "before_cursor_execute", lambda *args: statements.append(args[2].lower()))
    asyncio.run(rasas.save(tracker))
    asyncio.run(ours.save(tracker))
    assert len([sql for sql in statements if sql.lstrip().startswith("insert")]) == 1

    def columns(path: Path) -> List[tuple]:
        with sqlite3.connect(path) as connection:
            return connection.execute("SELECT id, sender_id, type_name, timestamp, intent_name, action_name, data "
                                      "FROM events ORDER BY id").fetchall()

    assert columns(db) == columns(tmp_path / "rasa.db") and len(columns(db)) == 8
    assert [r[4] for r in columns(db) if r[2] == "user"] == ["ask_deutschkurs"]
    mine, theirs = asyncio.run(ours.retrieve("u5")), asyncio.run(rasas.retrieve("u5"))
    assert list(mine.events) == list(theirs.events) == list(tracker.events)
    assert mine.get_slot("place") == "Kassel"


def test_a_new_session_on_a_read_tracker_stores_only_its_new_events(db: Path, domain: Domain) -> None:
    store = PrivacyTrackerStore(domain=domain)
    asyncio.run(store.save(conversation("u4", domain, [user("Hallo")])))
    tracker = asyncio.run(store.retrieve("u4"))
    later = time.time() + 5
    for event in (ActionExecuted("action_session_start", timestamp=later), SessionStarted(timestamp=later),
                  ActionExecuted("action_listen", timestamp=later), user("Neue Frage", timestamp=later + 1)):
        tracker.update(event)
    asyncio.run(store.save(tracker))
    assert [r["type"] for r in rows(db, "u4")].count("session_started") == 2
    assert [r["data"]["text"] for r in rows(db, "u4") if r["type"] == "user"] == ["Hallo", "Neue Frage"]
    latest = asyncio.run(store.retrieve("u4"))
    assert [e.text for e in latest.events if isinstance(e, UserUttered)] == ["Neue Frage"]


def test_sqlite_runs_in_write_ahead_log_mode(db: Path, domain: Domain) -> None:
    store = PrivacyTrackerStore(domain=domain)
    asyncio.run(store.save(conversation("u5", domain, [user("Hallo")])))
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


def test_long_text_is_cut_and_session_metadata_dropped(db: Path, domain: Domain, monkeypatch) -> None:
    monkeypatch.setenv("MAX_MESSAGE_CHARS", "50")
    store = PrivacyTrackerStore(domain=domain)
    tracker = conversation("u3", domain, [SlotSet("session_started_metadata", {"phone": "0171 2345678"}),
                                          user("x" * 10_000)])
    asyncio.run(store.save(tracker))
    stored = rows(db, "u3")
    assert "0171" not in json.dumps([r["data"] for r in stored])
    assert next(r["data"]["text"] for r in stored if r["type"] == "user") == "x" * 50 + "…"


def test_sqlite_is_the_default_and_postgres_comes_from_the_environment(tmp_path: Path) -> None:
    assert settings.db_settings({}, {"DB_NAME": str(tmp_path / "a.db")}) == {"dialect": "sqlite",
                                                                             "db": str(tmp_path / "a.db")}
    env = {"DB_DIALECT": "postgresql", "DB_HOST": "db", "DB_USER": "rasa", "DB_PASSWORD": "pw"}
    pg = settings.db_settings({"port": ""}, env)
    assert pg["dialect"] == "postgresql" and pg["host"] == "db" and pg["port"] == 5432 and pg["db"] == "rasa"
    assert settings.db_settings({"host": "other"}, env)["host"] == "other"  # endpoints.yml wins
    assert settings.number("RETENTION_DAYS", {}) == 30 and settings.number("RETENTION_DAYS", {"RETENTION_DAYS": "7"}) == 7


def test_retention_deletes_old_conversations_and_keeps_recent_ones(db: Path, domain: Domain) -> None:
    store = PrivacyTrackerStore(domain=domain)
    now = time.time()
    old, recent = now - 40 * DAY, now - 2 * DAY
    asyncio.run(store.save(DialogueStateTracker.from_events(
        "old", [SessionStarted(timestamp=old), user("Deutschkurs?", timestamp=old)], domain.slots)))
    asyncio.run(store.save(DialogueStateTracker.from_events(
        "recent", [SessionStarted(timestamp=recent), user("Einbürgerung?", timestamp=recent)], domain.slots)))
    asyncio.run(store.save(DialogueStateTracker.from_events(
        "both", [user("alt", timestamp=old), user("neu", timestamp=recent)], domain.slots)))
    assert retention.purge(store, 30, now=now, dry_run=True) == (3, 1)
    assert len(rows(db)) == 6
    assert retention.purge(store, 30, now=now) == (3, 1)
    assert {r["sender"] for r in rows(db)} == {"recent", "both"}
    assert [r["data"]["text"] for r in rows(db, "both")] == ["neu"]
    assert retention.purge(store, 30, now=now) == (0, 0)
    with pytest.raises(ValueError):
        retention.purge(store, 0)


def _outage() -> Exception:
    import sqlalchemy as sa

    return sa.exc.OperationalError("INSERT", {}, Exception("server closed the connection unexpectedly"))


def test_a_write_during_a_database_restart_is_retried_and_stored_exactly_once(db: Path, domain: Domain,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    store = PrivacyTrackerStore(domain=domain)
    asyncio.run(store.save(conversation("u9", domain, [user("Hallo")])))
    tracker = asyncio.run(store.retrieve("u9"))
    tracker.update(user("Und in Marburg?"))
    tracker.update(BotUttered("Angebote für Marburg"))
    real_row, failures = PrivacyTrackerStore._row, [2]

    def row_while_the_database_restarts(sender_id: str, event: Event) -> dict:
        if failures[0]:
            failures[0] -= 1
            raise _outage()
        return real_row(sender_id, event)

    monkeypatch.setattr(PrivacyTrackerStore, "_row", staticmethod(row_while_the_database_restarts))
    asyncio.run(store.save(tracker))
    stored = [r["data"].get("text") for r in rows(db, "u9") if r["type"] in ("user", "bot")]
    assert stored == ["Hallo", "Und in Marburg?", "Angebote für Marburg"] and failures == [0]


def test_a_database_that_stays_away_is_an_error_after_the_outage_wait(db: Path, domain: Domain) -> None:
    store = PrivacyTrackerStore(domain=domain)
    store.outage_wait, calls = 0.6, []

    async def down() -> None:
        calls.append(time.monotonic())
        raise _outage()

    with pytest.raises(Exception, match="server closed the connection"):
        asyncio.run(store._reaching_database(down, "read"))
    assert 0.6 <= calls[-1] - calls[0] < 1.2 and len(calls) >= 3


def test_a_write_whose_commit_arrived_but_whose_answer_was_lost_is_not_stored_twice(db: Path, domain: Domain) -> None:
    import contextlib

    store = PrivacyTrackerStore(domain=domain)
    asyncio.run(store.save(conversation("u10", domain, [user("Hallo")])))
    tracker = asyncio.run(store.retrieve("u10"))
    tracker.update(user("Und in Kassel?"))
    real_scope, lost = store.session_scope, [1]

    @contextlib.contextmanager
    def scope_losing_the_answer_once():  # the INSERT is committed, then the connection breaks
        with real_scope() as session:
            yield session
        if lost[0]:
            lost[0] -= 1
            raise _outage()

    store.session_scope = scope_losing_the_answer_once
    asyncio.run(store.save(tracker))
    stored = [r["data"].get("text") for r in rows(db, "u10") if r["type"] == "user"]
    assert stored == ["Hallo", "Und in Kassel?"] and lost == [0]


def test_feedback_is_stored_masked_in_the_conversation_and_deleted_with_it(db: Path, domain: Domain) -> None:
    """Rating and "Was hat gefehlt?" are events of the conversation: the comment's text is masked like
    every user message, the slots hold no text, and the retention deletes all of it with the conversation."""
    store = PrivacyTrackerStore(domain=domain)
    now = time.time()
    old = now - 40 * DAY
    rating = UserUttered('/feedback{"rating":"not_helpful"}', {"name": "feedback", "confidence": 1.0},
                         [{"entity": "rating", "value": "not_helpful"}], timestamp=old)
    comment = UserUttered("Rufen Sie mich an: 0171 2345678", {"name": "nlu_fallback", "confidence": 1.0},
                          timestamp=old)
    events = [SessionStarted(timestamp=old), user("Deutschkurs in Kassel?", timestamp=old),
              SlotSet("answer_scope", "local", timestamp=old), rating, ActionExecuted("action_feedback", timestamp=old),
              SlotSet("feedback", "not_helpful", timestamp=old), comment,
              ActionExecuted("action_feedback_comment", timestamp=old), SlotSet("feedback_comment", True, timestamp=old)]
    asyncio.run(store.save(DialogueStateTracker.from_events("rated", events, domain.slots)))
    stored = rows(db, "rated")
    assert [(r["data"]["name"], r["data"]["value"]) for r in stored if r["type"] == "slot"] == [
        ("answer_scope", "local"), ("feedback", "not_helpful"), ("feedback_comment", True)]
    assert "2345678" not in json.dumps(stored) and "Rufen Sie mich an" in json.dumps(stored)
    assert retention.purge(store, 30, now=now) == (len(stored), 1)
    assert rows(db, "rated") == []
