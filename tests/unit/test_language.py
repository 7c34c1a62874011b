"""English writers get English replies; German stays the default."""
import asyncio
import tempfile
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, tracker
from rasa.core.policies.policy import Policy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk.events import SlotSet as SdkSlotSet
from rasa_sdk.executor import CollectingDispatcher

import actions.actions as act
from actions.knowledge import KnowledgeStore
from actions.translations import facts, glossary_mismatches, load_translations
from common.language import LANGUAGE_HINT, LANGUAGES, detect
from common.wording import template
from components.language_policy import LanguagePolicy

DOMAIN = Domain.load(str(ROOT / "domain.yml"))
POLICY: Policy = LanguagePolicy.create(LanguagePolicy.get_default_config(), LocalModelStorage(Path(tempfile.mkdtemp())),
                                       Resource("language_policy"), ExecutionContext(GraphSchema({})))


@pytest.mark.parametrize("text, expected", [
    ("Where can I find a German course in Kassel?", "en"), ("I need help please", "en"),
    ("Wo finde ich einen Deutschkurs?", "de"), ("ich suchen deutsch kurs", "de"),
    ("Kassel", None), ("/ask_psz", None), ("/ask_help", None), ("", None), ("hello, ich brauche hilfe", "de"),
])
def test_detect(text, expected) -> None:
    assert detect(text) == expected


def _detect(text, slots=None, events=None):
    """The events LanguagePolicy adds after the user message ``text`` (or after ``events``)."""
    history = [ActionExecuted(ACTION_LISTEN_NAME), UserUttered(text, {"name": "greet", "confidence": 0.9})]
    tracker = DialogueStateTracker.from_events("u", [*(SlotSet(k, v) for k, v in (slots or {}).items()),
                                                     *(events or history)], DOMAIN.slots)
    prediction = POLICY.predict_action_probabilities(tracker, DOMAIN)
    assert max(prediction.probabilities) == 0  # it never chooses an action
    return prediction.events


def test_language_policy_sets_and_keeps_the_language() -> None:
    assert _detect("Hello, what can you do?") == [SlotSet("language", "en")]
    assert _detect("/ask_psz", {"language": "en"}) == []  # a button click keeps English
    assert _detect("Kassel", {"language": "en"}) == []
    assert _detect("Hello again", {"language": "en"}) == []  # no change, no event
    assert _detect("Danke, und wo ist das?", {"language": "en"}) == [SlotSet("language", "de")]
    # Only the first prediction after the message: after the reply the slot is left alone.
    answered = [ActionExecuted(ACTION_LISTEN_NAME), UserUttered("Hello", {"name": "greet"}),
                ActionExecuted("utter_greet")]
    assert _detect("", events=answered) == []


def test_language_policy_is_in_the_config_and_no_action_fills_the_slot() -> None:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    assert "components.language_policy.LanguagePolicy" in [p["name"] for p in config["policies"]]
    assert DOMAIN.slots[[s.name for s in DOMAIN.slots].index("language")].mappings == [{"type": "custom"}]


def test_template_picks_the_english_variation(domain) -> None:
    assert template(domain, "utter_line_phone", "en") == "Phone: {value}"
    assert template(domain, "utter_line_phone", "de") == "Telefon: {value}"
    assert template(domain, "utter_line_phone") == "Telefon: {value}"


def _variants(domain) -> dict:
    """response -> {language: variant}; the variant without condition is German."""
    out = {}
    for name, variants in domain["responses"].items():
        out[name] = {next((c["value"] for c in v.get("condition") or [] if c.get("name") == "language"), "de"): v
                     for v in variants}
    return out


LANGUAGE_INDEPENDENT = ("utter_line_item",)  # "• {value}": no words


def test_every_response_exists_in_every_language(domain) -> None:
    missing = [f"{name}: {lang}" for name, by_lang in _variants(domain).items() if name not in LANGUAGE_INDEPENDENT
               for lang in LANGUAGES if lang not in by_lang]
    assert missing == []


