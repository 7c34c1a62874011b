"""The held-out NLU test set stays held out, and the generated place data is current."""
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def sentences(path: Path) -> dict:
    out = {}
    for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        if "intent" in block:
            for line in block["examples"].splitlines():
                text = re.sub(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})", r"\1", line.strip()[2:])
                out[text.lower().strip()] = block["intent"]
    return out


TRAINING = {"de": ROOT / "data" / "nlu.yml", **{p.stem: p for p in sorted((ROOT / "data" / "languages").glob("*.yml"))}}
HELD_OUT = {p.stem: p for p in sorted((ROOT / "tests" / "nlu").glob("*.yml"))}


def all_training_sentences() -> dict:
    found: dict = {}
    for path in TRAINING.values():
        found.update(sentences(path))
    found.update(sentences(ROOT / "data" / "language_choice.yml"))
    return found


def test_every_language_has_training_and_held_out_data() -> None:
    from common.language import ENGLISH, LANGUAGES

    assert sorted(HELD_OUT) == sorted(set(LANGUAGES) - {ENGLISH})  # de.yml holds German and English
    assert sorted(TRAINING) == sorted(HELD_OUT)


@pytest.mark.parametrize("language", sorted(HELD_OUT))
def test_no_test_sentence_is_in_the_training_data(language: str) -> None:
    """No held-out sentence of any language is a training sentence of any language; every intent
    of the domain is tested in every language, and trained."""
    train, test = all_training_sentences(), sentences(HELD_OUT[language])
    assert set(train) & set(test) == set()
    intents = set(yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"])
    assert set(test.values()) == intents
    assert set(sentences(TRAINING[language]).values()) | {"choose_language"} == intents
    if language != "de":
        assert len(test) >= 60


def test_first_reply_questions_are_not_training_sentences() -> None:
    questions = yaml.safe_load((ROOT / "tests" / "data" / "first_reply.yml").read_text(encoding="utf-8"))["questions"]
    train = all_training_sentences()
    assert len(questions) >= 60
    assert [q["text"] for q in questions if q["text"].lower().strip() in train] == []


def test_generated_place_data_matches_the_gazetteer(tmp_path) -> None:
    from scripts import gen_nlu_places

    assert (ROOT / "data" / "places.yml").read_text(encoding="utf-8") == gen_nlu_places.build()
