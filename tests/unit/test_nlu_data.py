"""The held-out NLU test set stays held out, and the generated place data is current."""
import re
from pathlib import Path

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


def test_no_test_sentence_is_in_the_training_data() -> None:
    train, test = sentences(ROOT / "data" / "nlu.yml"), sentences(ROOT / "tests" / "nlu_test.yml")
    assert set(train) & set(test) == set()
    assert set(test.values()) == set(train.values())  # every intent is tested


def test_first_reply_questions_are_not_training_sentences() -> None:
    questions = yaml.safe_load((ROOT / "tests" / "data" / "first_reply.yml").read_text(encoding="utf-8"))["questions"]
    train = sentences(ROOT / "data" / "nlu.yml")
    assert len(questions) >= 60
    assert [q["text"] for q in questions if q["text"].lower().strip() in train] == []


def test_generated_place_data_matches_the_gazetteer(tmp_path) -> None:
    from scripts import gen_nlu_places

    assert (ROOT / "data" / "places.yml").read_text(encoding="utf-8") == gen_nlu_places.build()
