"""Every action, run with rasa_sdk's Tracker and CollectingDispatcher."""
from typing import List

import pytest
import yaml
from conftest import ROOT, offering, responses, run, tracker

import actions.actions as act
from actions.knowledge import KnowledgeStore

OFFERINGS = {
    "psz.yml": [
        offering(id="psz-nord", name="PSZ Nordhessen", serves=["rb-kassel"]),
        offering(id="psz-land", name="PSZ Landesangebot", serves=["hessen"],
                 contact={"phone": "", "email": "", "web": "", "address": "", "hours": ""}),
        offering(id="psz-bund", name="PSZ Bundesverband", serves=["bund"]),
    ],
    "migrationsberatung.yml": [
        offering(id="mbe", name="Migrationsberatung MBE", topic="migrationsberatung", serves=["bund"]),
    ],
    "integrationsplan.yml": [
        offering(id="integrationsplan-handlungsfelder", name="Die Handlungsfelder", topic="integrationsplan",
                 items=["Sprache und Bildung", "Wirtschaft und Arbeit"]),
    ],
}


@pytest.fixture(autouse=True)
def knowledge(make_knowledge, monkeypatch):
    monkeypatch.setattr(act, "STORE", KnowledgeStore(make_knowledge(OFFERINGS)))


def offering_names(messages) -> List[str]:
    return [m["name"] for m in messages if m.get("response") == "utter_offering"]


def test_question_with_place_lists_regional_offering_first(domain) -> None:
    msgs, slots = run(act.ActionFindOfferings(), tracker("ask_psz", entities=[{"entity": "place", "value": "Kassel"}]), domain)
    assert responses(msgs)[0] == "utter_offerings_for_place" and msgs[0]["place"] == "Kassel"
    assert offering_names(msgs) == ["PSZ Nordhessen", "PSZ Landesangebot", "PSZ Bundesverband"]
    assert slots["topic"] == "psz" and slots["place"] == "Kassel"
    assert slots["last_offerings"] == ["psz-nord", "psz-land", "psz-bund"]


def test_question_without_place_answers_for_hessen_first_then_asks_once(domain) -> None:
    msgs, slots = run(act.ActionFindOfferings(), tracker("ask_psz"), domain)
    assert responses(msgs)[0] == "utter_offerings_for_hessen"
    assert msgs[0]["topic"] == "Psychosoziale Hilfe für Geflüchtete"
    assert offering_names(msgs) == ["PSZ Landesangebot", "PSZ Bundesverband"]
    assert responses(msgs)[-1] == "utter_ask_place"
    assert slots["awaiting_place"] is True and slots["place_asked"] is True and slots["topic"] == "psz"
    # asked once: the next question without a place gets the answer without the question
    again, _ = run(act.ActionFindOfferings(), tracker("ask_psz", slots={"place_asked": True}), domain)
    assert "utter_ask_place" not in responses(again) and offering_names(again)


def test_what_is_question_gets_the_explanation_without_the_place_question(domain) -> None:
    trk = tracker("ask_psz", "Was ist ein PSZ?", entities=[{"entity": "explain", "value": "Was ist"}])
    msgs, slots = run(act.ActionFindOfferings(), trk, domain)
    assert "utter_ask_place" not in responses(msgs) and "awaiting_place" in slots and not slots["awaiting_place"]
    first = [m for m in msgs if m.get("response") == "utter_offering"][0]
    assert first["more"].startswith("Ein Angebot für Tests.")  # the long text comes at once


def test_hessenweit_means_the_whole_state(domain) -> None:
    trk = tracker("ask_psz", "Gibt es hessenweit Hilfe?", entities=[{"entity": "whole_state", "value": "hessenweit"}])
    msgs, slots = run(act.ActionFindOfferings(), trk, domain)
    assert responses(msgs)[0] == "utter_offerings_for_hessen" and "utter_ask_place" not in responses(msgs)
    assert slots["place"] == "Hessen"


def test_no_place_after_the_hessen_answer_does_not_repeat_it(domain) -> None:
    trk = tracker("deny", slots={"topic": "psz", "awaiting_place": True, "last_offerings": ["psz-land"]})
    msgs, slots = run(act.ActionFindOfferings(), trk, domain)
    assert responses(msgs) == ["utter_whole_state_noted", "utter_ask_feedback"] and slots["place"] == "Hessen"


