"""The editors' report (scripts/report.py, reporting/): figures from a real (SQLite) tracker store.

Synthetic conversations are written through the bot's own ``PrivacyTrackerStore``, so the
text is masked as in production; one more row goes in unmasked, as if masking had missed
it. Every table is checked against the conversations written (``TALKS``).
"""
from __future__ import annotations

import asyncio
import csv
import datetime as dt
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from actions import config, routes
from actions.knowledge import Knowledge, load_knowledge
from common import settings
from reporting import conversations, figures, similar, store
from scripts import report as report_command
from stores.tracker_store import PrivacyTrackerStore

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date.today()
PHONE, EMAIL, NAME = "0171 2345678", "max.mustermann@example.org", "Zoltan Kowalczyk"
#: Typed in a comment; what the user typed as a "place" (a slot: stored unmasked).
SECRET_PLACE = "Kowalczykhausen"
COMMENT = f"no phone number. Please phone {PHONE}, my name is {NAME}"


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge(config.KNOWLEDGE_DIR)


def _municipality(knowledge: Knowledge, topic: str, local: bool) -> str:
    """The first municipality (from the end of the list when ``local`` is False, so that the two
    differ) for which the knowledge has (or has not) an office of the place or its district."""
    towns = knowledge.gazetteer.municipalities()
    for place in towns if local else towns[::-1]:
        if (routes.best_route(knowledge, topic, place).level in figures.LOCAL_LEVELS) == local:
            return place.name
    raise AssertionError(f"no municipality with local={local} for {topic}")


@dataclass
class Turn:
    """One user message and what the bot did (the events the real bot stores)."""

    text: str
    intent: str
    confidence: float = 0.95
    guess: Optional[str] = None  # second intent in the ranking (nlu_fallback)
    language: Optional[str] = None  # SlotSet language before the action (only when it changes)
    action: str = "utter_x"
    answer: Optional[Tuple[str, Optional[str], Optional[str]]] = None  # topic, place, answer_scope
    slots: Dict[str, Any] = field(default_factory=dict)  # set by the action after the answer


@dataclass
class Talk:
    sender: str
    day: int  # days before today
    turns: List[Turn]
    new_session: bool = False  # a second session of an earlier sender


def fallback(text: str, guess: str = "ask_schule", language: Optional[str] = None) -> Turn:
    return Turn(text, "nlu_fallback", 0.55, guess=guess, language=language, action="action_clarify")


def talks(knowledge: Knowledge) -> List[Talk]:
    local = _municipality(knowledge, "deutschkurs", local=True)
    gap = _municipality(knowledge, "psz", local=False)
    helpful = Turn('/feedback{"rating":"helpful"}', "feedback", 1.0, action="action_feedback",
                   slots={"feedback": "helpful"})
    not_helpful = Turn('/feedback{"rating":"not_helpful"}', "feedback", 1.0, action="action_feedback",
                       slots={"feedback": "not_helpful"})
    return [
        Talk("anna", 2, [Turn(f"Wo gibt es einen Deutschkurs in {local}?", "ask_deutschkurs", language="de",
                              action="action_find_offerings", answer=("deutschkurs", local, "local")), helpful]),
        Talk("ben", 1, [Turn(f"Where is psychosocial help in {gap}?", "ask_psz", language="en",
                             action="action_find_offerings", answer=("psz", gap, "regional")),
                        not_helpful,
                        Turn(COMMENT, "nlu_fallback", 0.4,
                             guess="ask_psz", action="action_feedback_comment", slots={"feedback_comment": True}),
                        Turn(f"psychosocial help in {gap} for children", "ask_psz", 0.62,
                             action="action_find_offerings", answer=("psz", gap, "regional"))]),
        Talk("cem", 0, [fallback("blorp zzkx", language="de"), fallback("blorp zzkxx"),
                        Turn(f"Meine E-Mail ist {EMAIL}, wer hilft bei Migration?", "ask_migrationsberatung", 0.5,
                             action="action_find_offerings", answer=("migrationsberatung", "Hessen", "land")),
                        not_helpful]),
        Talk("dilek", 0, [Turn("kendimi öldürmek istiyorum", "crisis", 1.0, language="tr", action="utter_crisis"),
                          Turn("Yarın hava nasıl olacak?", "out_of_scope", 0.9, action="utter_out_of_scope")]),
        Talk("emil", 1, [Turn(f"Schule in {SECRET_PLACE}", "ask_schule", language="de", action="action_find_offerings",
                              answer=("schule", SECRET_PLACE, "land"))]),
        Talk("anna", 0, [Turn(f"Und Einbürgerung in {local}?", "ask_einbuergerung", action="action_find_offerings",
                              answer=("einbuergerung", local, "local")), helpful], new_session=True),
    ]


