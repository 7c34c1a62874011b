"""Consistency of wording and data: every response is used, crisis numbers match the knowledge."""
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def test_every_response_is_used_by_a_rule_story_or_action() -> None:
    used = set()
    code = [*(ROOT / "actions").glob("*.py"), *(ROOT / "channels").glob("*.py"), *(ROOT / "components").glob("*.py")]
    for path in list((ROOT / "data").glob("*.yml")) + code:
        used |= set(re.findall(r"utter_[a-z_]+", path.read_text(encoding="utf-8")))
    prefixes = {u for u in used if u.endswith("_")}  # f"utter_line_{field}" in render.py
    unused = [r for r in DOMAIN["responses"] if r not in used and not any(r.startswith(p) for p in prefixes)]
    assert unused == []


def test_crisis_reply_numbers_are_the_sourced_emergency_numbers() -> None:
    """utter_crisis is static (it must work even if the action server is down), so its
    numbers are checked against knowledge/offerings/notfall.yml, which carries the sources."""
    crisis = DOMAIN["responses"]["utter_crisis"][0]["text"]
    numbers = re.findall(r"\b(?:\d{3}(?: \d{3})?(?: \d(?: \d{3})?)?|0800 \d{3} \d \d{3})\b", crisis)
    notfall = (ROOT / "knowledge" / "offerings" / "notfall.yml").read_text(encoding="utf-8")
    assert {"112", "110", "0800 111 0 111", "116 016"} <= set(numbers)
    for number in numbers:
        assert number in notfall, number


def test_crisis_reply_comes_first_in_its_rule() -> None:
    rules = yaml.safe_load((ROOT / "data" / "rules.yml").read_text(encoding="utf-8"))["rules"]
    crisis = [r for r in rules if r["steps"][0].get("intent") == "crisis"]
    assert len(crisis) == 1 and crisis[0]["steps"][1] == {"action": "utter_crisis"}


def test_every_topic_is_wired_through_domain_rules_and_nlu_data() -> None:
    """A topic is added in several files (topics.yml, domain.yml, rules.yml, NLU training and test
    data); a topic that is only half added fails here with what is missing."""
    topics = yaml.safe_load((ROOT / "knowledge" / "topics.yml").read_text(encoding="utf-8"))
    rules = yaml.safe_load((ROOT / "data" / "rules.yml").read_text(encoding="utf-8"))["rules"]
    answered_by = {r["steps"][0].get("intent"): [s.get("action") for s in r["steps"][1:]] for r in rules}
    trained = {b["intent"] for b in yaml.safe_load((ROOT / "data" / "nlu.yml").read_text(encoding="utf-8"))["nlu"]
               if "intent" in b}
    tested = {b["intent"] for b in yaml.safe_load((ROOT / "tests" / "nlu_test.yml").read_text(encoding="utf-8"))["nlu"]
              if "intent" in b}
    intents = [i for t in topics["topics"] for i in t["intents"]] + list(topics["questions"])
    missing = []
    for intent in intents:
        for where, known in (("domain.yml", set(DOMAIN["intents"])), ("data/nlu.yml", trained),
                             ("tests/nlu_test.yml", tested)):
            if intent not in known:
                missing.append(f"{intent}: not in {where}")
        if intent != "crisis" and "action_find_offerings" not in answered_by.get(intent, []):
            missing.append(f"{intent}: no rule to action_find_offerings in data/rules.yml")
    assert missing == []
    assert len({t["id"] for t in topics["topics"]}) == len(topics["topics"])  # ids are unique
