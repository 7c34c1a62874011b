"""The patches that cut Rasa's per-message overhead (ops/rasa_patches.py) keep Rasa's behaviour."""
from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Set, Tuple

import pytest
from aiohttp import web
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.engine.exceptions import GraphComponentException, GraphRunError
from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.shared.core.events import Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import EndpointConfig

from ops import rasa_patches

ROOT = Path(__file__).resolve().parents[2]
rasa_patches.apply()


def test_the_components_package_installs_the_patches() -> None:
    """In a fresh process, importing ``components`` (as Rasa does with the model) patches Rasa."""
    code = ("import components\nfrom rasa.core.actions.action import RemoteAction\n"
            "print(RemoteAction._validate_action_result.__module__)")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("RASA_PATCHES", None)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "ops.rasa_patches"


def test_action_server_responses_are_still_validated_with_rasas_schema() -> None:
    action = RemoteAction("action_find_offerings", None)
    good = {"events": [{"event": "slot", "name": "place", "value": "Kassel"}],
            "responses": [{"response": "utter_offering", "title": "PSZ"}]}
    assert action._validate_action_result(good)
    for bad in ({"events": "not a list"}, {"events": [{"event": "no_such_event"}]}, {"responses": [1]}):
        with pytest.raises(ValidationError) as error:
            action._validate_action_result(bad)
        assert "Failed to validate Action server response" in error.value.message


def test_the_schema_is_checked_once_not_per_response(monkeypatch: pytest.MonkeyPatch) -> None:
    import jsonschema

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("schema checked again")

    monkeypatch.setattr(jsonschema.validators.Draft7Validator, "check_schema", classmethod(fail))
    monkeypatch.setattr(jsonschema.validators.Draft4Validator, "check_schema", classmethod(fail))
    action = RemoteAction("action_clarify", None)
    for _ in range(3):
        assert action._validate_action_result({"events": [], "responses": []})


def serve_counting_connections() -> Tuple[web.AppRunner, int, Set[int], List[str]]:
    """A local HTTP server that notes the client port of every request (one port = one connection)."""
    ports: Set[int] = set()
    bodies: List[str] = []

    async def webhook(request: web.Request) -> web.Response:
        ports.add(request.transport.get_extra_info("peername")[1])
        bodies.append(await request.text())
        return web.json_response({"events": [], "responses": []})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return runner, port, ports, bodies


def test_action_calls_reuse_one_connection_and_work_in_a_new_event_loop() -> None:
    async def three_calls(endpoint: EndpointConfig, runner: web.AppRunner, port: int) -> List[object]:
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            return [await endpoint.request(json={"next_action": f"a{i}"}) for i in range(3)]
        finally:
            await runner.cleanup()

    runner, port, ports, bodies = serve_counting_connections()
    endpoint = EndpointConfig(url=f"http://127.0.0.1:{port}/webhook", headers={"X-Test": "1"})
    answers = asyncio.run(three_calls(endpoint, runner, port))
    assert answers == [{"events": [], "responses": []}] * 3
    assert len(bodies) == 3 and '"a2"' in bodies[2]
    assert len(ports) == 1  # Rasa's own code opened three connections

    # A second event loop (e.g. another Sanic worker) gets its own session, not a dead one.
    runner, port, ports, bodies = serve_counting_connections()
    endpoint.url = f"http://127.0.0.1:{port}/webhook"
    assert asyncio.run(three_calls(endpoint, runner, port)) == [{"events": [], "responses": []}] * 3
    assert len(ports) == 1


def test_event_classes_are_found_as_rasa_finds_them() -> None:
    for cls in all_subclasses(Event):
        if getattr(cls, "type_name", None) and cls.type_name != "event":
            assert Event.resolve_by_type(cls.type_name) is next(
                c for c in all_subclasses(Event) if c.type_name == cls.type_name)
    assert Event.resolve_by_type("user") is UserUttered and Event.resolve_by_type("slot") is SlotSet
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet


def test_an_unknown_event_type_still_fails() -> None:
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    assert Event.from_parameters({"event": "slot", "name": "place", "value": "Fulda"}) == SlotSet("place", "Fulda")


# --- the graph runner -------------------------------------------------------------------
class Counted(GraphComponent):
    """A node that adds its inputs (and an offset from its config) and counts its runs."""

    runs: List[str] = []

    def __init__(self, config: Dict[str, Any], name: str) -> None:
        self.offset, self.name = config.get("offset", 0), name

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: Any, resource: Any,
               execution_context: ExecutionContext) -> "Counted":
        return cls(config, execution_context.node_name)

    def add(self, **numbers: int) -> int:
        Counted.runs.append(self.name)
        if self.offset < 0:
            raise ValueError("negative offset")
        return sum(numbers.values()) + self.offset


def node(needs: Dict[str, str], offset: int = 0, target: bool = False) -> SchemaNode:
    return SchemaNode(needs=needs, uses=Counted, constructor_name="create", fn="add",
                      config={"offset": offset}, eager=True, is_target=target)


def runner(tmp_path: Path, **nodes: SchemaNode) -> DaskGraphRunner:
    schema = GraphSchema(nodes)
    return DaskGraphRunner(schema, LocalModelStorage(tmp_path), ExecutionContext(schema, "m"))


def test_the_graph_runs_each_needed_node_once_with_the_results_dask_gives(tmp_path: Path) -> None:
    graph = runner(tmp_path,
                   a=node({"x": "__x__"}, offset=1),
                   b=node({"first": "a", "x": "__x__"}, offset=10),
                   c=node({"first": "a", "second": "b"}, target=True),
                   unused=node({"x": "__x__"}, offset=100),
                   d=node({"first": "c"}, offset=1000, target=True))
    assert DaskGraphRunner.run.__module__ == "ops.rasa_patches"
    for targets in (["c"], ["d", "c"], ["b"], None):
        Counted.runs.clear()
        ours = graph.run(inputs={"__x__": 5}, targets=targets)
        our_runs = sorted(Counted.runs)
        Counted.runs.clear()
        assert ours == graph.run_with_dask(inputs={"__x__": 5}, targets=targets)
        assert our_runs == sorted(Counted.runs)  # the same nodes, each once
    # a = 5 + 1, b = a + 5 + 10, c = a + b, d = c + 1000; "unused" never runs
    assert graph.run(inputs={"__x__": 5}, targets=["d", "c"]) == {"c": 27, "d": 1027}
    assert graph.run(inputs={"__x__": 0}) == {"c": 12, "d": 1012}


def test_graph_errors_are_the_ones_rasa_raises(tmp_path: Path) -> None:
    graph = runner(tmp_path, a=node({"x": "__x__"}), bad=node({"x": "a"}, offset=-1, target=True))
    for run in (graph.run, graph.run_with_dask):
        with pytest.raises(GraphRunError, match="Missing input"):  # an input nobody passed
            run(inputs={}, targets=["a"])
        with pytest.raises(GraphComponentException):  # a node that fails
            run(inputs={"__x__": 1}, targets=["bad"])
        with pytest.raises(GraphRunError, match="clashes with a node name"):
            run(inputs={"__x__": "a"}, targets=["a"])
