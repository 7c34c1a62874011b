"""Telegram and Facebook Messenger, as their servers talk to the bot.

Each test posts a webhook payload in the form Telegram (core.telegram.org/bots/api#update)
or Facebook (developers.facebook.com/docs/messenger-platform/reference/webhook-events)
document, to the running Rasa server, and checks the HTTP calls the connector then makes
to the messenger's API, which ``messenger_api`` receives in place of the real one.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import random
import time
from pathlib import Path
from typing import Any, Dict, List

import pytest
import requests
import yaml
from conftest import MESSENGER_ENV
from messenger_api import MessengerApi, facebook_sent, telegram_sent

PAGE_ID = "1067280970047460"
TOPICS = Path(__file__).resolve().parents[2] / "knowledge" / "topics.yml"
#: Titles of the topic menu: the topics marked for the menu (in_menu, default true) in topics.yml.
MENU = [t["label"] for t in yaml.safe_load(TOPICS.read_text(encoding="utf-8"))["topics"] if t.get("in_menu", True)]


@pytest.fixture
def base(servers: str) -> str:
    return servers.split("/webhooks/")[0]


# --- Telegram -------------------------------------------------------------------------

def telegram_user(chat_id: int) -> Dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": "Amira", "language_code": "de"}


def telegram_text(chat_id: int, text: str) -> Dict[str, Any]:
    """An Update with a text message from a private chat."""
    return {"update_id": random.randint(1, 10**9), "message": {
        "message_id": random.randint(1, 10**6), "date": int(time.time()), "text": text,
        "from": telegram_user(chat_id), "chat": {"id": chat_id, "type": "private", "first_name": "Amira"}}}


def telegram_click(chat_id: int, data: str) -> Dict[str, Any]:
    """An Update for a click on an inline-keyboard button (callback query)."""
    return {"update_id": random.randint(1, 10**9), "callback_query": {
        "id": str(random.randint(1, 10**12)), "from": telegram_user(chat_id), "chat_instance": "-4711",
        "data": data, "message": {"message_id": 7, "date": int(time.time()), "text": "…",
                                  "from": {"id": 42, "is_bot": True, "first_name": "Hessen"},
                                  "chat": {"id": chat_id, "type": "private"}}}}


def post_telegram(base: str, update: Dict[str, Any]) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": MESSENGER_ENV["TELEGRAM_SECRET_TOKEN"]}
    response = requests.post(f"{base}/webhooks/telegram/webhook", json=update, headers=headers, timeout=60)
    assert response.status_code == 200 and response.text == "success"


def test_telegram_webhook_registered_with_secret_and_strangers_refused(
        base: str, messenger_api: MessengerApi) -> None:
    registered = [c for c in messenger_api.calls if c["path"].endswith("/setWebhook")]
    assert registered and registered[0]["body"] == {"url": MESSENGER_ENV["TELEGRAM_WEBHOOK_URL"],
                                                    "secret_token": MESSENGER_ENV["TELEGRAM_SECRET_TOKEN"]}
    chat = random.randint(10**8, 10**9)
    for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "geraten"}):
        response = requests.post(f"{base}/webhooks/telegram/webhook", json=telegram_text(chat, "Hallo"),
                                 headers=headers, timeout=60)
        assert response.status_code == 403
    time.sleep(2)
    assert not [c for c in messenger_api.calls if telegram_sent(chat)(c)]


def test_telegram_answers_a_question_in_the_chat(base: str, messenger_api: MessengerApi) -> None:
    chat = random.randint(10**8, 10**9)
    post_telegram(base, telegram_text(chat, "Wo finde ich ein psychosoziales Zentrum in Kassel?"))
    sent = messenger_api.calls_for(telegram_sent(chat), count=2)
    text = "\n".join(c["body"]["text"] for c in sent)
    assert "Psychosoziales Zentrum für Geflüchtete in Nordhessen" in text and "0561" in text
    assert all(c["path"] == "/bot123456789:test-token/sendMessage" for c in sent)


def test_telegram_menu_is_an_inline_keyboard_and_a_click_answers(base: str, messenger_api: MessengerApi) -> None:
    chat = random.randint(10**8, 10**9)
    post_telegram(base, telegram_text(chat, "Hilfe"))
    sent = messenger_api.calls_for(telegram_sent(chat))
    menus = [c for c in sent if "reply_markup" in c["body"]]
    assert len(menus) == 1
    rows: List[List[Dict[str, str]]] = json.loads(menus[0]["body"]["reply_markup"])["inline_keyboard"]
    assert [[button["text"] for button in row] for row in rows] == [[title] for title in MENU]  # one topic per row
    plan = next(row[0] for row in rows if row[0]["text"] == "Hessischer Integrationsplan")
    assert plan["callback_data"].startswith("/")

    before = len(sent)
    click = telegram_click(chat, plan["callback_data"])
    post_telegram(base, click)
    confirmed = messenger_api.calls_for(lambda c: c["path"].endswith("/answerCallbackQuery")
                                        and c["body"].get("callback_query_id") == click["callback_query"]["id"])
    assert len(confirmed) == 1
    after = messenger_api.calls_for(telegram_sent(chat), count=before + 1)
    answer = "\n".join(c["body"]["text"] for c in after[before:])
    assert "Integrationsplan" in answer and "Quelle:" in answer


# --- Facebook Messenger ------------------------------------------------------------------

def facebook_event(psid: str, message: Dict[str, Any]) -> Dict[str, Any]:
    """A page webhook with one messaging event."""
    now = int(time.time() * 1000)
    return {"object": "page", "entry": [{"id": PAGE_ID, "time": now, "messaging": [{
        "sender": {"id": psid}, "recipient": {"id": PAGE_ID}, "timestamp": now,
        "message": {"mid": f"m_{random.randint(1, 10**9)}", **message}}]}]}


def post_facebook(base: str, payload: Dict[str, Any], secret: str = MESSENGER_ENV["FACEBOOK_SECRET"]) -> str:
    body = json.dumps(payload).encode("utf-8")
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    response = requests.post(f"{base}/webhooks/facebook/webhook", data=body, timeout=60,
                             headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature})
    assert response.status_code == 200
    return response.text


def facebook_messages(api: MessengerApi, psid: str, count: int = 1) -> List[Dict[str, Any]]:
    return [c["body"]["message"] for c in api.calls_for(facebook_sent(psid), count=count)]


def facebook_reply(base: str, api: MessengerApi, psid: str, message: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Post one user message; the messages the bot sent back to this user for it."""
    seen = len([c for c in api.calls if facebook_sent(psid)(c)])
    assert post_facebook(base, facebook_event(psid, message)) == "success"
    return facebook_messages(api, psid, seen + 1)[seen:]


