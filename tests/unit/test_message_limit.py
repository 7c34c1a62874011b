"""Message length cap: cut before spaCy, answered with a clear reply, crisis still wins."""
import asyncio
from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.actions as act
from common import settings
from components.crisis_guard import CrisisGuard
from components.message_limit import MessageLengthIntent, MessageLengthLimit

ROOT = Path(__file__).resolve().parents[2]
PIPELINE = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
NAMES = [c["name"] for c in PIPELINE]
LIMIT = MessageLengthLimit(next(c for c in PIPELINE if c["name"].endswith("MessageLengthLimit")))
GUARD = CrisisGuard(next(c for c in PIPELINE if c["name"].endswith("CrisisGuard")))


def nlu(text: str, intent: str = "ask_deutschkurs") -> Message:
    """The message as the pipeline leaves it: cap, (DIET's guess), length intent, crisis guard."""
    message = Message(data={"text": text})
    LIMIT.process([message])
    message.set("intent", {"name": intent, "confidence": 0.9})
    message.set("intent_ranking", [{"name": intent, "confidence": 0.9}])
    MessageLengthIntent().process([message])
    GUARD.process([message])
    return message


def test_the_cap_comes_before_spacy_and_the_intent_before_the_crisis_guard() -> None:
    assert NAMES[0] == "components.message_limit.MessageLengthLimit"
    assert NAMES.index("components.contact_data.ContactDataRemover") < NAMES.index("SpacyNLP")  # also before spaCy
    # after the FallbackClassifier (which would otherwise overrule it), before the CrisisGuard
    assert (NAMES.index("FallbackClassifier") < NAMES.index("components.message_limit.MessageLengthIntent")
            < NAMES.index("components.crisis_guard.CrisisGuard") == len(NAMES) - 1)


def test_the_limit_is_the_one_setting_max_message_chars(monkeypatch: pytest.MonkeyPatch) -> None:
    """config.yml sets no second limit; the component and the store read MAX_MESSAGE_CHARS."""
    assert set(next(c for c in PIPELINE if c["name"].endswith("MessageLengthLimit"))) == {"name"}
    assert LIMIT.max_chars == settings.number("MAX_MESSAGE_CHARS") == int(settings.SETTINGS["MAX_MESSAGE_CHARS"].default)
    monkeypatch.setenv("MAX_MESSAGE_CHARS", "500")
    assert MessageLengthLimit({}).max_chars == 500


def test_long_text_is_cut_marked_and_gets_the_fallback_intent() -> None:
    message = nlu("Deutschkurs " * 1000)
    assert len(message.get("text")) == LIMIT.max_chars == 2000
    assert message.get("message_too_long") == {"length": 12000, "max_chars": 2000}
    assert message.get("intent")["name"] == "nlu_fallback"
    assert "message_too_long" in message.as_dict(only_output_properties=True)


def test_normal_text_is_untouched() -> None:
    message = nlu("Wo finde ich einen Deutschkurs in Kassel?")
    assert message.get("text") == "Wo finde ich einen Deutschkurs in Kassel?"
    assert message.get("message_too_long") is None and message.get("intent")["name"] == "ask_deutschkurs"


def test_crisis_in_a_long_message_still_gets_the_emergency_numbers() -> None:
    assert nlu("Ich will nicht mehr leben. " + "x" * 5000).get("intent")["name"] == "crisis"


def test_clarify_answers_a_too_long_message_with_the_limit(domain) -> None:
    latest = {"intent": {"name": "nlu_fallback", "confidence": 1.0}, "entities": [], "text": "x" * 2000,
              "message_too_long": {"length": 9000, "max_chars": 2000}}
    tracker = Tracker("u", {"fallback_count": 1.0}, latest, [], False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(act.ActionClarify().run(dispatcher, tracker, domain))
    assert events == []  # not counted as a misunderstanding
    assert dispatcher.messages[0]["response"] == "utter_message_too_long"
    assert dispatcher.messages[0]["max_chars"] == 2000


def test_the_reply_is_clear_in_every_language(domain) -> None:
    german, english, *others = (v["text"] for v in domain["responses"]["utter_message_too_long"])
    assert "zu lang" in german and "Sie" in german and "{max_chars}" in german
    assert "too long" in english and "{max_chars}" in english
    assert len(others) == 5 and all("{max_chars}" in text for text in others)
