"""Fail if the NLU evaluation on the held-out test sets is below the agreed thresholds.

Reads what ``rasa test nlu --nlu tests/nlu --successes`` writes (one run over all languages)
and splits it by language: each file ``tests/nlu/<code>.yml`` is one language's held-out set
(``de.yml`` holds the German and English sentences). Thresholds (docs/evaluation.md):
- German set: intent accuracy >= MIN_INTENT_ACCURACY, macro F1 >= MIN_INTENT_F1,
  place entity F1 >= MIN_PLACE_F1;
- every other language: intent accuracy >= MIN_LANGUAGE_ACCURACY.
Place recognition per language and script is measured and printed (not a gate).
"""
from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

from common import settings
from common.language import GERMAN, unify_letters

MIN_INTENT_ACCURACY = settings.decimal("MIN_INTENT_ACCURACY")
MIN_INTENT_F1 = settings.decimal("MIN_INTENT_F1")
MIN_PLACE_F1 = settings.decimal("MIN_PLACE_F1")
MIN_LANGUAGE_ACCURACY = settings.decimal("MIN_LANGUAGE_ACCURACY")
TEST_SETS = Path(__file__).resolve().parent.parent / "tests" / "nlu"
_ANNOTATION = re.compile(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})")


@dataclass
class LanguageResult:
    """One language's held-out results."""

    pairs: List[Tuple[str, str]] = field(default_factory=list)  # (expected intent, predicted intent)
    places: Dict[str, List[bool]] = field(default_factory=lambda: defaultdict(list))  # script -> found?

    @property
    def accuracy(self) -> float:
        return sum(e == p for e, p in self.pairs) / len(self.pairs) if self.pairs else 0.0

    def f1_by_intent(self) -> Dict[str, float]:
        scores = {}
        for intent in {e for e, _ in self.pairs}:
            tp = sum(e == p == intent for e, p in self.pairs)
            fp = sum(p == intent != e for e, p in self.pairs)
            fn = sum(e == intent != p for e, p in self.pairs)
            scores[intent] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        return scores

    @property
    def macro_f1(self) -> float:
        scores = self.f1_by_intent()
        return sum(scores.values()) / len(scores) if scores else 0.0


def plain(example: str) -> str:
    return _ANNOTATION.sub(r"\1", example).strip()


def languages_of_sentences(folder: Path = TEST_SETS) -> Dict[str, str]:
    """Each held-out sentence (as Rasa reports it) -> the language code of its file."""
    found = {}
    for path in sorted(folder.glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            for line in (block.get("examples") or "").splitlines() if "intent" in block else []:
                if line.strip():
                    # Rasa reports the text the NLU saw: with Arabic letters unified (ScriptFolding)
                    found[unify_letters(plain(line.strip()[2:]))] = path.stem
    return found


def script(text: str) -> str:
    if re.search("[\u0400-\u04ff]", text):
        return "kyrillisch"
    if re.search("[\u0600-\u06ff]", text):
        return "arabisch"
    return "lateinisch"


def results_by_language(report_dir: Path, languages: Dict[str, str]) -> Dict[str, LanguageResult]:
    results: Dict[str, LanguageResult] = defaultdict(LanguageResult)
    for name in ("intent_successes.json", "intent_errors.json"):
        path = report_dir / name
        for item in json.loads(path.read_text()) if path.exists() else []:
            language = languages.get(unify_letters(item["text"].strip()), "?")
            results[language].pairs.append((item["intent"], (item.get("intent_prediction") or {}).get("name") or ""))
    # Places: a gold place counts as found if any extractor predicted a place on the same words.
    predicted: Dict[str, set] = defaultdict(set)
    gold: Dict[str, List[Tuple[int, int, str]]] = {}
    for path in list(report_dir.glob("*_successes.json")) + list(report_dir.glob("*_errors.json")):
        if path.name.startswith(("intent_", "response_")):
            continue
        for item in json.loads(path.read_text()):
            text = item["text"]
            gold[text] = [(e["start"], e["end"], text[e["start"]:e["end"]]) for e in item.get("entities") or []
                          if e.get("entity") == "place"]
            predicted[text] |= {(e["start"], e["end"]) for e in item.get("predicted_entities") or []
                                if e.get("entity") == "place"}
    for text, spans in gold.items():
        for start, end, words in spans:
            hit = any(s < end and start < e for s, e in predicted[text])
            results[languages.get(unify_letters(text.strip()), "?")].places[script(words)].append(hit)
    return results


def entity_f1(report_dir: Path, entity: str) -> float:
    """Best place F1 over the entity extractors that report it (DIETClassifier, RegexEntityExtractor)."""
    scores = []
    for path in report_dir.glob("*_report.json"):
        if path.name == "intent_report.json":
            continue
        data = json.loads(path.read_text())
        if entity in data:
            scores.append(data[entity]["f1-score"])
    return max(scores) if scores else 0.0


def main(report_dir: str = "results/nlu") -> int:
    folder = Path(report_dir)
    results = results_by_language(folder, languages_of_sentences())
    ok = True
    for language in sorted(results, key=lambda code: (code != GERMAN, code)):
        result = results[language]
        floor = MIN_INTENT_ACCURACY if language == GERMAN else MIN_LANGUAGE_ACCURACY
        weak = sorted((f, i) for i, f in result.f1_by_intent().items())[:3]
        places = ", ".join(f"{s} {sum(v)}/{len(v)}" for s, v in sorted(result.places.items()))
        print(f"{language}: {len(result.pairs)} Sätze, Intent-Genauigkeit {result.accuracy:.3f} (min {floor}), "
              f"Makro-F1 {result.macro_f1:.3f}; Orte erkannt: {places or '-'}; "
              f"schwächste Intents: {', '.join(f'{i} {f:.2f}' for f, i in weak)}")
        ok &= result.accuracy >= floor
        if language == GERMAN:
            ok &= result.macro_f1 >= MIN_INTENT_F1
    place_f1 = entity_f1(folder, "place")
    print(f"Orte (alle Sprachen), Entity-F1 {place_f1:.3f} (min {MIN_PLACE_F1})")
    ok &= place_f1 >= MIN_PLACE_F1 and "?" not in results
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