def test_facebook_verifies_the_webhook(base: str) -> None:
    url = f"{base}/webhooks/facebook/webhook"
    ok = requests.get(url, params={"hub.mode": "subscribe", "hub.verify_token": "test-verify",
                                   "hub.challenge": "1158201444"}, timeout=10)
    wrong = requests.get(url, params={"hub.mode": "subscribe", "hub.verify_token": "falsch",
                                      "hub.challenge": "1158201444"}, timeout=10)
    assert ok.text == "1158201444" and wrong.text != "1158201444"


def test_facebook_rejects_unsigned_messages(base: str, messenger_api: MessengerApi) -> None:
    psid = str(random.randint(10**15, 10**16))
    assert post_facebook(base, facebook_event(psid, {"text": "Hallo"}), secret="falsch") == "not validated"
    time.sleep(2)
    assert not [c for c in messenger_api.calls if (c["body"].get("recipient") or {}).get("id") == psid]


def test_facebook_menu_is_a_numbered_list_answerable_by_number(base: str, messenger_api: MessengerApi) -> None:
    psid = str(random.randint(10**15, 10**16))
    assert post_facebook(base, facebook_event(psid, {"text": "Was kannst du?"})) == "success"
    text = "\n".join(m.get("text", "") for m in facebook_messages(messenger_api, psid))
    lines = [line for line in text.splitlines() if line[:1].isdigit()]
    assert [line.split(". ", 1)[1] for line in lines] == MENU and "Bitte antworten Sie mit der Nummer." in text
    number = next(line.split(".")[0] for line in lines if line.endswith(" Hessischer Integrationsplan"))
    # more choices than quick replies can take (fbmessenger: 11): the user types the number
    assert not any(m.get("quick_replies") for m in facebook_messages(messenger_api, psid))

    answer = "\n".join(m.get("text", "") for m in facebook_reply(base, messenger_api, psid, {"text": number}))
    assert "Integrationsplan" in answer and "Quelle:" in answer


