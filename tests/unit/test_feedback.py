"""Feedback on answers (actions/feedback.py): the buttons, the rating, "Was hat gefehlt?" and answer_scope."""
import asyncio
from typing import Any, Dict, List, Optional

import pytest
from conftest import offering, responses, run, tracker
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.actions as act
from actions import feedback
from actions.knowledge import KnowledgeStore

OFFERINGS = {
    "psz.yml": [
        offering(id="psz-stadt", name="PSZ Stadt Kassel", serves=["stadt-kassel"]),
        offering(id="psz-nord", name="PSZ Nordhessen", serves=["rb-kassel"]),
        offering(id="psz-land", name="PSZ Landesangebot", serves=["hessen"]),
    ],
    "deutschkurs.yml": [
        offering(id="kurs-nord", name="Kurse Nordhessen", topic="deutschkurs", serves=["rb-kassel"]),
        offering(id="kurs-land", name="Kurse Hessen", topic="deutschkurs", serves=["hessen"]),
    ],
    "migrationsberatung.yml": [
        offering(id="mbe", name="Migrationsberatung MBE", topic="migrationsberatung", serves=["bund"]),
    ],
}
KASSEL = [{"entity": "place", "value": "Kassel"}]


@pytest.fixture(autouse=True)
def knowledge(make_knowledge, monkeypatch):
    monkeypatch.setattr(act, "STORE", KnowledgeStore(make_knowledge(OFFERINGS)))


def after_feedback(text: str, intent: str = "nlu_fallback", rating: str = feedback.NOT_HELPFUL,
                   entities: Optional[List[Dict[str, Any]]] = None) -> Tracker:
    """The conversation right after the user rated an answer and then typed ``text``."""
    events = [{"event": "user", "text": '/feedback{"rating":"%s"}' % rating},
              {"event": "action", "name": "action_feedback"},
              {"event": "bot", "text": "Was hat gefehlt?"},
              {"event": "slot", "name": "feedback", "value": rating},
              {"event": "action", "name": "action_listen"},
              {"event": "user", "text": text}]
    message = {"intent": {"name": intent, "confidence": 0.9}, "entities": entities or [], "text": text}
    return Tracker("test-user", {"feedback": rating}, message, events, False, None, {}, "action_listen")


@pytest.mark.parametrize("entities, topic, scope", [
    (KASSEL, "ask_psz", feedback.LOCAL),  # an office of the kreisfreie Stadt Kassel
    (KASSEL, "ask_deutschkurs", feedback.REGIONAL),  # at best the Regierungsbezirk
    ([{"entity": "place", "value": "Wiesbaden"}], "ask_psz", feedback.LAND),
    ([], "ask_migrationsberatung", feedback.LAND),
])
def test_every_offering_answer_says_how_local_it_is_and_ends_with_the_two_buttons(domain, entities, topic,
                                                                                  scope) -> None:
    msgs, slots = run(act.ActionFindOfferings(), tracker(topic, entities=entities, slots={"place_asked": True}), domain)
    assert slots[feedback.SCOPE_SLOT] == scope
    assert responses(msgs)[-1] == "utter_ask_feedback"
    assert responses(msgs).count("utter_ask_feedback") == 1
    # the follow-up button stays with the answer itself
    assert msgs[-2]["buttons"] == [{"title": "Mehr anzeigen", "payload": "/ask_more"}]


def test_buttons_in_every_language_send_the_two_ratings(domain) -> None:
    variants = domain["responses"]["utter_ask_feedback"]
    assert len(variants) == 7
    for variant in variants:
        assert [b["payload"] for b in variant["buttons"]] == ['/feedback{"rating":"helpful"}',
                                                             '/feedback{"rating":"not_helpful"}']
        assert all(len(b["title"]) <= 20 for b in variant["buttons"])  # Facebook's quick reply titles


