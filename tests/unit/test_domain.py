"""Consistency of wording and data: every response is used, crisis numbers match the knowledge,
every topic of knowledge/topics.yml is wired through domain.yml, the rules and the NLU data."""
import re
from pathlib import Path
from typing import Any, Dict, List, Tuple

import yaml

from actions.actions import CONTINUING_INTENTS
from actions.knowledge import Problem, Roles, Topic, load_topics
from actions.naturalisation import DISTRICT, MUNICIPALITY, OTHER_MUNICIPALITY

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
FIND = "action_find_offerings"
#: Headings of an answer: the topic's label goes into each of them.
HEADINGS = ("utter_offerings_for_hessen", "utter_offerings_for_place", "utter_no_local_offering")


def read_yaml(*parts: str) -> Any:
    return yaml.safe_load(ROOT.joinpath(*parts).read_text(encoding="utf-8"))


def load_topic_file(folder: Path = ROOT / "knowledge") -> Tuple[Dict[str, Topic], Dict[str, Tuple[str, ...]], Roles]:
    problems: List[Problem] = []
    topics, questions, roles = load_topics(folder / "topics.yml", problems)
    assert [str(p) for p in problems] == []
    return topics, questions, roles


def rule_answers(rules: List[Dict[str, Any]]) -> Dict[str, List[List[str]]]:
    """For each intent, the actions of every rule that starts with it; an ``or:`` step counts for each intent in it."""
    answers: Dict[str, List[List[str]]] = {}
    for rule in rules:
        first, rest = rule["steps"][0], rule["steps"][1:]
        steps = first.get("or", [first])
        intents = [s["intent"] for s in steps if "intent" in s]
        for intent in intents:
            answers.setdefault(intent, []).append([s["action"] for s in rest if "action" in s])
    return answers


def nlu_intents(*parts: str) -> set:
    return {b["intent"] for b in read_yaml(*parts)["nlu"] if "intent" in b}


#: Training and held-out files of every language, and the intents in each.
NLU_FILES = {str(path.relative_to(ROOT)): nlu_intents(*path.relative_to(ROOT).parts)
             for path in [ROOT / "data" / "nlu.yml", *sorted((ROOT / "data" / "languages").glob("*.yml")),
                          *sorted((ROOT / "tests" / "nlu").glob("*.yml"))]}


def test_every_response_is_used_by_a_rule_story_or_action() -> None:
    used = set()
    code = [path for folder in ("actions", "channels", "components", "rasa_internals") for path in (ROOT / folder).glob("*.py")]
    for path in list((ROOT / "data").glob("*.yml")) + code:
        used |= set(re.findall(r"utter_[a-z_]+", path.read_text(encoding="utf-8")))
    prefixes = {u for u in used if u.endswith("_")}  # f"utter_line_{field}" in render.py
    unused = [r for r in DOMAIN["responses"] if r not in used and not any(r.startswith(p) for p in prefixes)]
    assert unused == []


def test_crisis_reply_numbers_are_the_sourced_emergency_numbers() -> None:
    """utter_crisis is static (it must work even if the action server is down), so its numbers are
    checked against the offerings of the topic it answers (``fixed_reply`` in topics.yml), which carry the sources."""
    topics, _, _ = load_topic_file()
    crisis = DOMAIN["responses"]["utter_crisis"][0]["text"]
    numbers = re.findall(r"\b(?:\d{3}(?: \d{3})?(?: \d(?: \d{3})?)?|0800 \d{3} \d \d{3})\b", crisis)
    [topic] = [t for t in topics.values() if t.fixed_reply == "utter_crisis"]
    files = (ROOT / "knowledge" / "offerings").glob(f"{topic.id}.*yml")
    sourced = "".join(f.read_text(encoding="utf-8") for f in files)
    assert {"112", "110", "0800 111 0 111", "116 016"} <= set(numbers)
    for number in numbers:
        assert number in sourced, number


def test_reply_without_action_server_points_to_the_sourced_human_fallback() -> None:
    """utter_actions_unavailable is static (the action server is down), so its link is checked against the
    offerings of the topic the bot points to after misunderstandings (role ``human_fallback``)."""
    _, _, roles = load_topic_file()
    files = (ROOT / "knowledge" / "offerings").glob(f"{roles.human_fallback}.*yml")
    sourced = "".join(f.read_text(encoding="utf-8") for f in files)
    for variant in DOMAIN["responses"]["utter_actions_unavailable"]:
        links = re.findall(r"https?://\S+", variant["text"])
        assert links and all(f'web: "{link}"' in sourced for link in links), variant["text"]


