"""Fail if the NLU evaluation on the held-out test set is below the agreed thresholds.

Reads the reports that ``rasa test nlu`` writes.  Thresholds (see docs/evaluation.md
for why): intent accuracy >= MIN_INTENT_ACCURACY, intent macro F1 >= MIN_INTENT_F1,
place entity F1 >= MIN_PLACE_F1.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from common import settings

MIN_INTENT_ACCURACY = settings.decimal("MIN_INTENT_ACCURACY")
MIN_INTENT_F1 = settings.decimal("MIN_INTENT_F1")
MIN_PLACE_F1 = settings.decimal("MIN_PLACE_F1")


def entity_f1(report_dir: Path, entity: str) -> float:
    """Best place F1 over the entity extractors that report it (DIET, RegexEntityExtractor)."""
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
    intents = json.loads((folder / "intent_report.json").read_text())
    accuracy = intents["accuracy"]
    macro_f1 = intents["macro avg"]["f1-score"]
    place_f1 = entity_f1(folder, "place")
    print(f"intent accuracy {accuracy:.3f} (min {MIN_INTENT_ACCURACY}), macro F1 {macro_f1:.3f} "
          f"(min {MIN_INTENT_F1}), place entity F1 {place_f1:.3f} (min {MIN_PLACE_F1})")
    weak = sorted((v["f1-score"], k) for k, v in intents.items() if isinstance(v, dict) and "f1-score" in v
                  and k not in ("macro avg", "weighted avg", "micro avg"))[:5]
    print("weakest intents: " + ", ".join(f"{k} {f:.2f}" for f, k in weak))
    ok = accuracy >= MIN_INTENT_ACCURACY and macro_f1 >= MIN_INTENT_F1 and place_f1 >= MIN_PLACE_F1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
