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


def test_training_data_has_no_false_positive() -> None:
    data = yaml.safe_load((ROOT / "data" / "nlu.yml").read_text(encoding="utf-8"))
    wrong = [line for block in data["nlu"] if block.get("intent") not in (None, "crisis")
             for line in block["examples"].splitlines() if classify(line.strip()[2:], block["intent"]) == "crisis"]
    assert wrong == []
