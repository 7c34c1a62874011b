"""Shared fixtures: a small knowledge folder built from the real topics and gazetteer."""
from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parents[2]


def offering(**overrides: Any) -> Dict[str, Any]:
    """A valid offering entry; tests override what they need."""
    entry = {
        "id": "test-angebot",
        "name": "Testangebot",
        "topic": "psz",
        "summary": "Hier bekommen Sie Hilfe.",
        "description": "Ein Angebot für Tests.",
        "audience": "",
        "languages": [],
        "cost": "kostenlos",
        "contact": {"phone": "0561 123456", "email": "", "web": "https://example.org", "address": "", "hours": ""},
        "serves": ["hessen"],
        "sources": [{"url": "https://example.org/quelle", "published": "2026-10", "retrieved": "2026-11-01, Testseite",
                     "quote": "Beratung unter Telefon 0561 123456"}],
    }
    entry.update(overrides)
    return entry


@pytest.fixture
def make_knowledge(tmp_path: Path) -> Callable[..., Path]:
    """Write offerings (by file name) into a copy of the knowledge folder and return it."""

    def _make(files: Dict[str, Any], extra: Optional[Dict[str, str]] = None) -> Path:
        """``files``: offering files by name; ``extra``: other files of the folder (links.yml, …) as text."""
        folder = tmp_path / "knowledge"
        (folder / "offerings").mkdir(parents=True, exist_ok=True)
        for name in ("topics.yml", "places.yml"):
            shutil.copy(ROOT / "knowledge" / name, folder / name)
        for name, text in (extra or {}).items():
            (folder / name).write_text(text, encoding="utf-8")
        for name, content in files.items():
            text = content if isinstance(content, str) else yaml.safe_dump({"offerings": content}, allow_unicode=True)
            (folder / "offerings" / name).write_text(text, encoding="utf-8")
        return folder

    return _make


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def tracker(intent: str, text: str = "", entities: Optional[List[Dict[str, Any]]] = None,
            slots: Optional[Dict[str, Any]] = None, intent_ranking: Optional[List[Dict[str, Any]]] = None) -> Tracker:
    """A tracker whose latest user message has the given intent and entities."""
    message = {"intent": {"name": intent, "confidence": 0.9}, "entities": entities or [], "text": text,
               "intent_ranking": intent_ranking or [{"name": intent, "confidence": 0.9}]}
    return Tracker("test-user", slots or {}, message, [], False, None, {}, "action_listen")


def run(action: Any, trk: Tracker, domain: Dict[str, Any]) -> Tuple[List[Dict[str, Any]], Dict[str, Any]]:
    """Run a rasa_sdk action: (messages it sent, slots it set)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, trk, domain))
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def responses(messages: List[Dict[str, Any]]) -> List[Optional[str]]:
    """The response names of the messages an action sent."""
    return [m.get("response") for m in messages]
