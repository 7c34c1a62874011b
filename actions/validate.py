"""Check the knowledge files: ``python -m actions.validate [--stale] [DIR]``.

Prints one line per problem (file, entry id, field, what is wrong) and exits with 1
if there is any.  ``--stale`` lists entries whose check date is older than
STALE_AFTER_DAYS (default two years) - a to-do list for editors.  It goes by the pages'
own dates (``published``), not by when we read them: a page read yesterday can be old.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import Counter
from pathlib import Path
from typing import List, Optional

from actions import config
from actions.knowledge import Knowledge, load_knowledge


def stale(knowledge: Knowledge, today: dt.date, days: int) -> List[str]:
    """Entries whose newest source is older than ``days`` or has no date of its own."""
    limit = today - dt.timedelta(days=days)
    lines = []
    for o in sorted(knowledge.offerings.values(), key=lambda o: (o.file, o.id)):
        newest = o.newest_source
        if newest is None:
            lines.append(f"{o.file}: '{o.id}' – keine Quelle mit eigenem Datum")
        elif newest.published_date and newest.published_date < limit:
            lines.append(f"{o.file}: '{o.id}' – neueste Quelle vom {newest.published}")
    return lines


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("directory", nargs="?", type=Path, default=config.KNOWLEDGE_DIR)
    parser.add_argument("--stale", action="store_true", help="list entries whose newest source is old or undated")
    args = parser.parse_args(argv)
    knowledge = load_knowledge(args.directory)
    today = dt.date.today()
    if args.stale:
        lines = stale(knowledge, today, config.STALE_AFTER_DAYS)
        print("\n".join(lines) or f"Alle Einträge haben eine Quelle aus den letzten {config.STALE_AFTER_DAYS} Tagen.")
        print(f"{len(lines)} von {len(knowledge.offerings)} Einträgen sind alt oder ohne Datum.")
        return 0
    for problem in knowledge.problems:
        print(f"FEHLER {problem}")
    per_topic = Counter(t for o in knowledge.offerings.values() for t in (o.topic, *o.also_for))
    print(f"{len(knowledge.offerings)} gültige Angebote ("
          + ", ".join(f"{t}: {per_topic.get(t, 0)}" for t in knowledge.topics) + f"); "
          f"{len(knowledge.gazetteer.places)} Orte; {len(knowledge.problems)} Fehler")
    empty = [t for t in knowledge.topics if not per_topic.get(t)]
    for topic in empty:
        print(f"FEHLER topics.yml: Thema '{topic}' hat kein Angebot")
    return 1 if knowledge.problems or empty else 0


if __name__ == "__main__":
    sys.exit(main())