def _ts(day: int, second: int) -> float:
    """Noon of ``day`` days ago, plus seconds (a stable local day, whatever the time zone)."""
    return time.mktime((TODAY - dt.timedelta(days=day)).timetuple()) + 12 * 3600 + second


def events_of(talk: Talk) -> List[Event]:
    clock = iter(range(0, 10_000, 2))
    now = lambda: _ts(talk.day, next(clock))  # noqa: E731
    events: List[Event] = [ActionExecuted("action_session_start", timestamp=now()), SessionStarted(timestamp=now()),
                           ActionExecuted("action_listen", timestamp=now())]
    for turn in talk.turns:
        ranking = [{"name": turn.intent, "confidence": turn.confidence}]
        if turn.guess:
            ranking.append({"name": turn.guess, "confidence": turn.confidence - 0.1})
        intent = {"name": turn.intent, "confidence": turn.confidence}
        events.append(UserUttered(turn.text, intent, [], {"text": turn.text, "intent": intent,
                                                          "intent_ranking": ranking, "entities": []},
                                  timestamp=now(), input_channel="rest"))
        if turn.language:
            events.append(SlotSet("language", turn.language, timestamp=now()))
        events.append(ActionExecuted(turn.action, timestamp=now()))
        events.append(BotUttered(f"Antwort des Bots, Telefon 069 {len(events)}1234567", timestamp=now()))
        if turn.answer:
            topic, place, scope = turn.answer
            events += [SlotSet("place", place, timestamp=now()), SlotSet("topic", topic, timestamp=now()),
                       SlotSet("answer_scope", scope, timestamp=now())]
        events += [SlotSet(name, value, timestamp=now()) for name, value in turn.slots.items()]
        events.append(ActionExecuted("action_listen", timestamp=now()))
    return events


def fill(tracker_store: PrivacyTrackerStore, domain: Domain, knowledge: Knowledge) -> List[Talk]:
    """Save ``talks`` through the store (masked), then one unmasked row of today and one 40 days old."""
    written_talks = talks(knowledge)
    for talk in written_talks:
        tracker = asyncio.run(tracker_store.retrieve(talk.sender)) if talk.new_session else None
        if tracker is None:
            tracker = DialogueStateTracker.from_events(talk.sender, [], domain.slots)
        for event in events_of(talk):
            tracker.update(event)
        asyncio.run(tracker_store.save(tracker))
    # masking missed something: the row as an older or faulty store would have written it
    with tracker_store.engine.begin() as connection:
        for sender, text, stamp in (("raw", f"ich heiße {NAME}, {PHONE}, {EMAIL}", _ts(0, 500)),
                                    ("old", "Deutschkurs vor langer Zeit", _ts(40, 0))):
            data = {"event": "user", "timestamp": stamp, "text": text, "input_channel": "rest",
                    "parse_data": {"text": text, "intent": {"name": "nlu_fallback", "confidence": 0.3},
                                   "entities": []}}
            connection.execute(sa.text("INSERT INTO events (sender_id, type_name, timestamp, intent_name, data) "
                                       "VALUES (:s, 'user', :t, 'nlu_fallback', :d)"),
                               {"s": sender, "t": stamp, "d": json.dumps(data)})
    return written_talks


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory, knowledge: Knowledge) -> Dict[str, Any]:
    """A SQLite store with ``talks`` saved through PrivacyTrackerStore, one unmasked row and one old row."""
    path = tmp_path_factory.mktemp("store") / "conversations.db"
    env = {"DB_DIALECT": "sqlite", "DB_NAME": str(path)}
    with pytest.MonkeyPatch.context() as patch:
        for var in settings.DB_VARS.values():
            patch.delenv(var, raising=False)
        for name, value in env.items():
            patch.setenv(name, value)
        domain = Domain.load(str(ROOT / "domain.yml"))
        return {"path": path, "env": env, "talks": fill(PrivacyTrackerStore(domain=domain), domain, knowledge)}


