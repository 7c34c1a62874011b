"""Three fixes for per-message overhead in Rasa 3.6 (action server calls, reading events).

Rasa calls the action server for most user messages (the answer actions), and reads
the conversation back from the tracker store for every message. Profiling one Rasa server under load (py-spy,
docs/benchmarks.md) showed costs in this that say nothing about the bot:

* **Response validation, ~9 % of the server's CPU.** ``RemoteAction._validate_action_result``
  calls ``jsonschema.validate``, which first checks the *schema* itself against the JSON
  meta-schema, on every call. Here the validator is built (and the schema checked) once.
  The validation itself still runs, with Rasa's own schema and error message.
* **A new HTTP connection per call, ~6 %.** ``EndpointConfig.request`` opens a new
  ``aiohttp.ClientSession`` (and TCP connection) for every request. Here each endpoint
  keeps one session per event loop, with keep-alive connections. Idle connections are
  dropped after ``KEEPALIVE_S``, below the action server's (Sanic's) 5 s keep-alive
  timeout, so the client never reuses a connection the server is closing.
* **Event classes looked up by walking the class tree, ~4 %.** Every event read back
  from the tracker store goes through ``Event.resolve_by_type``, which walks all
  subclasses of ``Event`` to find the one with the stored type name. Here the answer
  is remembered per type name (the classes do not change while the server runs).

Rasa has no settings for any of these, hence the patches. ``apply()`` is idempotent; it runs
when Rasa imports the ``components`` package (it does so in every process that loads
the model). ``RASA_PATCHES=off`` leaves Rasa as it is (to compare, or if a later Rasa
version changes these functions). Tests: tests/unit/test_rasa_patches.py.
"""
from __future__ import annotations

import asyncio
import os
from typing import Any, Dict, Optional

import aiohttp

#: Seconds an idle keep-alive connection to the action server is kept (server: 5 s).
KEEPALIVE_S = 2.0

_applied = False


def _validate_once() -> None:
    """Validate action server responses with a validator built once."""
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)

    def _validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
        try:
            validator.validate(result)
            return True
        except ValidationError as e:
            # Rasa's own wording (rasa/core/actions/action.py).
            e.message += (
                ". Failed to validate Action server response from API, "
                "make sure your response from the Action endpoint is valid. "
                f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
            )
            raise e

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]


class _KeptSession:
    """``async with`` wrapper that hands out the endpoint's shared session and keeps it open."""

    def __init__(self, endpoint: Any, make: Any) -> None:
        self.endpoint = endpoint
        self.make = make

    async def __aenter__(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        sessions: Dict[int, aiohttp.ClientSession] = self.endpoint.__dict__.setdefault("_kept_sessions", {})
        session: Optional[aiohttp.ClientSession] = sessions.get(id(loop))
        if session is None or session.closed or getattr(session, "_loop", loop) is not loop:
            session = self.make(self.endpoint)
            sessions[id(loop)] = session
        return session

    async def __aexit__(self, *exc: Any) -> bool:
        return False


def _keep_connections() -> None:
    """One keep-alive ``aiohttp`` session per endpoint and event loop instead of one per request."""
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

    def make(endpoint: EndpointConfig) -> aiohttp.ClientSession:
        """Rasa's session (same headers, auth and timeout) on a keep-alive connector."""
        auth = (aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"])
                if endpoint.basic_auth else None)
        return aiohttp.ClientSession(headers=endpoint.headers, auth=auth,
                                     timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                                     connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_S))

    def session(self: EndpointConfig) -> Any:
        return _KeptSession(self, make)

    EndpointConfig.session = session  # type: ignore[assignment]


def _remember_event_types() -> None:
    """``Event.resolve_by_type`` with the class found for each type name remembered."""
    from rasa.shared.core.events import Event

    original = Event.resolve_by_type
    found: Dict[str, type] = {}

    def resolve_by_type(type_name: str, default: Optional[type] = None) -> Optional[type]:
        cls = found.get(type_name)
        if cls is None:
            cls = original(type_name, default)  # Rasa's search, defaults and errors
            if cls is not None and cls is not default:
                found[type_name] = cls
        return cls

    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[assignment]


def apply() -> None:
    """Install the patches (once per process)."""
    global _applied
    if _applied or os.environ.get("RASA_PATCHES", "on").lower() in ("off", "0", "false", "no"):
        return
    _validate_once()
    _keep_connections()
    _remember_event_types()
    _applied = True
