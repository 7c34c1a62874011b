"""English writers get English replies; German stays the default."""
import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

import actions.actions as act
from actions.knowledge import KnowledgeStore
from actions.language import detect
from actions.render import template
from conftest import ROOT, tracker


@pytest.mark.parametrize("text, expected", [
    ("Where can I find a German course in Kassel?", "en"), ("I need help please", "en"),
    ("Wo finde ich einen Deutschkurs?", "de"), ("ich suchen deutsch kurs", "de"),
    ("Kassel", None), ("/ask_psz", None), ("", None), ("hello, ich brauche hilfe", "de"),
])
def test_detect(text, expected) -> None:
    assert detect(text) == expected


def _detect(text, slots=None):
    return asyncio.run(act.ActionDetectLanguage().run(CollectingDispatcher(), tracker("greet", text, slots=slots), {}))


def test_slot_mapping_action_sets_and_keeps_language() -> None:
    assert _detect("Hello, what can you do?") == [{"event": "slot", "timestamp": None, "name": "language", "value": "en"}]
    assert _detect("/ask_psz", {"language": "en"}) == []  # a button click keeps English
    assert _detect("Kassel", {"language": "en"}) == []
    assert _detect("Danke, und wo ist das?", {"language": "en"})[0]["value"] == "de"


def test_template_picks_the_english_variation(domain) -> None:
    assert template(domain, "utter_line_phone", "en") == "Phone: {value}"
    assert template(domain, "utter_line_phone", "de") == "Telefon: {value}"
    assert template(domain, "utter_line_phone") == "Telefon: {value}"


def test_every_response_has_an_english_variation(domain) -> None:
    missing = [name for name, variants in domain["responses"].items()
               if not any(v.get("condition") for v in variants) and name != "utter_line_item"]
    assert missing == []


def test_english_user_gets_english_menu_and_labels(domain, monkeypatch) -> None:
    monkeypatch.setattr(act, "STORE", KnowledgeStore(ROOT / "knowledge"))
    dispatcher = CollectingDispatcher()
    trk = tracker("ask_psz", "psychological help for refugees in Kassel", slots={"language": "en"},
                  entities=[{"entity": "place", "value": "Kassel"}])
    asyncio.run(act.ActionFindOfferings().run(dispatcher, trk, domain))
    assert dispatcher.messages[0]["topic"] == "Psychosocial help for refugees"
    first = next(m for m in dispatcher.messages if m.get("response") == "utter_offering")
    assert "Phone: " in first["details"]
    dispatcher = CollectingDispatcher()
    asyncio.run(act.ActionShowMenu().run(dispatcher, tracker("help", slots={"language": "en"}), domain))
    assert "German and integration courses" in [b["title"] for b in dispatcher.messages[0]["buttons"]]