def test_place_given_after_asking_answers_the_remembered_topic(domain) -> None:
    trk = tracker("inform_place", entities=[{"entity": "place", "value": "Giessen"}],
                  slots={"topic": "psz", "awaiting_place": True, "place": "Giessen"})
    msgs, slots = run(act.ActionFindOfferings(), trk, domain)
    assert msgs[0]["place"] == "Gießen" and slots["place"] == "Gießen"
    assert offering_names(msgs) == ["PSZ Landesangebot", "PSZ Bundesverband"]
    assert slots["awaiting_place"] is False


def test_user_who_does_not_name_a_place_gets_state_wide_offers(domain) -> None:
    trk = tracker("deny", slots={"topic": "psz", "awaiting_place": True})
    msgs, slots = run(act.ActionFindOfferings(), trk, domain)
    assert responses(msgs)[0] == "utter_offerings_for_hessen"
    assert offering_names(msgs) == ["PSZ Landesangebot", "PSZ Bundesverband"]
    assert slots["place"] == "Hessen"


def test_place_outside_hessen_gets_honest_reply_and_federal_offers(domain) -> None:
    msgs, _ = run(act.ActionFindOfferings(), tracker("ask_psz", entities=[{"entity": "place", "value": "Berlin"}]), domain)
    assert responses(msgs)[0] == "utter_outside_hessen" and msgs[0]["place"] == "Berlin"
    assert offering_names(msgs) == ["PSZ Bundesverband"]


def test_place_without_topic_is_remembered_and_menu_shown(domain) -> None:
    msgs, slots = run(act.ActionFindOfferings(), tracker("inform_place", entities=[{"entity": "place", "value": "Fulda"}]), domain)
    assert responses(msgs) == ["utter_place_noted", "utter_menu"] and slots["place"] == "Fulda"
    assert {"title": "Psychosoziale Hilfe für Geflüchtete", "payload": "/ask_psz"} in msgs[1]["buttons"]


def test_own_legal_case_is_answered_with_the_counselling_topic(domain) -> None:
    msgs, slots = run(act.ActionFindOfferings(), tracker("ask_legal_residence", slots={"place": "Hessen"}), domain)
    assert slots["topic"] == "migrationsberatung" and offering_names(msgs) == ["Migrationsberatung MBE"]


def test_specific_question_answers_its_entry_with_items(domain) -> None:
    msgs, _ = run(act.ActionFindOfferings(), tracker("ask_integrationsplan_handlungsfelder"), domain)
    (entry,) = [m for m in msgs if m.get("response") == "utter_offering"]
    assert "• Sprache und Bildung\n• Wirtschaft und Arbeit" in entry["more"]
    assert not any(m.get("buttons") for m in msgs)  # the whole text is shown: no "Mehr anzeigen"


def test_offering_variables_show_known_contact_and_source(domain) -> None:
    msgs, _ = run(act.ActionFindOfferings(), tracker("ask_psz", entities=[{"entity": "place", "value": "Kassel"}]), domain)
    first = [m for m in msgs if m.get("response") == "utter_offering"][0]
    assert first["details"] == "Telefon: 0561 123456\nInternet: https://example.org\nKosten: kostenlos\n"
    assert first["source_url"] == "https://example.org/quelle"
    assert first["source_date"] == "Stand der Quelle: Oktober 2026"  # the page's own date, not the day it was read


def test_detail_follow_up_gives_phone_or_says_unknown(domain) -> None:
    trk = tracker("ask_detail", entities=[{"entity": "detail", "value": "phone"}],
                  slots={"last_offerings": ["psz-nord", "psz-land"]})
    msgs, _ = run(act.ActionOfferingDetail(), trk, domain)
    assert responses(msgs) == ["utter_detail", "utter_detail_unknown"]
    assert msgs[0]["value"] == "0561 123456" and msgs[0]["label"] == "Telefonnummer"
    assert msgs[1]["source_url"] == "https://example.org/quelle"


def test_detail_without_shown_offering_asks_for_topic(domain) -> None:
    msgs, _ = run(act.ActionOfferingDetail(), tracker("ask_detail", entities=[{"entity": "detail", "value": "phone"}]), domain)
    assert responses(msgs) == ["utter_detail_no_offering"]


def test_clarify_offers_two_likeliest_topics(domain) -> None:
    ranking = [{"name": "nlu_fallback", "confidence": 1}, {"name": "greet", "confidence": 0.3},
               {"name": "ask_psz", "confidence": 0.3}, {"name": "ask_legal_residence", "confidence": 0.2},
               {"name": "ask_migrationsberatung", "confidence": 0.1}, {"name": "ask_deutschkurs", "confidence": 0.1}]
    msgs, slots = run(act.ActionClarify(), tracker("nlu_fallback", "wo kurs hilfe", intent_ranking=ranking), domain)
    assert responses(msgs) == ["utter_clarify"]
    assert [b["payload"] for b in msgs[0]["buttons"]] == ["/ask_psz", "/ask_migrationsberatung"]
    assert slots["fallback_count"] == 1.0


