"""The real knowledge base leads every user somewhere (docs/coverage.md shows the figures)."""
import asyncio

import pytest
from conftest import ROOT, tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.actions as act
from actions import routes
from actions.coverage import place_topics, report
from actions.knowledge import KnowledgeStore, load_knowledge


@pytest.fixture(scope="module")
def knowledge():
    return load_knowledge(ROOT / "knowledge")


def ask(intent: str, place: str, domain, monkeypatch):
    monkeypatch.setattr(act, "STORE", KnowledgeStore(ROOT / "knowledge"))
    dispatcher = CollectingDispatcher()
    trk = tracker(intent, entities=[{"entity": "place", "value": place}])
    asyncio.run(act.ActionFindOfferings().run(dispatcher, trk, domain))
    return dispatcher.messages


def test_every_municipality_has_an_actionable_route_for_every_place_dependent_topic(knowledge) -> None:
    missing = [(topic, town.name) for topic in place_topics(knowledge)
               for town in knowledge.gazetteer.municipalities()
               if not routes.best_route(knowledge, topic, town).actionable]
    assert not missing, f"{len(missing)} ohne Weg, zum Beispiel {missing[:5]}"


def test_coverage_report_counts_every_pair(knowledge) -> None:
    text = report(knowledge)
    towns, topics = len(knowledge.gazetteer.municipalities()), len(place_topics(knowledge))
    assert f"von {towns * topics}**" in text and towns == 422


def test_immigration_office_in_kassel_is_the_citys_with_a_contact(domain, monkeypatch) -> None:
    msgs = ask("ask_aufenthalt", "Kassel", domain, monkeypatch)
    assert msgs[0]["response"] == "utter_offerings_for_place"
    first = [m for m in msgs if m.get("response") == "utter_offering"][0]
    assert "Kassel" in first["name"] and "Ausländerbehörde" in first["name"]
    assert "Telefon:" in first["details"] or "Adresse:" in first["details"]


def test_small_vogelsberg_municipality_gets_the_office_that_takes_naturalisation(domain, monkeypatch) -> None:
    """The Vogelsbergkreis publishes its list: only Schotten takes applications itself."""
    msgs = ask("ask_einbuergerung", "Feldatal", domain, monkeypatch)
    office_line = next(m for m in msgs if str(m.get("response", "")).startswith("utter_naturalisation_"))
    assert office_line["response"] == "utter_naturalisation_district" and office_line["district"] == "Vogelsbergkreis"
    first = [m for m in msgs if m.get("response") == "utter_offering"][0]
    assert "Vogelsberg" in first["name"] and ("Telefon:" in first["details"] or "Adresse:" in first["details"])
    msgs = ask("ask_einbuergerung", "Schotten", domain, monkeypatch)
    assert any(m.get("response") == "utter_naturalisation_municipality" for m in msgs)
