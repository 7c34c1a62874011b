"""The loaded Rasa agent and its stores, as the server's channels can reach them.

Rasa 3.6 keeps the agent (model, tracker store, lock store) only as ``app.ctx.agent`` on
its Sanic app, and wraps the configured tracker store in ``AwaitableTrackerStore`` and
``FailSafeTrackerStore`` (attribute ``_tracker_store``). Used by channels/health.py and
channels/numbered.py.
"""
from __future__ import annotations

from typing import Any, Optional


def agent_of(app: Any) -> Optional[Any]:
    """The agent Rasa serves from ``app`` (None before a model is loaded). Read it on every
    call: Rasa may replace the agent when a new model loads."""
    return getattr(getattr(app, "ctx", None), "agent", None)


def inner_tracker_store(store: Any) -> Any:
    """The configured tracker store inside Rasa's wrappers."""
    for _ in range(5):
        inner = getattr(store, "_tracker_store", None)
        if inner is None:
            break
        store = inner
    return store
