"""The crisis safety net overrides any other intent, and only for crisis words."""
from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message

from components.crisis_guard import CrisisGuard

ROOT = Path(__file__).resolve().parents[2]
CONFIG = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
GUARD = CrisisGuard(next(c for c in CONFIG["pipeline"] if c["name"].endswith("CrisisGuard")))


def classify(text: str, intent: str = "out_of_scope") -> str:
    message = Message(data={"text": text, "intent": {"name": intent, "confidence": 0.9},
                            "intent_ranking": [{"name": intent, "confidence": 0.9}]})
    GUARD.process([message])
    return message.get("intent")["name"]


@pytest.mark.parametrize("text", ["Mein Opa ist ohnmächtig", "Meine Tochter ist vom Balkon gestuerzt",
                                  "ich will nicht mehr leben", "Er schlägt mich jeden Tag",
                                  "UEBERDOSIS", "mein Kind blutet am Kopf", "er hat eine Waffe",
                                  "please help, my friend took too many pills", "I want to kill myself",
                                  "my husband is hitting me", "they beat me again yesterday",
                                  "ich möchte einfach weg aus meinem leben", "ich sehe keinen sinn mehr im leben"])
def test_crisis_words_always_give_crisis(text: str) -> None:
    assert classify(text) == "crisis"


@pytest.mark.parametrize("text", ["Wo gibt es einen Deutschkurs in Kassel?", "Ich wurde diskriminiert",
                                  "/ask_psz", "Was ist der Integrationsplan?", "Wo ist die Ausländerbehörde?",
                                  "Ich bin ohne Führerschein gefahren", "Where can I find a German course?",
                                  "Das macht keinen Sinn mehr", "Hit me up with the address please"])
def test_other_messages_keep_their_intent(text: str) -> None:
    assert classify(text) == "out_of_scope"


TRAINING = [ROOT / "data" / "nlu.yml", *sorted((ROOT / "data" / "languages").glob("*.yml"))]
HELD_OUT = sorted((ROOT / "tests" / "data" / "crisis").glob("*.yml"))


def examples(path: Path, crisis: bool) -> list:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(line.strip()[2:], block["intent"]) for block in data["nlu"] if "intent" in block
            and (block["intent"] == "crisis") == crisis for line in block["examples"].splitlines() if line.strip()]


@pytest.mark.parametrize("path", TRAINING, ids=lambda p: getattr(p, "stem", "none"))
def test_training_data_has_no_false_positive(path: Path) -> None:
    assert [text for text, intent in examples(path, crisis=False) if classify(text, intent) == "crisis"] == []


@pytest.mark.parametrize("path", TRAINING[1:], ids=lambda p: getattr(p, "stem", "none"))
def test_every_crisis_training_sentence_is_caught_without_the_model(path: Path) -> None:
    """In the new languages (less training data than German and English), the net alone knows every
    crisis sentence the model was trained on."""
    assert [text for text, _ in examples(path, crisis=True) if classify(text) != "crisis"] == []


def test_every_new_language_has_held_out_crisis_sentences() -> None:
    assert sorted(p.stem for p in HELD_OUT) == ["ar", "fa", "ru", "tr", "uk"]


@pytest.mark.parametrize("path", HELD_OUT, ids=lambda p: getattr(p, "stem", "none"))
def test_held_out_crisis_sentences_in_every_language(path: Path) -> None:
    """Sentences written apart from the training data: suicidal thoughts, violence, medical emergencies."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    training = {text.lower() for p in TRAINING for text, _ in examples(p, crisis=True)}
    assert len(data["crisis"]) >= 15 and not training & {t.lower() for t in data["crisis"]}
    assert [t for t in data["crisis"] if classify(t) != "crisis"] == []
    assert [t for t in data["not_crisis"] if classify(t) == "crisis"] == []


def test_crisis_is_found_after_the_nlu_unified_the_letters() -> None:
    """ScriptFolding runs before the net: every held-out crisis sentence is still caught."""
    from common.language import unify_letters

    missed = [t for p in HELD_OUT for t in yaml.safe_load(p.read_text(encoding="utf-8"))["crisis"]
              if classify(unify_letters(t)) != "crisis"]
    assert missed == []
