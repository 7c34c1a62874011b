"""How easy the German texts are to read: ``python -m actions.readability [--all]``.

Users learn German, so summaries and descriptions of offerings aim at level B1.  The
measure is the first Wiener Sachtextformel (Bamberger/Vanecek 1984) as computed by the
maintained ``textstat`` package: about the school grade a reader needs.  The targets:
no text above MAX_SCORE, the median of all texts at most MAX_MEDIAN.  Lists the worst
texts first, as a to-do list for editors.
"""
from __future__ import annotations

import argparse
import statistics
import sys
from typing import Iterable, List, Optional, Tuple

import textstat

from actions import config
from actions.knowledge import Knowledge, load_knowledge

#: Highest Wiener Sachtextformel score any German text may have (about school grade 7).
MAX_SCORE = 7.0
#: Highest median over all German texts.
MAX_MEDIAN = 6.0
#: Variant 1 of the formula: the one for non-fiction texts.
VARIANT = 1


def score(text: str) -> float:
    """Wiener Sachtextformel (variant 1) of a German text."""
    textstat.set_lang("de")
    return round(float(textstat.wiener_sachtextformel(text, VARIANT)), 1)


def german_texts(knowledge: Knowledge) -> Iterable[Tuple[str, str]]:
    """(label, text) for every German text users read about an offering."""
    for offering in sorted(knowledge.offerings.values(), key=lambda o: (o.file, o.id)):
        for field in ("summary", "description"):
            text = getattr(offering, field)
            if text:
                yield f"{offering.file}: {offering.id} ({field})", text


def scored(texts: Iterable[Tuple[str, str]]) -> List[Tuple[float, str, str]]:
    """(score, label, text), hardest first."""
    return sorted(((score(text), label, text) for label, text in texts), reverse=True)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--all", action="store_true", help="list every text, not only those above the limit")
    parser.add_argument("--file", action="append", default=[],
                        help="only offerings from files whose name contains this text (repeatable)")
    args = parser.parse_args(argv)
    texts = [(label, text) for label, text in german_texts(load_knowledge(config.KNOWLEDGE_DIR))
             if not args.file or any(part in label.split(":")[0] for part in args.file)]
    results = scored(texts)
    too_hard = [r for r in results if r[0] > MAX_SCORE]
    for value, label, text in results if args.all else too_hard:
        print(f"{value:5.1f}  {label}\n       {text}")
    median = statistics.median(r[0] for r in results) if results else 0.0
    print(f"{len(results)} Texte, Median {median:.1f} (Ziel höchstens {MAX_MEDIAN}), "
          f"{len(too_hard)} über {MAX_SCORE}")
    return 1 if too_hard or median > MAX_MEDIAN else 0


if __name__ == "__main__":
    sys.exit(main())
