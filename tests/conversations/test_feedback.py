"""Feedback on answers through the REST channel, and what the tracker store keeps of it.

The buttons "Hilfreich" / "Nicht hilfreich" come under every answer with offerings; after
"Nicht hilfreich" the bot asks once what was missing; the dialogue goes on in every case.
The events follow the contract with the editors' report (actions/feedback.py).
"""
from __future__ import annotations

import json
import sqlite3
from typing import Any, Dict, List

from conftest import Bot

HELPFUL = '/feedback{"rating":"helpful"}'
NOT_HELPFUL = '/feedback{"rating":"not_helpful"}'
#: A comment no intent of the bot knows, with a phone number the store must mask.
COMMENT = "Zu allgemein. Rufen Sie mich an: 0171 2345678"


def rating_buttons(replies: List[Dict[str, Any]]) -> List[str]:
    """Payloads of the buttons of the last message, which must be the question whether the answer helped."""
    return [b["payload"] for b in replies[-1].get("buttons", [])]


def stored(bot_env: Dict[str, str], sender: str) -> List[Dict[str, Any]]:
    with sqlite3.connect(bot_env["DB_NAME"]) as connection:
        rows = connection.execute("SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,))
        return [json.loads(data) for (data,) in rows]


def test_answer_ends_with_the_rating_buttons_and_helpful_is_thanked(bot: Bot) -> None:
    replies = bot.say("Wo finde ich einen Deutschkurs in Kassel?")
    assert "Kassel" in bot.text(replies) and replies[-1]["text"] == "War diese Antwort hilfreich?"
    assert rating_buttons(replies) == [HELPFUL, NOT_HELPFUL]
    # the answer's own follow-up button stays with the answer
    assert any(b["payload"] == "/ask_more" for r in replies[:-1] for b in r.get("buttons", []))
    assert "Danke für Ihre Rückmeldung" in bot.text(bot.say(HELPFUL))
    # the dialogue goes on
    assert "Gießen" in bot.text(bot.say("Einbürgerung in Gießen"))


def test_not_helpful_asks_what_was_missing_thanks_for_it_and_goes_on(bot: Bot, bot_env: Dict[str, str]) -> None:
    bot.say("Wo finde ich einen Deutschkurs in Kassel?")
    asked = bot.text(bot.say(NOT_HELPFUL))
    assert "Was hat gefehlt?" in asked
    assert "Danke, das hilft der Redaktion" in bot.text(bot.say(COMMENT))
    after = bot.say("Deutschkurs in Kassel")
    assert "Kassel" in bot.text(after) and "Redaktion" not in bot.text(after)

    events = stored(bot_env, bot.sender)
    slots = [(e["name"], e["value"]) for e in events if e["event"] == "slot"]
    assert ("answer_scope", "local") in slots and ("feedback", "not_helpful") in slots
    assert ("feedback_comment", True) in slots
    # the comment is the user event right before feedback_comment, masked like every message
    texts = [e.get("text") or "" for e in events if e["event"] == "user"]
    comment = next(t for t in texts if t.startswith("Zu allgemein"))
    assert "2345678" not in comment
    assert "2345678" not in json.dumps(events) and all("allgemein" not in json.dumps(v) for _, v in slots)


def test_a_question_instead_of_the_comment_is_answered(bot: Bot, bot_env: Dict[str, str]) -> None:
    bot.say("Migrationsberatung in Fulda")
    assert "Was hat gefehlt?" in bot.text(bot.say(NOT_HELPFUL))
    answer = bot.say("Wo finde ich einen Deutschkurs in Kassel?")
    assert "Kassel" in bot.text(answer) and "Redaktion" not in bot.text(answer)
    assert rating_buttons(answer) == [HELPFUL, NOT_HELPFUL]
    # a button is no comment; a typed question after the question is marked as one
    assert ("feedback_comment", True) in [(e["name"], e["value"]) for e in stored(bot_env, bot.sender)
                                          if e["event"] == "slot"]


def test_rating_in_english(bot: Bot) -> None:
    replies = bot.say("Where can I find a German course in Kassel?")
    assert replies[-1]["text"] == "Was this answer helpful?"
    assert [b["title"] for b in replies[-1]["buttons"]] == ["Helpful", "Not helpful"]
    assert "What was missing?" in bot.text(bot.say(NOT_HELPFUL))
    assert "Frankfurt" in bot.text(bot.say("I need a German course in Frankfurt"))
