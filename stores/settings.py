"""Database settings of the tracker store, from environment variables.

Keys set in ``endpoints.yml`` under ``tracker_store`` win; whatever is missing there is
taken from the environment, and without any variable the conversations go to the
SQLite file ``var/conversations.db``. So ``rasa run``, ``rasa shell``, the tests and the
retention command need no variable at all, and an operator switches to PostgreSQL
without touching a file:

=================  =====================================  ===========================
variable           meaning                                default
=================  =====================================  ===========================
``DB_DIALECT``     ``sqlite`` or ``postgresql``           ``sqlite``
``DB_HOST``        database host (PostgreSQL)             ``localhost``
``DB_PORT``        port (PostgreSQL)                      ``5432``
``DB_NAME``        database name, or SQLite file path     ``rasa`` / ``var/conversations.db``
``DB_USER``        user (PostgreSQL)                      –
``DB_PASSWORD``    password (PostgreSQL), a secret        –
``DB_LOGIN_DB``    existing database to log in to and     –
                   create ``DB_NAME`` from (PostgreSQL)
=================  =====================================  ===========================
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_FILE = ROOT / "var" / "conversations.db"

#: tracker store keyword -> environment variable
ENV_VARS: Dict[str, str] = {"dialect": "DB_DIALECT", "host": "DB_HOST", "port": "DB_PORT", "db": "DB_NAME",
                            "username": "DB_USER", "password": "DB_PASSWORD", "login_db": "DB_LOGIN_DB"}


def _value(given: Optional[Any], env: Mapping[str, str], var: str) -> Optional[Any]:
    """``given`` unless empty, else the environment variable unless empty, else None."""
    if given not in (None, ""):
        return given
    return env.get(var) or None


def db_settings(given: Optional[Dict[str, Any]] = None, env: Optional[Mapping[str, str]] = None) -> Dict[str, Any]:
    """Keyword arguments for Rasa's ``SQLTrackerStore`` (dialect, host, port, db, username, ...)."""
    given = given or {}
    env = os.environ if env is None else env
    settings = {key: _value(given.get(key), env, var) for key, var in ENV_VARS.items()}
    dialect = settings["dialect"] = (settings["dialect"] or "sqlite").lower()
    if dialect == "sqlite":
        db = Path(settings["db"] or DEFAULT_SQLITE_FILE)
        db.parent.mkdir(parents=True, exist_ok=True)  # SQLite creates the file, not the folder
        return {"dialect": "sqlite", "db": str(db)}
    settings["host"] = settings["host"] or "localhost"
    settings["port"] = int(settings["port"] or 5432)
    settings["db"] = settings["db"] or "rasa"
    return settings


def retention_days(env: Optional[Mapping[str, str]] = None) -> int:
    """Days a conversation is kept: ``RETENTION_DAYS``, default 30."""
    env = os.environ if env is None else env
    return int(env.get("RETENTION_DAYS") or 30)


def max_message_chars(env: Optional[Mapping[str, str]] = None) -> int:
    """Longest user text stored, in characters: ``MAX_MESSAGE_CHARS``, default 2000."""
    env = os.environ if env is None else env
    return int(env.get("MAX_MESSAGE_CHARS") or 2000)
