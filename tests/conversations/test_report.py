"""The editors' report from real conversations (issue 17, point 4).

For each store (SQLite, then a throw-away PostgreSQL: scripts/pg_server.py) an own bot is
started (action server + Rasa, as in conftest.py), the conversations in ``CONVERSATIONS`` are
sent through REST (German, English, nonsense, both ratings with a "Was hat gefehlt?" comment
holding a phone number, an e-mail address and a name, several places, one crisis), the bot is
stopped and ``python -m scripts.report`` builds the report from that store, as an operator
would. The figures are checked against what was sent, the report must hold no personal data,
and a Chromium screenshot of the SQLite report is saved to results/screenshots/report.png.

Needs a model trained with the feedback intent and the buttons of issue 17, part 1.
"""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
from browser_support import axe_violations
from conftest import ROOT, Bot, running_bot

from actions import config, routes
from actions.knowledge import Knowledge, load_knowledge
from common import masking
from reporting import figures
from scripts import pg_server

SCREENSHOT = ROOT / "results" / "screenshots" / "report.png"
PHONE, EMAIL, NAME = "0171 2345678", "olga.petrova@example.org", "Olga Petrova"
HELPFUL = "/feedback" + json.dumps({"rating": "helpful"})
NOT_HELPFUL = "/feedback" + json.dumps({"rating": "not_helpful"})


@dataclass(frozen=True)
class Say:
    """One message; ``topic``/``place``: the answer with offerings it must get."""

    text: str
    topic: Optional[str] = None
    place: Optional[str] = None
    language: str = "de"


COMMENT = f"The phone number was missing. My name is {NAME}, call me at {PHONE} or {EMAIL}"
#: One list per user (sender).
CONVERSATIONS: List[List[Say]] = [
    [Say("Wo finde ich einen Deutschkurs in Kassel?", "deutschkurs", "Kassel"), Say(HELPFUL)],
    [Say("Where can I get psychosocial help in Fulda?", "psz", "Fulda", "en"), Say(NOT_HELPFUL, language="en"),
     Say(COMMENT, language="en"),
     Say("Where can I find a German course in Fulda?", "deutschkurs", "Fulda", "en")],  # the dialogue goes on
    [Say("blorp zzkx fnord"), Say("Migrationsberatung in Darmstadt", "migrationsberatung", "Darmstadt"),
     Say(NOT_HELPFUL)],
    [Say("Ich brauche Hilfe bei der Einbürgerung in Wiesbaden", "einbuergerung", "Wiesbaden"), Say(HELPFUL)],
    [Say("Ich will mich umbringen")],
]
WARMUP_MESSAGES = 1  # conftest.running_bot says "Hallo" as the sender "warmup" until the bot answers


def talk(rest: str) -> None:
    for conversation in CONVERSATIONS:
        bot = Bot(rest)
        for say in conversation:
            replies = bot.say(say.text)
            assert replies, f"no answer to {say.text!r}"


def run_report(db_env: Dict[str, str], out: Path) -> Dict[str, Any]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DB_")}
    env.update(db_env, SQLALCHEMY_SILENCE_UBER_WARNING="1", TF_CPP_MIN_LOG_LEVEL="2")
    done = subprocess.run([sys.executable, "-m", "scripts.report", "--days", "1", "--out", str(out / "report.html"),
                           "--csv", str(out / "csv")], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    tables = {}
    for path in (out / "csv").glob("*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle, delimiter=";"))
        tables[path.stem] = [dict(zip(rows[0], row)) for row in rows[1:]]
    return {"html": out / "report.html", "tables": tables}


def bot_env() -> Dict[str, str]:
    return dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", SQLALCHEMY_SILENCE_UBER_WARNING="1", SANIC_HOST="127.0.0.1",
                CORS_ORIGINS="http://localhost:5005", RASA_TELEMETRY_ENABLED="false")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Any]]:
    """Talk to a bot on this store, stop it, build the report from the store."""
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "sqlite":
        db_env = {"DB_DIALECT": "sqlite", "DB_NAME": str(folder / "conversations.db")}
        with running_bot(dict(bot_env(), **db_env), folder, "credentials.yml") as bot:
            talk(bot["rest"])
        yield dict(run_report(db_env, folder), store=request.param)
        return
    with pg_server.running() as db_env:
        with running_bot(dict(bot_env(), **db_env), folder, "credentials.yml") as bot:
            talk(bot["rest"])
        yield dict(run_report(db_env, folder), store=request.param)


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge(config.KNOWLEDGE_DIR)


def answers() -> List[Say]:
    return [say for conversation in CONVERSATIONS for say in conversation if say.topic]


def by(table: List[Dict[str, str]], key: str) -> Dict[str, Dict[str, str]]:
    return {row[key]: row for row in table}


