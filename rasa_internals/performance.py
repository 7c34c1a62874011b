"""Four fixes for per-message overhead in Rasa 3.6 (action server calls, reading events, graph runs).

Rasa calls the action server for most user messages (the answer actions), and reads
the conversation back from the tracker store for every message. Profiling one Rasa server under load (py-spy)
showed costs in this that say nothing about the bot:

* **Response validation.** ``RemoteAction._validate_action_result``
  calls ``jsonschema.validate``, which first checks the *schema* itself against the JSON
  meta-schema, on every call. Here the validator is built (and the schema checked) once.
  The validation itself still runs, with Rasa's own schema and error message.
* **A new HTTP connection per call.** ``EndpointConfig.request`` opens a new
  ``aiohttp.ClientSession`` (and TCP connection) for every request. Here each endpoint
  keeps one session per event loop, with keep-alive connections. Idle connections are
  dropped after ``KEEPALIVE_S``, below the action server's (Sanic's) 5 s keep-alive
  timeout, so the client never reuses a connection the server is closing.
* **Event classes looked up by walking the class tree.** Every event read back
  from the tracker store goes through ``Event.resolve_by_type``, which walks all
  subclasses of ``Event`` to find the one with the stored type name. Here the answer
  is remembered per type name (the classes do not change while the server runs).
* **The model graph run through dask.** Every message runs the NLU graph once and
  the policy graph once per predicted action (3-4 runs per message). For each run Rasa
  works out the sub-graph again and hands it to ``dask.get``, which orders and schedules
  the 10-20 nodes with its general-purpose machinery. Here the order of the nodes is
  worked out once per set of targets, and the nodes are called one after the other, with
  the same inputs and outputs (``GraphNode.__call__`` is Rasa's own).

Rasa has no settings for any of these, hence the patches. They are installed by
``rasa_internals.install()`` at start-up (``python -m rasa_internals run``), never on import;
``RASA_PATCHES`` chooses which (docs/einstellungen.md). Their effect on CPU time per message
is measured by ``make bench`` (docs/benchmarks.md, "Rasa-Patches"). Tests:
tests/unit/test_rasa_internals.py.
"""
from __future__ import annotations

import asyncio
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import aiohttp

#: Seconds an idle keep-alive connection to the action server is kept (server: 5 s).
KEEPALIVE_S = 2.0


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


#: One step of a graph run: node name, Rasa's node, names of the nodes it needs.
Step = Tuple[str, Any, List[str]]


def _plan(runner: Any, targets: Sequence[str]) -> List[Step]:
    """The nodes needed for ``targets``, each after the nodes it needs (remembered per targets)."""
    from rasa.engine.exceptions import GraphRunError

    plans: Dict[Tuple[str, ...], List[Step]] = runner.__dict__.setdefault("_run_plans", {})
    key = tuple(targets)
    if key in plans:
        return plans[key]
    schema = runner._graph_schema.minimal_graph_schema(list(targets))
    plan: List[Step] = []
    done: set = set()

    def visit(name: str, path: Tuple[str, ...]) -> None:
        if name in done or name not in schema.nodes:  # done, or an input placeholder
            return
        if name in path:
            raise GraphRunError(f"The graph has a cycle through node '{name}'.")
        needs = list(schema.nodes[name].needs.values())
        for need in needs:
            visit(need, path + (name,))
        done.add(name)
        plan.append((name, runner._instantiated_nodes[name], needs))

    for target in targets:
        visit(target, ())
    plans[key] = plan
    return plan


def _run_graph_in_order() -> None:
    """``DaskGraphRunner.run`` that calls the nodes in a precomputed order instead of via dask."""
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner.dask import DaskGraphRunner

    def run(self: DaskGraphRunner, inputs: Optional[Dict[str, Any]] = None,
            targets: Optional[List[str]] = None) -> Dict[str, Any]:
        run_targets = targets if targets else self._graph_schema.target_names
        plan = _plan(self, run_targets)
        results: Dict[str, Any] = {}
        for name, value in (inputs or {}).items():
            if isinstance(value, str) and value in self._graph_schema.nodes:  # Rasa's check
                raise GraphRunError(
                    f"Input value '{value}' clashes with a node name. Make sure that none of the "
                    f"input names passed to the `run` method are the same as node names in the graph schema.")
            results[name] = (name, value)
        try:
            for name, node, needs in plan:
                if name not in results:  # an input replaces the node of the same name, as with dask
                    # A need nobody provides is passed as its name, as dask does; the node reports it.
                    results[name] = node(*[results.get(need, need) for need in needs])
        except RuntimeError as e:
            raise GraphRunError("Error running runner.") from e
        return dict(results[target] for target in run_targets)

    if not hasattr(DaskGraphRunner, "run_with_dask"):
        DaskGraphRunner.run_with_dask = DaskGraphRunner.run  # Rasa's, for comparison in the tests
    DaskGraphRunner.run = run  # type: ignore[assignment]


#: Patch name -> function that installs it. Names are used in ``RASA_PATCHES`` and in the log.
PATCHES: Dict[str, Callable[[], None]] = {
    "validate_once": _validate_once,
    "keep_connections": _keep_connections,
    "event_types": _remember_event_types,
    "graph_in_order": _run_graph_in_order,
}