@pytest.fixture(scope="module")
def built(written: Dict[str, Any], knowledge: Knowledge, tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Any]:
    """The report of the last 30 days, built by the command (HTML and CSV)."""
    out = tmp_path_factory.mktemp("reports") / "report.html"
    folder = out.parent / "csv"
    with pytest.MonkeyPatch.context() as patch:
        for var in settings.DB_VARS.values():
            patch.delenv(var, raising=False)
        for name, value in written["env"].items():
            patch.setenv(name, value)
        report_command.main(["--out", str(out), "--csv", str(folder)])
        first, last, span = report_command.period(None, None, None)
        tracker_store = store.open_store(None)
        report = figures.build(conversations.read(store.events(tracker_store, span)), knowledge, first, last, "SQLite")
    return {"html": out.read_text(encoding="utf-8"), "csv": folder, "report": report}


def rows(built: Dict[str, Any], key: str) -> List[List[Any]]:
    return built["report"].tables[key].rows


def column(built: Dict[str, Any], key: str, name: str) -> Dict[Any, Any]:
    table = built["report"].tables[key]
    return {row[0]: row[table.columns.index(name)] for row in table.rows}


def test_conversations_and_messages_per_day(written: Dict[str, Any], built: Dict[str, Any]) -> None:
    talks_written = written["talks"]
    day = lambda n: (TODAY - dt.timedelta(days=n)).isoformat()  # noqa: E731
    expected_talks = {day(n): sum(t.day == n for t in talks_written) + (n == 0) for n in range(30)}  # + raw row
    expected_messages = {day(n): sum(len(t.turns) for t in talks_written if t.day == n) + (n == 0) for n in range(30)}
    assert column(built, "tage", "Gespräche") == expected_talks
    assert column(built, "tage", "Nachrichten") == expected_messages
    assert len(rows(built, "tage")) == 30 and rows(built, "tage")[-1][0] == TODAY.isoformat()
    assert built["report"].totals["Gespräche"] == len(talks_written) + 1  # the 40-day-old row is outside


def test_topics(written: Dict[str, Any], built: Dict[str, Any], knowledge: Knowledge) -> None:
    answers = [turn.answer[0] for t in written["talks"] for turn in t.turns if turn.answer]
    expected = {knowledge.topics[topic].label: answers.count(topic) for topic in set(answers)}
    assert column(built, "themen", "Antworten") == expected
    assert rows(built, "themen")[0][0] == knowledge.topics["psz"].label  # asked twice: first
    assert column(built, "themen", "Gespräche")[knowledge.topics["psz"].label] == 1


def test_places_by_district_with_local_share(written: Dict[str, Any], built: Dict[str, Any],
                                             knowledge: Knowledge) -> None:
    gazetteer = knowledge.gazetteer
    expected: Dict[str, List[str]] = {}
    for answer in (turn.answer for t in written["talks"] for turn in t.turns if turn.answer):
        place = gazetteer.resolve(answer[1]) if answer[1] != "Hessen" else None
        label = (gazetteer.get(place.district).name if place else
                 figures.WHOLE_HESSEN if answer[1] == "Hessen" else figures.UNKNOWN_PLACE)
        expected.setdefault(label, []).append(answer[2])
    assert column(built, "orte", "Antworten") == {label: len(scopes) for label, scopes in expected.items()}
    for label, scopes in expected.items():
        near = sum(s in ("local", "regional") for s in scopes)
        assert column(built, "orte", "Anteil örtlich oder regional")[label] == f"{round(100 * near / len(scopes))} %"
        assert column(built, "orte", "örtlich")[label] == scopes.count("local")
    assert [r[0] for r in rows(built, "orte")][-2:] == [figures.WHOLE_HESSEN, figures.UNKNOWN_PLACE]