def test_second_misunderstanding_points_to_human_counselling(domain) -> None:
    msgs, slots = run(act.ActionClarify(), tracker("nlu_fallback", "äh was", slots={"fallback_count": 1.0}), domain)
    assert responses(msgs)[0] == "utter_still_unclear"
    assert offering_names(msgs) == ["Migrationsberatung MBE"] and responses(msgs)[-1] == "utter_menu"
    assert slots["fallback_count"] == 0.0


def test_menu_has_a_button_per_topic_marked_for_the_menu(domain) -> None:
    msgs, _ = run(act.ActionShowMenu(), tracker("help"), domain)
    topics = act.STORE.get().topics.values()
    assert [b["title"] for b in msgs[0]["buttons"]] == [t.label for t in topics if t.in_menu]
    assert [b["payload"] for b in msgs[0]["buttons"]] == [f"/{t.intents[0]}" for t in topics if t.in_menu]
    assert "Notfall und Krisen" not in [b["title"] for b in msgs[0]["buttons"]]


def test_menu_clarification_and_human_fallback_follow_topics_file(domain, make_knowledge, monkeypatch) -> None:
    """in_menu and the role human_fallback come from topics.yml, not from the code."""
    topics = yaml.safe_load((ROOT / "knowledge" / "topics.yml").read_text(encoding="utf-8"))
    for topic in topics["topics"]:
        topic["in_menu"] = topic["id"] != "psz"
    topics["roles"]["human_fallback"] = "psz"
    folder = make_knowledge(OFFERINGS, extra={"topics.yml": yaml.safe_dump(topics, allow_unicode=True)})
    monkeypatch.setattr(act, "STORE", KnowledgeStore(folder))
    assert [p for p in act.STORE.get().problems if p.file == "topics.yml" and p.field != "questions"] == []

    msgs, _ = run(act.ActionShowMenu(), tracker("help"), domain)
    titles = [b["title"] for b in msgs[0]["buttons"]]
    assert "Psychosoziale Hilfe für Geflüchtete" not in titles and "Notfall und Krisen" in titles
    ranking = [{"name": "ask_psz", "confidence": 0.4}, {"name": "crisis", "confidence": 0.3},
               {"name": "ask_deutschkurs", "confidence": 0.2}]
    msgs, _ = run(act.ActionClarify(), tracker("nlu_fallback", "hilfe", intent_ranking=ranking), domain)
    assert [b["payload"] for b in msgs[0]["buttons"]] == ["/crisis", "/ask_deutschkurs"]
    msgs, _ = run(act.ActionClarify(), tracker("nlu_fallback", "äh was", slots={"fallback_count": 1.0}), domain)
    assert offering_names(msgs) == ["PSZ Landesangebot", "PSZ Bundesverband"]


def test_empty_message_gets_a_clear_request_to_write_again(domain) -> None:
    msgs, slots = run(act.ActionClarify(), tracker("nlu_fallback", "   "), domain)
    assert responses(msgs) == ["utter_invalid_input"] and slots == {}


def test_every_municipality_resolves_and_gets_an_offering(domain, monkeypatch) -> None:
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[2]
    monkeypatch.setattr(act, "STORE", KnowledgeStore(root / "knowledge"))
    places = yaml.safe_load((root / "knowledge" / "places.yml").read_text(encoding="utf-8"))
    for m in places["municipalities"]:
        trk = tracker("ask_antidiskriminierung", entities=[{"entity": "place", "value": m["name"]}])
        msgs, slots = run(act.ActionFindOfferings(), trk, domain)
        assert msgs[0]["response"] in ("utter_offerings_for_place", "utter_no_local_offering"), m["name"]
        assert slots["place"] == m["name"], m["name"]
        assert offering_names(msgs), m["name"]


def test_partial_place_entity_is_widened_to_the_municipality_named(domain) -> None:
    text = "Hilfe in Lautertal (Odenwald)?"
    trk = tracker("ask_psz", text, entities=[{"entity": "place", "value": "Odenwaldkreis", "start": 20, "end": 28}])
    msgs, slots = run(act.ActionFindOfferings(), trk, domain)
    assert text[20:28] == "Odenwald" and slots["place"] == "Lautertal (Odenwald)"