def test_facebook_quick_reply_tap_sends_its_payload(base: str, messenger_api: MessengerApi) -> None:
    psid = str(random.randint(10**15, 10**16))
    asked = facebook_reply(base, messenger_api, psid,  # a tap on a quick reply sends its payload
                           {"text": "Psychosoziale Hilfe", "quick_reply": {"payload": "/ask_psz"}})
    # answer first (for all of Hessen, as plain text: no Markdown link), then the place question,
    # whose button "Keine Angabe – ganz Hessen" is too long for Messenger: numbered choices
    shown = "\n".join(m.get("text", "") for m in asked)
    assert "ganz Hessen" in shown and "Quelle:" in shown and "](" not in shown
    assert "In welcher Stadt" in asked[-1]["text"] and "1. Keine Angabe" in asked[-1]["text"]
    assert "2. Mehr anzeigen" in asked[-1]["text"]
    assert [r["title"] for r in asked[-1]["quick_replies"]] == ["1", "2"]

    answer = "\n".join(m.get("text", "") for m in facebook_reply(base, messenger_api, psid, {"text": "1"}))
    assert "ganz Hessen" in answer


def test_facebook_hint_follows_the_users_language(base: str, messenger_api: MessengerApi) -> None:
    psid = str(random.randint(10**15, 10**16))
    post_facebook(base, facebook_event(psid, {"text": "What can you do? Please show me the topics."}))
    menu = "\n".join(m.get("text", "") for m in facebook_messages(messenger_api, psid))
    assert "Please answer with the number." in menu and "Naturalisation" in menu


# --- Feedback on answers (actions/feedback.py) -----------------------------------------------

RATING = ['/feedback{"rating":"helpful"}', '/feedback{"rating":"not_helpful"}']


def test_telegram_rating_is_an_inline_keyboard_and_a_tap_continues(base: str, messenger_api: MessengerApi) -> None:
    chat = random.randint(10**8, 10**9)
    post_telegram(base, telegram_text(chat, "Wo finde ich einen Deutschkurs in Kassel?"))
    sent = messenger_api.calls_for(telegram_sent(chat), count=2)
    rated = sent[-1]["body"]
    assert rated["text"] == "War diese Antwort hilfreich?"
    [row] = json.loads(rated["reply_markup"])["inline_keyboard"]  # side by side in one row
    assert [(b["text"], b["callback_data"]) for b in row] == list(zip(["Hilfreich", "Nicht hilfreich"], RATING))

    before = len(sent)
    post_telegram(base, telegram_click(chat, RATING[1]))
    asked = messenger_api.calls_for(telegram_sent(chat), count=before + 1)[before:]
    assert "Was hat gefehlt?" in "\n".join(c["body"]["text"] for c in asked)
    before += len(asked)
    post_telegram(base, telegram_text(chat, "Einbürgerung in Gießen"))
    answer = messenger_api.calls_for(telegram_sent(chat), count=before + 2)[before:]
    assert "Gießen" in "\n".join(c["body"]["text"] for c in answer)


def test_facebook_rating_is_quick_replies_with_the_answers_own_and_a_tap_continues(
        base: str, messenger_api: MessengerApi) -> None:
    psid = str(random.randint(10**15, 10**16))
    answer = facebook_reply(base, messenger_api, psid, {"text": "Wo finde ich einen Deutschkurs in Kassel?"})
    assert answer[-1]["text"] == "War diese Antwort hilfreich?"
    # Messenger shows quick replies only under the newest message: "Mehr anzeigen" comes along
    assert [(r["title"], r["payload"]) for r in answer[-1]["quick_replies"]] == [
        ("Mehr anzeigen", "/ask_more"), ("Hilfreich", RATING[0]), ("Nicht hilfreich", RATING[1])]

    thanked = facebook_reply(base, messenger_api, psid, {"text": "Hilfreich", "quick_reply": {"payload": RATING[0]}})
    assert "Danke für Ihre Rückmeldung" in "\n".join(m.get("text", "") for m in thanked)
    more = facebook_reply(base, messenger_api, psid, {"text": "Einbürgerung in Gießen"})
    assert "Gießen" in "\n".join(m.get("text", "") for m in more)