def test_languages(written: Dict[str, Any], built: Dict[str, Any]) -> None:
    by_talk: Dict[str, int] = {}
    for talk in written["talks"]:
        # the language slot carries over to the next session of the same user
        language = next((turn.language for turn in talk.turns if turn.language), None) or (
            next(t.turns[0].language for t in written["talks"] if t.sender == talk.sender and t.turns[0].language))
        name = figures.LANGUAGE_NAMES[language]
        by_talk[name] = by_talk.get(name, 0) + 1
    by_talk[figures.UNKNOWN_LANGUAGE] = 1  # the unmasked row has no language slot
    assert column(built, "sprachen", "Gespräche") == by_talk


def test_rates(written: Dict[str, Any], built: Dict[str, Any]) -> None:
    typed = [turn for t in written["talks"] for turn in t.turns if not turn.text.startswith("/")]
    raw_rows = 1  # typed, nlu_fallback, no clarification
    counts = {row[0]: (row[1], row[2]) for row in rows(built, "quoten")}
    fallbacks = sum(turn.intent == "nlu_fallback" for turn in typed) + raw_rows
    clarified = sum(turn.action == "action_clarify" for turn in typed)
    out_of_scope = sum(turn.intent == "out_of_scope" for turn in typed)
    crisis = sum(turn.intent == "crisis" for turn in typed)
    assert list(counts.values())[:4] == [(n, len(typed) + raw_rows) for n in (fallbacks, clarified, out_of_scope, crisis)]
    talks_clarified = sum(any(turn.action == "action_clarify" for turn in t.turns) for t in written["talks"])
    assert counts["Gespräche mit mindestens einer Rückfrage"] == (talks_clarified, len(written["talks"]) + raw_rows)


def test_feedback_per_topic(written: Dict[str, Any], built: Dict[str, Any], knowledge: Knowledge) -> None:
    ratings: Dict[str, List[str]] = {}
    for talk in written["talks"]:
        topic = None
        for turn in talk.turns:
            topic = turn.answer[0] if turn.answer else topic
            if "feedback" in turn.slots:
                ratings.setdefault(knowledge.topics[topic].label, []).append(turn.slots["feedback"])
    assert {k: v for k, v in column(built, "bewertungen", "Bewertungen").items() if v} == {
        label: len(given) for label, given in ratings.items()}
    for label, given in ratings.items():
        assert column(built, "bewertungen", "Hilfreich")[label] == given.count("helpful")
        assert column(built, "bewertungen", "Nicht hilfreich")[label] == given.count("not_helpful")
    assert column(built, "bewertungen", "Kommentare")[knowledge.topics["psz"].label] == 1


def test_questions_not_understood_are_grouped_most_frequent_first(built: Dict[str, Any]) -> None:
    questions = rows(built, "fragen")
    assert questions[0][:2] == [2, "blorp zzkx"] and questions[0][2] == "blorp zzkxx (1)"
    texts = " ".join(str(cell) for row in questions for cell in row)
    assert "Meine E-Mail ist [E-MAIL], wer hilft bei Migration?" in texts  # low confidence
    assert "Yarın hava nasıl olacak?" in texts  # out of scope
    assert "kendimi" not in texts  # crisis messages are never listed
    assert "no phone number" not in texts  # the comment is listed with its rating, not here
    assert "Deutschkurs vor langer Zeit" not in texts  # outside the period
    assert any(row[1].startswith("psychosocial help in") and "unsicher" in row[3] for row in questions)  # 0.62


def test_similar_questions_stand_together() -> None:
    groups = similar.group(["Wo ist ein Deutschkurs?", "wo ist ein deutschkurs", "Wo gibt es Deutschkurse?",
                            "Wie wird das Wetter?", "Wo ist ein Deutschkurs?"])
    assert [g.count for g in groups] == [4, 1]
    assert groups[0].text == "Wo ist ein Deutschkurs?" and groups[1].text == "Wie wird das Wetter?"