def test_multi_word_place_without_entity_is_found_single_common_words_are_not(domain) -> None:
    _, slots = run(act.ActionFindOfferings(), tracker("ask_psz", "Beratung in Allendorf (Lumda)"), domain)
    assert slots["place"] == "Allendorf (Lumda)"
    _, slots = run(act.ActionFindOfferings(), tracker("ask_psz", "Das macht keinen Sinn"), domain)
    assert "place" not in slots


def test_heading_says_for_place_only_when_something_local_is_listed(domain) -> None:
    msgs, _ = run(act.ActionFindOfferings(), tracker("ask_psz", entities=[{"entity": "place", "value": "Kassel"}]), domain)
    assert responses(msgs)[0] == "utter_offerings_for_place"
    msgs, _ = run(act.ActionFindOfferings(), tracker("ask_psz", entities=[{"entity": "place", "value": "Darmstadt"}]), domain)
    assert responses(msgs)[0] == "utter_no_local_offering" and msgs[0]["place"] == "Darmstadt"
    assert offering_names(msgs) == ["PSZ Landesangebot", "PSZ Bundesverband"]


def test_state_wide_answer_to_a_specific_question_is_not_headed_as_local(domain) -> None:
    trk = tracker("ask_integrationsplan_handlungsfelder", entities=[{"entity": "place", "value": "Kassel"}])
    msgs, _ = run(act.ActionFindOfferings(), trk, domain)
    assert responses(msgs)[0] == "utter_offerings_for_hessen"


def test_one_turn_stays_short_and_the_rest_comes_on_more(domain, make_knowledge, monkeypatch) -> None:
    long_text = "Hier gibt es Rat. " * 40
    many = [offering(id=f"mbe-{i}", name=f"Beratung {i}", topic="migrationsberatung", serves=["hessen"],
                     description=long_text) for i in range(6)]
    monkeypatch.setattr(act, "STORE", KnowledgeStore(make_knowledge({"migrationsberatung.yml": many})))
    trk = tracker("ask_migrationsberatung", slots={"place": "Hessen"})
    msgs, slots = run(act.ActionFindOfferings(), trk, domain)
    from actions.render import text_of
    shown = sum(len(text_of(domain, m)) for m in msgs)
    assert shown <= act.config.MAX_TURN_CHARS
    assert long_text.strip() not in "".join(text_of(domain, m) for m in msgs)  # long texts wait for "mehr"
    assert msgs[-2]["buttons"] == [{"title": "Mehr anzeigen", "payload": "/ask_more"}]
    assert responses(msgs)[-1] == "utter_ask_feedback"
    assert len(slots["last_offerings"]) + len(slots["more_offerings"]) == len(many) and slots["more_offerings"]

    more, more_slots = run(act.ActionShowMore(), tracker("ask_more", slots=slots), domain)
    assert responses(more)[0] == "utter_offering_more" and more[0]["name"] == "Beratung 0"
    assert long_text.strip() in text_of(domain, more[0])
    assert set(more_slots["last_offerings"]) <= set(slots["more_offerings"])


def test_more_without_anything_shown_says_so(domain) -> None:
    msgs, _ = run(act.ActionShowMore(), tracker("ask_more"), domain)
    assert responses(msgs) == ["utter_no_more"]


def test_the_word_kreis_alone_is_no_place(domain) -> None:
    # Rasa's slot mapping has already put the entity into the slot
    trk = tracker("ask_psz", "Wer ist im Kreis zuständig?", entities=[{"entity": "place", "value": "Kreis"}],
                  slots={"place": "Kreis"})
    msgs, slots = run(act.ActionFindOfferings(), trk, domain)
    assert responses(msgs)[0] == "utter_offerings_for_hessen" and slots["place"] is None


def test_more_twice_does_not_repeat_the_long_text(domain) -> None:
    slots = {"last_offerings": ["psz-nord"], "more_offerings": []}
    first, first_slots = run(act.ActionShowMore(), tracker("ask_more", slots=slots), domain)
    assert responses(first) == ["utter_offering_more", "utter_ask_feedback"] and first_slots["explained"] == ["psz-nord"]
    again, _ = run(act.ActionShowMore(), tracker("ask_more", slots={**slots, **first_slots}), domain)
    assert responses(again) == ["utter_no_more"]


def test_what_is_answer_counts_its_long_text_as_read(domain) -> None:
    trk = tracker("ask_psz", "Was ist ein PSZ?", entities=[{"entity": "explain", "value": "Was ist"}])
    _, slots = run(act.ActionFindOfferings(), trk, domain)
    assert slots["explained"] == slots["last_offerings"][:1]
