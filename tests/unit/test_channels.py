"""Buttons on messengers: numbered lists, typed numbers, Messenger and Telegram layouts."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List

from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from channels import numbered
from channels.facebook import NumberedMessengerBot
from channels.telegram import TelegramChannelOutput

MENU = [{"title": "Psychosoziale Hilfe für Geflüchtete", "payload": "/ask_psz"},
        {"title": "Einbürgerung", "payload": "/ask_einbuergerung"}]


def test_numbered_list_under_the_text() -> None:
    assert numbered.as_list("Wählen Sie:", MENU, "Bitte antworten Sie mit der Nummer.") == (
        "Wählen Sie:\n1. Psychosoziale Hilfe für Geflüchtete\n2. Einbürgerung\nBitte antworten Sie mit der Nummer.")


def test_number_chooses_from_the_last_buttons_of_this_turn() -> None:
    events = [UserUttered("Hilfe"), BotUttered("Menü", {"buttons": MENU}), ActionExecuted("action_listen")]
    buttons = numbered.last_buttons(events)
    assert numbered.choose("2", buttons) == "/ask_einbuergerung"
    assert numbered.choose(" 1. ", buttons) == "/ask_psz"
    assert numbered.choose("3", buttons) is None and numbered.choose("0", buttons) is None
    assert numbered.choose("2 Kinder", buttons) is None


def test_a_later_user_message_ends_the_choice() -> None:
    events = [BotUttered("Menü", {"buttons": MENU}), UserUttered("Kassel"), BotUttered("Angebot")]
    assert numbered.last_buttons(events) == []
    assert numbered.choose("1", numbered.last_buttons(events)) is None


def test_hint_in_the_users_language() -> None:
    domain = {"responses": {"utter_choose_by_number": [
        {"text": "Bitte antworten Sie mit der Nummer."},
        {"text": "Please answer with the number.", "condition": [{"type": "slot", "name": "language", "value": "en"}]}]}}
    assert numbered.hint(domain, "en") == "Please answer with the number."
    assert numbered.hint(domain, None) == "Bitte antworten Sie mit der Nummer."


class FakeTrackerStore:
    def __init__(self, events: List[Any]) -> None:
        self.events = events

    async def retrieve(self, sender_id: str) -> Any:
        from rasa.shared.core.domain import Domain
        from rasa.shared.core.trackers import DialogueStateTracker

        return DialogueStateTracker.from_events(sender_id, self.events, slots=Domain.from_yaml(
            "slots:\n  language:\n    type: text\n    mappings: []").slots)


class FakeAgent:
    def __init__(self, events: List[Any]) -> None:
        self.tracker_store = FakeTrackerStore(events)
        self.domain = None


class FakeApp:
    class ctx:  # noqa: N801 (Sanic's attribute name)
        agent: Any = None


def test_prepare_turns_a_typed_number_into_the_payload() -> None:
    choices = numbered.NumberedChoices()
    choices.app = FakeApp()
    FakeApp.ctx.agent = FakeAgent([SlotSet("language", "en"), UserUttered("help"),
                                   BotUttered("Menu", {"buttons": MENU})])
    assert asyncio.run(choices.prepare("u1", "2")) == ("/ask_einbuergerung", "")
    assert asyncio.run(choices.prepare("u1", "Kassel")) == ("Kassel", "")


class FakeMessengerClient:
    def __init__(self) -> None:
        self.sent: List[Dict[str, Any]] = []

    def send(self, payload: Dict[str, Any], recipient_id: str, messaging_type: str = "RESPONSE") -> None:
        self.sent.append(payload)


def send_buttons(buttons: List[Dict[str, str]]) -> List[Dict[str, Any]]:
    client = FakeMessengerClient()
    bot = NumberedMessengerBot(client, hint="Bitte antworten Sie mit der Nummer.")
    asyncio.run(bot.send_text_with_buttons("psid", "Wählen Sie:", buttons))
    return client.sent


def test_messenger_short_titles_become_quick_replies() -> None:
    sent = send_buttons([{"title": "Ja", "payload": "/affirm"}, {"title": "Nein", "payload": "/deny"}])
    assert sent == [{"text": "Wählen Sie:", "quick_replies": [
        {"content_type": "text", "title": "Ja", "payload": "/affirm"},
        {"content_type": "text", "title": "Nein", "payload": "/deny"}]}]


def test_messenger_long_titles_become_a_numbered_list_with_number_replies() -> None:
    sent = send_buttons(MENU)
    assert sent[0]["text"].splitlines()[1:] == ["1. Psychosoziale Hilfe für Geflüchtete", "2. Einbürgerung",
                                                "Bitte antworten Sie mit der Nummer."]
    assert [(r["title"], r["payload"]) for r in sent[0]["quick_replies"]] == [("1", "/ask_psz"),
                                                                              ("2", "/ask_einbuergerung")]


def test_messenger_more_than_13_choices_only_as_text() -> None:
    sent = send_buttons([{"title": f"T{n}", "payload": f"/p{n}"} for n in range(14)])
    assert "quick_replies" not in sent[0] and "14. T13" in sent[0]["text"]


RATING = [{"title": "Hilfreich", "payload": '/feedback{"rating":"helpful"}'},
          {"title": "Nicht hilfreich", "payload": '/feedback{"rating":"not_helpful"}'}]


def test_messenger_rating_buttons_keep_the_answers_follow_up_quick_reply() -> None:
    """Messenger shows quick replies only under the newest message: "War das hilfreich?" carries the
    answer's "Mehr anzeigen" along, so neither hides the other."""
    client = FakeMessengerClient()
    bot = NumberedMessengerBot(client)
    more = [{"title": "Mehr anzeigen", "payload": "/ask_more"}]
    asyncio.run(bot.send_text_with_buttons("psid", "Angebot", more))
    asyncio.run(bot.send_text_message("psid", "Hinweis"))
    asyncio.run(bot.send_text_with_buttons("psid", "War diese Antwort hilfreich?", RATING))
    assert [r["payload"] for r in client.sent[-1]["quick_replies"]] == [
        "/ask_more", '/feedback{"rating":"helpful"}', '/feedback{"rating":"not_helpful"}']
    # other buttons never collect earlier ones, and the rating alone stays alone
    asyncio.run(bot.send_text_with_buttons("psid", "Wählen Sie:", more))
    assert [r["payload"] for r in client.sent[-1]["quick_replies"]] == ["/ask_more"]
    assert [r["title"] for r in send_buttons(RATING)[0]["quick_replies"]] == ["Hilfreich", "Nicht hilfreich"]


