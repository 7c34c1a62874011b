"""The editors' report: what people asked, what the bot did not understand, ratings, gaps.

    python -m scripts.report [--days 30] [--since 2026-11-01] [--until 2026-11-30]
                             [--out reports/report-<date>.html] [--csv [DIR]]

Reads the bot's tracker store (endpoints.yml + DB_* variables, SQLite by default, as for
``make retention``) and writes one self-contained HTML page, by default
``reports/report-<last day>.html`` (git-ignored); ``--csv`` also writes the same tables as
CSV files. Period: whole days, by default the last 30 including today. Offline only: no web
endpoint serves the report. What it shows and what it never shows: docs/bericht.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path
from typing import Optional, Sequence, Tuple

from actions import config
from actions.knowledge import load_knowledge
from reporting import conversations, figures, output, store

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DAYS = 30


def _midnight(day: dt.date) -> float:
    return time.mktime(day.timetuple())


def period(days: Optional[int], since: Optional[dt.date], until: Optional[dt.date],
           today: Optional[dt.date] = None) -> Tuple[dt.date, dt.date, store.Period]:
    """(first day, last day, timestamps) of whole local days.

    Only ``--days``: that many days up to today. ``--since``: from that day, up to ``--until``,
    else ``--days`` days long, else up to today. Only ``--until``: ``--days`` days up to it."""
    today = today or dt.date.today()
    count = days or DEFAULT_DAYS
    if count < 1:
        raise SystemExit("report: --days must be at least 1")
    if since:
        last = until or (since + dt.timedelta(days=count - 1) if days else today)
        first = since
    else:
        last = until or today
        first = last - dt.timedelta(days=count - 1)
    if last < first:
        raise SystemExit("report: the period ends before it starts")
    return first, last, store.Period(_midnight(first), _midnight(last + dt.timedelta(days=1)))


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from error


def main(argv: Optional[Sequence[str]] = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, help=f"length of the period in days (default {DEFAULT_DAYS})")
    parser.add_argument("--since", type=_date, help="first day, YYYY-MM-DD")
    parser.add_argument("--until", type=_date, help="last day, YYYY-MM-DD (default: today)")
    parser.add_argument("--out", type=Path, help="HTML file (default reports/report-<last day>.html)")
    parser.add_argument("--csv", nargs="?", const="", metavar="DIR",
                        help="also write the tables as CSV files to DIR (default reports/report-<last day>/)")
    parser.add_argument("--endpoints", default=str(ROOT / "endpoints.yml"), help="Rasa endpoints file (tracker_store)")
    parser.add_argument("--low-confidence", type=float, default=figures.LOW_CONFIDENCE,
                        help="list typed questions whose intent confidence is below this (default %(default)s)")
    args = parser.parse_args(argv)
    first, last, span = period(args.days, args.since, args.until)
    try:
        tracker_store = store.open_store(args.endpoints)
    except store.NoDatabase as error:
        sys.exit(f"report: {error}")
    source = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(tracker_store.dialect, tracker_store.dialect)
    report = figures.build(conversations.read(store.events(tracker_store, span)), load_knowledge(config.KNOWLEDGE_DIR),
                           first, last, source, low=args.low_confidence)
    out = args.out or ROOT / "reports" / f"report-{last.isoformat()}.html"
    output.write_html(report, out)
    totals = ", ".join(f"{value} {name}" for name, value in report.totals.items())
    print(f"report: {out} ({first.isoformat()} to {last.isoformat()}, {source}: {totals})")
    if args.csv is not None:
        folder = Path(args.csv) if args.csv else out.with_suffix("")
        output.write_csv(report, folder)
        print(f"report: CSV tables in {folder}/")
    return out


if __name__ == "__main__":
    main()