def test_not_helpful_answers_with_what_was_missing(written: Dict[str, Any], built: Dict[str, Any],
                                                   knowledge: Knowledge) -> None:
    table = rows(built, "nicht_hilfreich")
    expected = sum(turn.slots.get("feedback") == "not_helpful" for t in written["talks"] for turn in t.turns)
    assert len(table) == expected
    comments = {row[0]: row[-1] for row in table}
    assert comments[knowledge.topics["psz"].label] == "no phone number. Please phone [TELEFON], my name is [NAME]"
    assert comments[knowledge.topics["migrationsberatung"].label] == "–"


def test_todo_lists_asked_topic_district_cells_without_local_entry(written: Dict[str, Any], built: Dict[str, Any],
                                                                   knowledge: Knowledge) -> None:
    gap = knowledge.gazetteer.resolve(_municipality(knowledge, "psz", local=False))
    local = knowledge.gazetteer.resolve(_municipality(knowledge, "deutschkurs", local=True))
    cells = {(row[0], row[1]): row for row in rows(built, "aufgaben")}
    district = knowledge.gazetteer.get(gap.district).name
    assert cells[(knowledge.topics["psz"].label, district)][2] == 2
    assert f"{gap.name} (2)" in cells[(knowledge.topics["psz"].label, district)][3]
    assert (knowledge.topics["deutschkurs"].label, knowledge.gazetteer.get(local.district).name) not in cells
    assert all(row[0] != knowledge.topics["migrationsberatung"].label for row in cells.values())  # all of Hessen


def test_no_phone_email_name_or_typed_place_in_the_report(written: Dict[str, Any], built: Dict[str, Any]) -> None:
    texts = [built["html"]] + [path.read_text(encoding="utf-8-sig") for path in built["csv"].glob("*.csv")]
    for text in texts:
        for secret in (PHONE, "2345678", EMAIL, "mustermann", NAME, "Zoltan", "Kowalczyk", SECRET_PLACE):
            assert secret not in text
    assert "ich heiße [NAME], [TELEFON], [E-MAIL]" in built["html"]  # the unmasked row, masked again
    assert not re.search(r"\b(anna|ben|cem|dilek|emil|raw)\b", built["html"])  # no sender ids


def test_html_is_self_contained_and_accessible(built: Dict[str, Any]) -> None:
    page = built["html"]
    assert page.startswith("<!DOCTYPE html>") and '<html lang="de">' in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page) and "<script" not in page
    assert page.count("<caption>") == len(built["report"].tables) - sum(
        not table.rows for table in built["report"].tables.values())
    assert '<th scope="col"' in page and "<svg" in page
    for svg in re.findall(r"<svg[^>]*>", page):
        assert 'role="img"' in svg and "aria-labelledby" in svg
    assert page.count("<title id=") == page.count("<svg")


def test_csv_has_the_same_tables(built: Dict[str, Any]) -> None:
    for key, table in built["report"].tables.items():
        with (built["csv"] / f"{key}.csv").open(encoding="utf-8-sig", newline="") as handle:
            read = list(csv.reader(handle, delimiter=";"))
        assert read[0] == table.columns
        assert read[1:] == [[str(cell) for cell in row] for row in table.rows]


def test_period_is_whole_days() -> None:
    first, last, span = report_command.period(7, None, None, today=dt.date(2026, 11, 28))
    assert (first, last) == (dt.date(2026, 11, 22), dt.date(2026, 11, 28))
    assert span.end - span.start in (7 * 86400, 7 * 86400 + 3600, 7 * 86400 - 3600)  # DST
    first, last, _ = report_command.period(None, dt.date(2026, 11, 1), None, today=dt.date(2026, 11, 28))
    assert (first, last) == (dt.date(2026, 11, 1), dt.date(2026, 11, 28))
    assert report_command.period(3, dt.date(2026, 11, 1), None)[:2] == (dt.date(2026, 11, 1), dt.date(2026, 11, 3))