def test_telegram_puts_the_two_rating_buttons_side_by_side() -> None:
    bot = RecordingTelegram()
    asyncio.run(bot.send_text_with_buttons("1", "War diese Antwort hilfreich?", RATING))
    [row] = bot.sent[0]["reply_markup"].inline_keyboard
    assert [(b.text, b.callback_data) for b in row] == [(b["title"], b["payload"]) for b in RATING]


class RecordingTelegram(TelegramChannelOutput):
    def __init__(self) -> None:
        super().__init__("123456789:test-token", "http://127.0.0.1:9")
        self.sent: List[Dict[str, Any]] = []

    async def send_message(self, chat_id: Any, text: str, **kwargs: Any) -> None:  # type: ignore[override]
        self.sent.append({"text": text, **kwargs})


def test_telegram_long_menus_one_button_per_row_short_ones_side_by_side() -> None:
    bot = RecordingTelegram()
    many = [{"title": f"Thema {n}", "payload": f"/p{n}"} for n in range(10)]
    asyncio.run(bot.send_text_with_buttons("1", "Menü", many))
    asyncio.run(bot.send_text_with_buttons("1", "Ja?", many[:2]))
    long_rows = bot.sent[0]["reply_markup"].inline_keyboard
    short_rows = bot.sent[1]["reply_markup"].inline_keyboard
    assert [len(r) for r in long_rows] == [1] * 10 and long_rows[3][0].callback_data == "/p3"
    assert [len(r) for r in short_rows] == [2]
    assert bot.server.api_url("T", "getMe") == "http://127.0.0.1:9/botT/getMe"