def test_counts_of_conversations_messages_and_topics(report: Dict[str, Any], knowledge: Knowledge) -> None:
    tables = report["tables"]
    today = tables["tage"][-1]
    assert int(today["Gespräche"]) == len(CONVERSATIONS) + 1  # + warmup
    assert int(today["Nachrichten"]) == sum(map(len, CONVERSATIONS)) + WARMUP_MESSAGES
    topics = by(tables["themen"], "Thema")
    expected = {knowledge.topics[say.topic].label for say in answers()}
    assert set(topics) == expected
    for label in expected:
        assert int(topics[label]["Antworten"]) == sum(knowledge.topics[s.topic].label == label for s in answers())


def test_places_by_district_and_every_answer_has_a_scope(report: Dict[str, Any], knowledge: Knowledge) -> None:
    places = by(report["tables"]["orte"], "Kreis oder Gebiet")
    expected: Dict[str, int] = {}
    for say in answers():
        place = knowledge.gazetteer.resolve(say.place)
        district = knowledge.gazetteer.get(place.district).name
        expected[district] = expected.get(district, 0) + 1
    assert {name: int(row["Antworten"]) for name, row in places.items()} == expected
    for row in places.values():  # answer_scope is set on every offering answer (contract, point 1)
        assert sum(int(row[scope]) for scope in figures.SCOPES.values()) == int(row["Antworten"])


def test_languages_rates_and_feedback(report: Dict[str, Any], knowledge: Knowledge) -> None:
    tables = report["tables"]
    languages = by(tables["sprachen"], "Sprache")
    english = sum(1 for c in CONVERSATIONS if all(s.language == "en" for s in c))
    assert int(languages["Englisch"]["Gespräche"]) == english
    german = sum(int(languages[name]["Gespräche"]) for name in ("Deutsch", figures.UNKNOWN_LANGUAGE) if name in languages)
    assert german == len(CONVERSATIONS) + 1 - english  # nonsense alone sets no language: the bot answers in German
    rates = {row["Kennzahl"]: int(row["Anzahl"]) for row in tables["quoten"]}
    assert rates["Krisennachrichten (Notrufnummern gezeigt)"] == 1
    assert rates["Nicht verstanden"] >= 1 and rates["Rückfragen des Bots (zwei Themen zur Wahl oder Hinweis auf Beratung)"] >= 1
    ratings = by(tables["bewertungen"], "Thema")
    rated: Dict[str, List[str]] = {}
    for conversation in CONVERSATIONS:
        topic = None
        for say in conversation:
            topic = say.topic or topic
            if say.text in (HELPFUL, NOT_HELPFUL):
                rated.setdefault(knowledge.topics[topic].label, []).append(say.text)
    for label, given in rated.items():
        assert int(ratings[label]["Hilfreich"]) == given.count(HELPFUL)
        assert int(ratings[label]["Nicht hilfreich"]) == given.count(NOT_HELPFUL)
    missing = by(tables["nicht_hilfreich"], "Thema")
    assert len(tables["nicht_hilfreich"]) == sum(g.count(NOT_HELPFUL) for g in rated.values())
    assert missing[knowledge.topics["psz"].label]["Was hat gefehlt?"] == masking.mask(COMMENT)
    assert "[TELEFON]" in masking.mask(COMMENT) and "[E-MAIL]" in masking.mask(COMMENT)


def test_not_understood_questions_and_todo_list(report: Dict[str, Any], knowledge: Knowledge) -> None:
    tables = report["tables"]
    questions = [row["Frage"] for row in tables["fragen"]]
    assert "blorp zzkx fnord" in questions and "Ich will mich umbringen" not in questions
    todo = {(row["Thema"], row["Kreis"]) for row in tables["aufgaben"]}
    for say in answers():
        place = knowledge.gazetteer.resolve(say.place)
        cell = (knowledge.topics[say.topic].label, knowledge.gazetteer.get(place.district).name)
        missing = routes.best_route(knowledge, say.topic, place).level not in figures.LOCAL_LEVELS
        assert (cell in todo) == (missing and knowledge.topics[say.topic].by_place), cell


def test_report_holds_no_personal_data(report: Dict[str, Any]) -> None:
    page = report["html"].read_text(encoding="utf-8")
    for secret in (PHONE, "2345678", EMAIL, "olga.petrova", NAME, "Petrova", "test-"):  # test- : the sender ids
        assert secret not in page
    assert f"Gesprächsspeicher: {'SQLite' if report['store'] == 'sqlite' else 'PostgreSQL'}" in page


def test_screenshot_of_the_report(report: Dict[str, Any], browser: Any) -> None:
    if report["store"] != "sqlite":
        pytest.skip("one screenshot (SQLite) is enough")
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(report["html"].resolve().as_uri())
    assert page.locator("h1").inner_text() == "Bericht für die Redaktion"
    assert page.locator("svg[role=img]").count() >= 4
    assert axe_violations(page) == []  # WCAG 2.2 AA and best practice (axe-core, as for the widget)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    page.close()
    print(f"\nscreenshot: {SCREENSHOT}")
