"""One JSON object per log line, for log collectors (``LOG_FORMAT=json``).

Used through ``--logging-config-file ops/logging-json.yml`` by ``rasa run`` and
``rasa run actions``. Rasa's structured events (structlog, JSON with
``FORCE_JSON_LOGGING=1``) are merged into the line; other records become
``{"time", "level", "logger", "message"}``.

Why the odd handler: after reading the logging config file, Rasa installs ``coloredlogs``,
which replaces every handler on the root logger that is a ``StreamHandler`` writing to
stdout or stderr by its own plain-text one, keeping only that handler's filters. So the
JSON handler is deliberately no ``StreamHandler`` (it survives), and the config adds a
stderr ``StreamHandler`` with the ``DropAll`` filter, which coloredlogs then replaces by
its own handler with that filter: no second, plain-text copy of every line.
"""
from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone


class JsonFormatter(logging.Formatter):
    """A log record as one JSON object."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                 "level": record.levelname.lower(), "logger": record.name}
        message = record.getMessage()
        event = None
        if message.startswith("{"):
            try:
                event = json.loads(message)
            except ValueError:
                event = None
        if isinstance(event, dict):
            entry.update(event)  # already structured by structlog
        else:
            entry["message"] = message
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class JsonStdoutHandler(logging.Handler):
    """Writes formatted records to stdout; not a ``StreamHandler`` on purpose (see module doc)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stdout.write(self.format(record) + "\n")
            sys.stdout.flush()
        except Exception:  # logging must never break the bot
            self.handleError(record)


class DropAll(logging.Filter):
    """Lets nothing through (for the handler that coloredlogs takes over)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return False