def test_numbers_links_placeholders_and_payloads_are_the_same_in_every_language(domain) -> None:
    """Phone numbers, links and {placeholders} are copied, never translated; buttons and line breaks
    are the same."""
    different = []
    for name, by_lang in _variants(domain).items():
        german = by_lang["de"]
        for lang, variant in by_lang.items():
            if variant["text"].count("\n") != german["text"].count("\n"):  # "\n\n" splits a message in Rasa
                different.append(f"{name} {lang}: line breaks")
            if facts(variant["text"]) != facts(german["text"]):
                different.append(f"{name} {lang}: {facts(variant['text'])} != {facts(german['text'])}")
            if [b["payload"] for b in variant.get("buttons") or []] != [b["payload"] for b in german.get("buttons") or []]:
                different.append(f"{name} {lang}: buttons")
    assert different == []


def test_replies_use_the_glossary_and_twelve_month_names(domain) -> None:
    translations = load_translations(ROOT / "knowledge" / "translations")
    wrong = [f"{name} {lang}: {m}" for name, by_lang in _variants(domain).items() for lang, v in by_lang.items()
             if lang in translations for m in glossary_mismatches(v["text"], translations[lang].glossary)]
    assert wrong == []
    assert {lang: len(v["text"].split()) for lang, v in _variants(domain)["utter_month_names"].items()} == \
        {lang: 12 for lang in LANGUAGES}


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


@pytest.mark.parametrize("text, expected", [
    ("Kassel'de Almanca kursu arıyorum", "tr"), ("Integrationskurs nerede var?", "tr"),
    ("Где найти Integrationskurs во Франкфурте?", "ru"), ("муж меня бьет", "ru"),
    ("Де знайти курс німецької мови?", "uk"), ("мені потрібна допомога", "uk"),
    ("بدي كورس الماني بكاسل", "ar"), ("وين مكتب الاجانب", "ar"),
    ("كجا ميتوانم كورس آلماني پيدا كنم", "fa"), ("من در کاسل زندگی میکنم", "fa"),
    ("gde nayti kurs nemeckogo v Kassele", "ru"), ("bdi kurs almani", "ar"),
    ("Франкфурт", None), ("فرانكفورت", None), ("ok", None), ("123", None), ("Jobcenter", None),
])
def test_detect_the_five_new_languages_and_keep_short_messages(text, expected) -> None:
    assert detect(text) == expected


def test_language_policy_follows_a_request_and_uses_the_channel_hint_only_at_first() -> None:
    def after(text, intent="greet", entities=(), metadata=None, slots=None):
        events = [ActionExecuted(ACTION_LISTEN_NAME),
                  UserUttered(text, {"name": intent, "confidence": 0.9}, list(entities), metadata=metadata)]
        return _detect(text, slots, events)

    asked = [{"entity": "language_choice", "value": "de"}]
    assert after("Deutsch bitte", "choose_language", asked, slots={"language": "ar"}) == [SlotSet("language", "de")]
    assert after("Integrationskurs", "ask_deutschkurs", asked, slots={"language": "ar"}) == []  # no request
    assert after('/choose_language{"language_choice":"fa"}', "choose_language",
                 [{"entity": "language_choice", "value": "fa"}]) == [SlotSet("language", "fa")]
    assert after("ok", metadata={LANGUAGE_HINT: "uk"}) == [SlotSet("language", "uk")]
    assert after("ok", metadata={LANGUAGE_HINT: "uk"}, slots={"language": "de"}) == []  # only the first hint
    assert after("ok", metadata={LANGUAGE_HINT: "pt-BR"}) == []  # a language the bot does not speak