def test_crisis_reply_comes_first_in_its_rule() -> None:
    rules = yaml.safe_load((ROOT / "data" / "rules.yml").read_text(encoding="utf-8"))["rules"]
    crisis = [r for r in rules if r["steps"][0].get("intent") == "crisis"]
    assert len(crisis) == 1 and crisis[0]["steps"][1] == {"action": "utter_crisis"}


def wiring_problems(topics_folder: Path = ROOT / "knowledge", rules_file: Path = ROOT / "data" / "rules.yml",
                    domain: Dict[str, Any] = DOMAIN) -> List[str]:
    """What is missing for the topics of topics.yml in domain.yml, data/rules.yml and the NLU data."""
    topics, questions, roles = load_topic_file(topics_folder)
    answers = rule_answers(yaml.safe_load(rules_file.read_text(encoding="utf-8"))["rules"])
    known = {"domain.yml": set(domain["intents"]), **NLU_FILES}
    responses = domain["responses"]
    missing = []
    wanted = [(i, t.id, t.fixed_reply) for t in topics.values() for i in t.intents]
    wanted += [(i, "questions", "") for i in questions]
    for intent, owner, fixed_reply in wanted:
        missing += [f"{intent} ({owner}): not in {where}" for where, intents in known.items() if intent not in intents]
        ends = [actions[-1:] for actions in answers.get(intent, [])]
        expected = fixed_reply or FIND
        if ends != [[expected]]:
            missing.append(f"{intent} ({owner}): needs exactly one rule in data/rules.yml that ends with {expected} "
                           f"(found {len(ends)}: {ends})")
        if fixed_reply and fixed_reply not in responses:
            missing.append(f"{owner}: fixed_reply {fixed_reply} is not a response in domain.yml")
    topic_intents = {i for i, _, _ in wanted}
    for intent, found in sorted(answers.items()):
        if any(actions[-1:] == [FIND] for actions in found) and intent not in topic_intents | CONTINUING_INTENTS:
            missing.append(f"{intent}: rule to {FIND}, but the intent belongs to no topic and is not in "
                           "'questions' of topics.yml")
    needed = list(HEADINGS) + (["utter_ask_place"] if any(t.by_place for t in topics.values()) else [])
    if roles.naturalisation:
        offices = [MUNICIPALITY, DISTRICT, OTHER_MUNICIPALITY]
        needed += [f"utter_naturalisation_{o}" for o in offices]
        needed += [f"utter_naturalisation_{o}_rule" for o in offices[:2]]  # the 7,500 rule: town or Kreis
    missing += [f"{r}: response missing in domain.yml" for r in needed if r not in responses]
    for heading in HEADINGS:
        missing += [f"{heading}: a text without {{topic}}: {v.get('text')!r}" for v in responses.get(heading, [])
                    if "{topic}" not in v.get("text", "")]
    return missing


def test_every_topic_is_wired_through_domain_rules_and_nlu_data() -> None:
    """A topic is added in several files (topics.yml, domain.yml, rules.yml, NLU training and test
    data); a topic that is only half added fails here with what is missing."""
    problems = wiring_problems()
    assert not problems, "\n".join(problems)


def test_a_half_added_topic_is_named(tmp_path: Path) -> None:
    """Removing one piece of the wiring makes the check above fail, and say what is missing."""
    topics = read_yaml("knowledge", "topics.yml")
    topics["topics"].append({"id": "neu", "label": "Neu", "intents": ["ask_neu"], "by_place": True})
    (tmp_path / "topics.yml").write_text(yaml.safe_dump(topics, allow_unicode=True), encoding="utf-8")
    assert sorted(wiring_problems(topics_folder=tmp_path)) == sorted([
        "ask_neu (neu): needs exactly one rule in data/rules.yml that ends with action_find_offerings (found 0: [])",
        "ask_neu (neu): not in domain.yml", *(f"ask_neu (neu): not in {f}" for f in NLU_FILES)])

    rules = read_yaml("data", "rules.yml")
    for rule in rules["rules"]:
        if "or" in rule["steps"][0]:
            rule["steps"][0]["or"] = [s for s in rule["steps"][0]["or"] if s.get("intent") != "ask_schule"]
    rules["rules"].append({"rule": "x", "steps": [{"intent": "ask_wetter"}, {"action": FIND}]})
    (tmp_path / "rules.yml").write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    assert wiring_problems(rules_file=tmp_path / "rules.yml") == [
        "ask_schule (schule): needs exactly one rule in data/rules.yml that ends with action_find_offerings "
        "(found 0: [])",
        "ask_wetter: rule to action_find_offerings, but the intent belongs to no topic and is not in 'questions' "
        "of topics.yml"]

    domain = dict(DOMAIN, responses={k: v for k, v in DOMAIN["responses"].items() if k != "utter_crisis"})
    assert wiring_problems(domain=domain) == ["notfall: fixed_reply utter_crisis is not a response in domain.yml"]
