"""JSON log lines (ops/logs.py, ops/logging-json.yml)."""
import json
import logging
from pathlib import Path

import yaml

from ops.logs import DropAll, JsonFormatter

ROOT = Path(__file__).resolve().parents[2]


def record(message: str) -> logging.LogRecord:
    return logging.LogRecord("rasa.core.processor", logging.INFO, __file__, 1, message, (), None)


def test_plain_records_become_json_objects() -> None:
    entry = json.loads(JsonFormatter().format(record("Rasa server is up and running.")))
    assert entry["level"] == "info" and entry["logger"] == "rasa.core.processor"
    assert entry["message"] == "Rasa server is up and running." and entry["time"].endswith("+00:00")


def test_structlog_events_are_merged_not_nested() -> None:
    entry = json.loads(JsonFormatter().format(record('{"event": "processor.actions.log", "action_name": "x"}')))
    assert entry["event"] == "processor.actions.log" and entry["action_name"] == "x" and "message" not in entry


def test_the_console_handler_coloredlogs_takes_over_is_silenced() -> None:
    config = yaml.safe_load((ROOT / "ops" / "logging-json.yml").read_text(encoding="utf-8"))
    assert config["handlers"]["silenced_console"]["filters"] == ["drop_all"]
    assert config["root"] == {"level": "INFO", "handlers": ["silenced_console", "json"]}
    assert DropAll().filter(record("x")) is False