def test_telegram_passes_the_app_language_as_hint() -> None:
    from channels.telegram import TelegramChannel

    class Request:
        json = {"update_id": 1, "message": {"text": "hi", "from": {"id": 7, "language_code": "uk"}}}

    channel = TelegramChannel("token", "bot", "https://example.org/webhook")
    assert channel.get_metadata(Request()) == {LANGUAGE_HINT: "uk"}
    Request.json = {"update_id": 2, "message": {"text": "hi", "from": {"id": 7}}}
    assert channel.get_metadata(Request()) is None


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "de"])
def test_answer_in_every_language_with_the_same_contacts_and_one_translation_notice(domain, monkeypatch,
                                                                                    language) -> None:
    monkeypatch.setattr(act, "STORE", KnowledgeStore(ROOT / "knowledge"))
    knowledge = act.STORE.get()

    def answer(slots):
        dispatcher = CollectingDispatcher()
        trk = tracker("ask_migrationsberatung", "", entities=[{"entity": "place", "value": "Kassel"}], slots=slots)
        events = asyncio.run(act.ActionFindOfferings().run(dispatcher, trk, domain))
        return dispatcher.messages, events

    german, _ = answer({"language": "de"})
    translated, events = answer({"language": language})
    cards = [[m for m in messages if m.get("response") == "utter_offering"] for messages in (german, translated)]
    assert len(cards[0]) == len(cards[1]) > 0
    for de_card, card in zip(*cards):
        assert card["name"] == de_card["name"] and card["source_url"] == de_card["source_url"]
        assert facts(card["details"]) == facts(de_card["details"])  # phone numbers, addresses' numbers, links
        offering = next(o for o in knowledge.offerings.values() if o.name == card["name"])
        assert card["summary"] == offering.summary_translations[language] != offering.summary
    assert translated[0]["topic"] == knowledge.translations[language].topics["migrationsberatung"]
    assert [m["response"] for m in translated[-2:]] == ["utter_translation_notice", "utter_ask_feedback"]
    assert SdkSlotSet("translation_noted", [language]) in events
    again, events = answer({"language": language, "translation_noted": [language]})
    assert "utter_translation_notice" not in [m.get("response") for m in again]


def test_a_place_in_another_script_that_the_bot_does_not_know_is_asked_in_latin_letters(domain, monkeypatch) -> None:
    monkeypatch.setattr(act, "STORE", KnowledgeStore(ROOT / "knowledge"))
    dispatcher = CollectingDispatcher()
    trk = tracker("inform_place", "я живу в Кукуеве", slots={"language": "ru", "topic": "deutschkurs",
                                                           "awaiting_place": True})
    assert asyncio.run(act.ActionFindOfferings().run(dispatcher, trk, domain)) == [SdkSlotSet("awaiting_place", True)]
    assert [m["response"] for m in dispatcher.messages] == ["utter_place_latin"]
    known = tracker("inform_place", "я живу в Касселе", entities=[{"entity": "place", "value": "Kassel"}],
                    slots={"language": "ru", "topic": "deutschkurs", "awaiting_place": True})
    dispatcher = CollectingDispatcher()
    asyncio.run(act.ActionFindOfferings().run(dispatcher, known, domain))
    assert "utter_place_latin" not in [m.get("response") for m in dispatcher.messages]


def test_the_gazetteer_knows_places_in_cyrillic_and_arabic_script_and_letter_variants() -> None:
    from actions.places import Gazetteer

    gazetteer = Gazetteer.from_file(ROOT / "knowledge" / "places.yml")
    translations = load_translations(ROOT / "knowledge" / "translations")
    for language in ("uk", "ru", "ar", "fa"):
        for place_id, spellings in translations[language].places.items():
            for spelling in spellings:
                found = gazetteer.resolve(spelling)
                assert found is not None, f"{language}: {spelling}"
    assert gazetteer.resolve("فرانكفورت") == gazetteer.resolve("فرانکفورت") == gazetteer.get("frankfurt-am-main")


def test_script_folding_unifies_arabic_letters_in_training_data_and_messages_keeping_positions() -> None:
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from components.script_folding import ScriptFolding

    folding = ScriptFolding()
    arabic_keyboard, persian_keyboard = "كجا ميتوانم كلاس پيدا كنم", "کجا میتوانم کلاس پیدا کنم"
    message = Message(data={"text": arabic_keyboard})
    folding.process([message])
    assert message.get("text") == persian_keyboard and len(arabic_keyboard) == len(persian_keyboard)
    data = TrainingData([Message(data={"text": "مدرسة في فرانكفورت", "intent": "ask_schule"})])
    assert folding.process_training_data(data).training_examples[0].get("text") == "مدرسه فی فرانکفورت"
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    names = [c["name"] for c in config["pipeline"]]
    assert names.index("components.script_folding.ScriptFolding") < names.index("SpacyNLP")
