"""`python -m scripts.report` (make report) from SQLite and from PostgreSQL: the same tables.

The synthetic conversations of tests/unit/test_report.py go through the bot's
PrivacyTrackerStore into a SQLite file and into a throw-away PostgreSQL server
(scripts/pg_server.py, `make services`); the command runs as its own process with the DB_*
variables, as an operator would run it, and writes HTML and CSV. Both reports must have the
same figures; the unit test checks the figures against what was written.
"""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict

from rasa.shared.core.domain import Domain

from actions import config
from actions.knowledge import load_knowledge
from scripts import pg_server
from stores.tracker_store import PrivacyTrackerStore
from tests.unit.test_report import EMAIL, NAME, PHONE, SECRET_PLACE, fill

ROOT = Path(__file__).resolve().parents[2]


def run_report(db_env: Dict[str, str], out: Path) -> Dict[str, list]:
    """Run the command with ``db_env``; return its CSV tables (file name -> rows)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DB_")}
    env.update(db_env, SQLALCHEMY_SILENCE_UBER_WARNING="1", TF_CPP_MIN_LOG_LEVEL="2")
    done = subprocess.run([sys.executable, "-m", "scripts.report", "--out", str(out / "report.html"),
                           "--csv", str(out / "csv")], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"report: {out / 'report.html'}" in done.stdout
    tables = {}
    for path in sorted((out / "csv").glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            tables[path.name] = list(csv.reader(handle, delimiter=";"))
    return tables


def test_report_from_sqlite_and_postgresql_has_the_same_figures(tmp_path: Path) -> None:
    domain = Domain.load(str(ROOT / "domain.yml"))
    knowledge = load_knowledge(config.KNOWLEDGE_DIR)
    sqlite_env = {"DB_DIALECT": "sqlite", "DB_NAME": str(tmp_path / "conversations.db")}
    fill(PrivacyTrackerStore(domain=domain, dialect="sqlite", db=sqlite_env["DB_NAME"]), domain, knowledge)
    from_sqlite = run_report(sqlite_env, tmp_path / "sqlite")
    with pg_server.running() as pg_env:
        store = PrivacyTrackerStore(domain=domain, dialect="postgresql", host=pg_env["DB_HOST"],
                                    port=pg_env["DB_PORT"], db=pg_env["DB_NAME"], username=pg_env["DB_USER"],
                                    password=pg_env["DB_PASSWORD"])
        fill(store, domain, knowledge)
        store.engine.dispose()
        from_postgres = run_report(pg_env, tmp_path / "postgres")
    assert len(from_sqlite) == 9 and from_sqlite == from_postgres
    assert int(from_sqlite["themen.csv"][1][1]) >= 2  # figures, not empty tables
    page = (tmp_path / "postgres" / "report.html").read_text(encoding="utf-8")
    assert "Gesprächsspeicher: PostgreSQL" in page
    assert pg_env["DB_PASSWORD"] not in page and pg_env["DB_USER"] + ":" not in page
    for secret in (PHONE, EMAIL, NAME, SECRET_PLACE):
        assert secret not in page


def test_without_a_database_the_command_says_so_and_creates_none(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DB_")}
    env.update(DB_NAME=str(tmp_path / "missing.db"), SQLALCHEMY_SILENCE_UBER_WARNING="1")
    done = subprocess.run([sys.executable, "-m", "scripts.report", "--out", str(tmp_path / "r.html")], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0 and "Keine Gesprächsdatenbank gefunden" in done.stderr
    assert not (tmp_path / "missing.db").exists() and not (tmp_path / "r.html").exists()
