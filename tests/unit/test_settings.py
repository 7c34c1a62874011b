"""Every environment variable is read in one place (common/settings.py) and documented in
docs/einstellungen.md; compose.yml and deploy/ pass what the Rasa server reads."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Set

import yaml

from common import settings
from scripts import credentials

ROOT = Path(__file__).resolve().parents[2]
PYTHON_FOLDERS = ("actions", "channels", "common", "components", "ops", "rasa_internals", "reporting", "scripts",
                  "stores")
#: Variables of the operating system, Python, TensorFlow, Sanic and the postgres image: not the bot's settings.
FOREIGN = {"PATH", "PWD", "HOME", "PYTHONPATH", "POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"}


def python_reads() -> Set[str]:
    """Variables that Python code reads through common.settings (and the messenger variables)."""
    names: Set[str] = set()
    for folder in PYTHON_FOLDERS:
        for path in (ROOT / folder).rglob("*.py"):
            names |= set(re.findall(r"settings\.(?:value|number|decimal|path)\(\s*\"(\w+)\"", path.read_text("utf-8")))
    for _, required, optional in credentials.MESSENGERS.values():
        names |= set(required.values()) | set(optional.values())
    return names


def file_reads() -> Set[str]:
    """Variables read by the shell scripts, the Makefile, endpoints files and compose."""
    names: Set[str] = set()
    for path in [*(ROOT / "scripts").glob("*.sh"), ROOT / "endpoints.yml", ROOT / "deploy" / "endpoints.yml",
                 ROOT / "compose.yml", ROOT / "deploy" / "nginx.conf.template"]:
        names |= set(re.findall(r"\$\{?([A-Z][A-Z0-9_]+)", path.read_text("utf-8")))
    names |= set(re.findall(r"^([A-Z][A-Z0-9_]+) \?=", (ROOT / "Makefile").read_text("utf-8"), re.M))
    names |= set(re.findall(r"^([A-Z][A-Z0-9_]+)=", (ROOT / "deploy" / "compose.env.example").read_text("utf-8"), re.M))
    compose = yaml.safe_load((ROOT / "compose.yml").read_text("utf-8"))
    names |= set(compose["x-bot-env"])
    for name, service in compose["services"].items():
        if name != "postgres":
            names |= set(service.get("environment") or {})
    return names - FOREIGN


def test_python_reads_environment_variables_only_in_common_settings() -> None:
    direct = [str(p.relative_to(ROOT)) for folder in PYTHON_FOLDERS for p in (ROOT / folder).rglob("*.py")
              if p != ROOT / "common" / "settings.py"
              and re.search(r"os\.getenv|os\.environ\.get|os\.environ\[", p.read_text("utf-8"))]
    assert direct == []


def test_every_variable_the_bot_reads_is_documented() -> None:
    read = python_reads() | file_reads()
    # the nginx template's placeholders are filled by scripts/scale.py, not from the environment
    read -= set(re.findall(r"\$\{(\w+)\}", (ROOT / "deploy" / "nginx.conf.template").read_text("utf-8")))
    assert sorted(read - set(settings.SETTINGS)) == []
    assert {"DB_PASSWORD", "TELEGRAM_SECRET_TOKEN", "MAX_MESSAGE_CHARS"} <= read  # the scan finds them


def test_the_reference_is_generated_from_the_settings() -> None:
    assert (ROOT / "docs" / "einstellungen.md").read_text("utf-8") == settings.markdown(), (
        "run: .venv/bin/python -m common.settings > docs/einstellungen.md")


def test_compose_passes_every_variable_the_rasa_server_reads() -> None:
    compose = yaml.safe_load((ROOT / "compose.yml").read_text("utf-8"))
    passed = set(compose["x-bot-env"]) | set(compose["services"]["rasa"]["environment"])
    needed = {s.name for group in ("Messenger", "Gesprächsspeicher (Datenbank)") for s in settings.GROUPS[group]}
    needed |= {"MAX_MESSAGE_CHARS", "RASA_PATCHES", "CORS_ORIGINS", "RASA_TOKEN", "RASA_JWT_SECRET",
               "ACTION_SERVER_TOKEN", "ACTION_ENDPOINT_URL", "LOG_LEVEL"}
    assert sorted(needed - passed) == []


def test_values_fall_back_to_their_defaults() -> None:
    default = int(settings.SETTINGS["MAX_TURN_CHARS"].default)
    assert settings.number("MAX_TURN_CHARS", {}) == default and settings.number("MAX_TURN_CHARS", {"MAX_TURN_CHARS": "9"}) == 9
    assert settings.value("RASA_PATCHES", {"RASA_PATCHES": ""}) == "all"
    assert settings.path("KNOWLEDGE_DIR", {}) == ROOT / "knowledge"
