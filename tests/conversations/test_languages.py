"""The five new languages through the REST channel, with the real model and knowledge: crisis
numbers first, every topic answered in the user's language, a place named in another script."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List

import pytest
import yaml
from conftest import Bot

from common.language import detect
from common.wording import template

ROOT = Path(__file__).resolve().parents[2]
NEW = ("tr", "uk", "ru", "ar", "fa")
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
TOPICS = yaml.safe_load((ROOT / "knowledge" / "topics.yml").read_text(encoding="utf-8"))["topics"]
ACTIONABLE = re.compile(r"(?<!\d)(\+49|0)[\d /()-]{5,}\d|[\w.+-]+@[\w-]+(\.[\w-]+)+|https?://\S+")
#: A German-course question naming Kassel, as people write it (not in any training or test file).
KASSEL_COURSE = {
    "tr": "Kassel'de Almanca kursu nerede bulurum",
    "uk": "Де знайти курс німецької мови у Касселі?",
    "ru": "Где найти курс немецкого языка в Касселе?",
    "ar": "أين أجد دورة لغة ألمانية في كاسل؟",
    "fa": "کجا در کاسل کلاس زبان آلمانی پیدا کنم؟",
}


def translation(language: str) -> Dict:
    return yaml.safe_load((ROOT / "knowledge" / "translations" / f"{language}.yml").read_text(encoding="utf-8"))


def held_out(language: str) -> Dict[str, List[str]]:
    """intent -> held-out sentences of the language (annotations removed)."""
    out: Dict[str, List[str]] = {}
    for block in yaml.safe_load((ROOT / "tests" / "nlu" / f"{language}.yml").read_text(encoding="utf-8"))["nlu"]:
        for line in block.get("examples", "").splitlines() if "intent" in block else []:
            if line.strip():
                out.setdefault(block["intent"], []).append(re.sub(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})", r"\1",
                                                                  line.strip()[2:]))
    return out


@pytest.mark.parametrize("language", NEW)
def test_crisis_in_every_language_gets_the_emergency_numbers_first_in_that_language(servers: str,
                                                                                    language: str) -> None:
    sentences = yaml.safe_load((ROOT / "tests" / "data" / "crisis" / f"{language}.yml").read_text(encoding="utf-8"))
    for sentence in sentences["crisis"][::5]:  # one suicidal, one violent, one medical
        first = Bot(servers).say(sentence)[0]["text"]
        assert "112" in first and "110" in first and "0800 111 0 111" in first and "116 016" in first, sentence
        assert detect(first) == language, first


@pytest.mark.parametrize("language", NEW)
def test_a_question_with_a_place_gets_local_offerings_in_the_language(servers: str, language: str) -> None:
    bot = Bot(servers)
    replies = bot.say(KASSEL_COURSE[language])
    text = bot.text(replies)
    assert translation(language)["topics"]["deutschkurs"] in replies[0]["text"] and "Kassel" in replies[0]["text"]
    assert detect(replies[0]["text"]) == language and ACTIONABLE.search(text)
    notice = template(DOMAIN, "utter_translation_notice", language)
    assert [r["text"] for r in replies].count(notice) == 1  # once, after the answer
    assert notice not in bot.text(bot.say(KASSEL_COURSE[language]))  # once per conversation


@pytest.mark.parametrize("language", NEW)
def test_every_topic_is_answered_in_the_language(servers: str, language: str) -> None:
    """One held-out question per menu topic: the reply is in the language, and at least 80 % of
    the replies name the asked topic (allowing the model's held-out error rate)."""
    questions = held_out(language)
    labels = translation(language)["topics"]
    named, asked = 0, 0
    for topic in (t for t in TOPICS if t.get("in_menu", True)):
        sentence = questions[topic["intents"][0]][0]
        replies = Bot(servers).say(sentence)
        text = "\n".join(r.get("text", "") for r in replies)
        assert detect(replies[0]["text"]) in (language, None), (sentence, replies[0]["text"])
        named += labels[topic["id"]] in text
        asked += 1
    assert named >= 0.8 * asked, f"{named} of {asked} topics named"