def test_no_offering_means_scope_none_and_no_buttons(domain, make_knowledge, monkeypatch) -> None:
    monkeypatch.setattr(act, "STORE", KnowledgeStore(make_knowledge({"psz.yml": OFFERINGS["psz.yml"][:1]})))
    msgs, slots = run(act.ActionFindOfferings(), tracker("ask_psz", entities=[{"entity": "place", "value": "Berlin"}]),
                      domain)
    assert slots[feedback.SCOPE_SLOT] == feedback.NONE and "utter_ask_feedback" not in responses(msgs)


def test_the_place_question_comes_first_and_the_buttons_after_the_place_answer(domain) -> None:
    msgs, slots = run(act.ActionFindOfferings(), tracker("ask_psz"), domain)
    assert responses(msgs)[-1] == "utter_ask_place" and "utter_ask_feedback" not in responses(msgs)
    assert slots[feedback.SCOPE_SLOT] == feedback.LAND
    declined, _ = run(act.ActionFindOfferings(), tracker("deny", slots={**slots, "place_asked": True}), domain)
    assert responses(declined) == ["utter_whole_state_noted", "utter_ask_feedback"]


def test_show_more_ends_with_the_buttons_and_keeps_the_scope(domain) -> None:
    msgs, slots = run(act.ActionShowMore(), tracker("ask_more", slots={"last_offerings": ["psz-nord"],
                                                                      "answer_scope": "regional"}), domain)
    assert responses(msgs) == ["utter_offering_more", "utter_ask_feedback"]
    assert feedback.SCOPE_SLOT not in slots


@pytest.mark.parametrize("rating, reply", [(feedback.HELPFUL, "utter_feedback_thanks"),
                                           (feedback.NOT_HELPFUL, "utter_ask_feedback_comment")])
def test_a_rating_is_stored_as_slot_and_thanked(domain, rating, reply) -> None:
    trk = tracker("feedback", '/feedback{"rating":"%s"}' % rating, entities=[{"entity": "rating", "value": rating}])
    msgs, slots = run(feedback.ActionFeedback(), trk, domain)
    assert responses(msgs) == [reply] and slots == {feedback.FEEDBACK_SLOT: rating}


def test_feedback_without_a_rating_offers_the_buttons_and_stores_nothing(domain) -> None:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(feedback.ActionFeedback().run(dispatcher, tracker("feedback", "war das gut"), domain))
    assert responses(dispatcher.messages) == ["utter_ask_feedback"]
    assert events == [{"event": "followup", "name": "action_listen", "timestamp": None}]  # no rule follows


def test_what_was_missing_is_thanked_and_marked_without_its_text(domain) -> None:
    msgs, slots = run(feedback.ActionFeedbackComment(), after_feedback("Die Zeiten am Abend fehlten"), domain)
    assert responses(msgs) == ["utter_feedback_comment_thanks"]
    assert slots == {feedback.COMMENT_SLOT: True}  # a flag: the text stays in the masked user event


def test_a_question_after_what_was_missing_is_answered_and_marked(domain) -> None:
    trk = after_feedback("Deutschkurs in Kassel", "ask_deutschkurs", entities=KASSEL)
    msgs, slots = run(act.ActionFindOfferings(), trk, domain)
    assert responses(msgs)[0] == "utter_offerings_for_place" and slots[feedback.COMMENT_SLOT] is True


@pytest.mark.parametrize("trk", [
    after_feedback('/inform_place{"place":"Kassel"}', "inform_place"),  # a button is no comment
    after_feedback("Die Zeiten fehlten", rating=feedback.HELPFUL),  # nobody asked
    tracker("ask_deutschkurs", "Deutschkurs in Kassel", entities=KASSEL),  # no feedback at all
])
def test_only_typed_text_right_after_the_question_is_a_comment(trk) -> None:
    assert feedback.comment_events(trk) == []


def test_the_second_message_after_the_question_is_no_comment() -> None:
    trk = after_feedback("Deutschkurs in Kassel", "ask_deutschkurs")
    trk.events += [{"event": "action", "name": "action_find_offerings"}, {"event": "action", "name": "action_listen"},
                   {"event": "user", "text": "und in Fulda?"}]
    assert not feedback.answers_missing_question(trk)