def test_a_missing_sqlite_file_is_an_error_not_a_new_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in settings.DB_VARS.values():
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DB_NAME", str(tmp_path / "none.db"))
    with pytest.raises(store.NoDatabase):
        store.open_store(None)
    assert not (tmp_path / "none.db").exists()


def test_sessions_split_conversations_and_slots_carry_over() -> None:
    data = [("u", {"event": "session_started", "timestamp": _ts(1, 0)}),
            ("u", {"event": "user", "timestamp": _ts(1, 1), "text": "Hallo", "parse_data": {}}),
            ("u", {"event": "slot", "timestamp": _ts(1, 2), "name": "language", "value": "en"}),
            ("u", {"event": "session_started", "timestamp": _ts(0, 0)}),
            ("u", {"event": "action", "timestamp": _ts(0, 1), "name": "action_listen"}),
            ("u", {"event": "user", "timestamp": _ts(0, 2), "text": "Hi", "parse_data": {}}),
            ("v", {"event": "session_started", "timestamp": _ts(0, 3)})]
    read = list(conversations.read(data))
    assert [len(c.messages) for c in read] == [1, 1]
    assert [c.messages[0].language for c in read] == ["en", "en"]


def test_a_comment_that_is_a_new_question_is_the_comment_and_an_answer() -> None:
    """The feedback part answers a question typed after "Was hat gefehlt?" as usual and sets
    ``feedback_comment`` in that answer's events; the text is the comment, not a not-understood question."""
    stamp = _ts(0, 0)
    data = [("u", {"event": "user", "timestamp": stamp, "text": "Deutschkurs in Kassel", "parse_data": {}}),
            ("u", {"event": "action", "timestamp": stamp, "name": "action_find_offerings"}),
            ("u", {"event": "slot", "timestamp": stamp, "name": "topic", "value": "deutschkurs"}),
            ("u", {"event": "slot", "timestamp": stamp, "name": "place", "value": "Kassel"}),
            ("u", {"event": "slot", "timestamp": stamp, "name": "answer_scope", "value": "local"}),
            ("u", {"event": "user", "timestamp": stamp, "text": '/feedback{"rating":"not_helpful"}', "parse_data": {}}),
            ("u", {"event": "action", "timestamp": stamp, "name": "action_feedback"}),
            ("u", {"event": "slot", "timestamp": stamp, "name": "feedback", "value": "not_helpful"}),
            ("u", {"event": "user", "timestamp": stamp, "text": "Gibt es einen Abendkurs in Baunatal?",
                   "parse_data": {"intent": {"name": "ask_deutschkurs", "confidence": 0.5}}}),
            ("u", {"event": "action", "timestamp": stamp, "name": "action_find_offerings"}),
            ("u", {"event": "slot", "timestamp": stamp, "name": "topic", "value": "deutschkurs"}),
            ("u", {"event": "slot", "timestamp": stamp, "name": "place", "value": "Baunatal"}),
            ("u", {"event": "slot", "timestamp": stamp, "name": "feedback_comment", "value": True})]
    [talk] = conversations.read(data)
    assert [(a.topic, a.place, a.scope) for a in talk.answers] == [("deutschkurs", "Kassel", "local"),
                                                                    ("deutschkurs", "Baunatal", None)]
    assert [(r.rating, r.topic, r.place, r.comment) for r in talk.ratings] == [
        ("not_helpful", "deutschkurs", "Kassel", "Gibt es einen Abendkurs in Baunatal?")]
    assert talk.messages[-1].comment and figures._reason(talk.messages[-1], figures.LOW_CONFIDENCE) is None


def test_a_period_without_conversations_gives_a_page_that_says_so(knowledge: Knowledge) -> None:
    from reporting import output

    report = figures.build([], knowledge, dt.date(2026, 1, 1), dt.date(2026, 1, 3), "SQLite")
    page = output.html(report)
    assert [row[1:] for row in report.tables["tage"].rows] == [[0, 0]] * 3
    empty = [key for key, table in report.tables.items() if not table.rows]
    assert page.count("Keine Einträge in diesem Zeitraum.") == len(empty) and "fragen" in empty
    assert "<svg" not in page  # nothing to draw
