"""The fence around Rasa's internals (rasa_internals/): version check, the RASA_PATCHES choice,
every reach-in inside the fence, and patches that keep Rasa's behaviour."""
from __future__ import annotations

import asyncio
import socket
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

import rasa_internals
from rasa_internals.performance import PATCHES

ROOT = Path(__file__).resolve().parents[2]
rasa_internals.install("all")

#: Names of Rasa internals (private attributes, handlers it registers, its app context). Code
#: outside rasa_internals/ must not use them.
RASA_INTERNAL_NAMES = ("._tracker_store", "._event_query", "._additional_events", "def _retrieve",
                       "_handle_user_message", "_validate_action_result", "._graph_schema", "._instantiated_nodes",
                       "ctx.agent", "sio.on(", "eio.handle_request", "sio.enter_room", "DaskGraphRunner",
                       "EndpointConfig.session", "resolve_by_type")


def test_every_reach_into_rasa_is_inside_the_fence() -> None:
    outside = [p for folder in ("actions", "channels", "common", "components", "ops", "stores", "scripts")
               for p in sorted((ROOT / folder).rglob("*.py"))]
    found = [f"{p.relative_to(ROOT)}: {name}" for p in outside for name in RASA_INTERNAL_NAMES
             if name in p.read_text(encoding="utf-8")]
    assert found == [], "move these into rasa_internals/ (with a reason in REACH_INS)"
    for module in {name.split(".")[0] for name in rasa_internals.REACH_INS}:
        assert (ROOT / "rasa_internals" / f"{module}.py").is_file(), module


def test_an_untested_rasa_version_is_refused_with_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    rasa_internals.check_version(rasa_internals.TESTED_RASA[0])
    with pytest.raises(rasa_internals.UntestedRasaVersion, match="tested on Rasa 3.6.21 only"):
        rasa_internals.check_version("3.7.0")
    monkeypatch.setattr(rasa_internals, "rasa_version", lambda: "3.6.99")
    with pytest.raises(rasa_internals.UntestedRasaVersion):
        rasa_internals.install("none")


def test_rasa_patches_chooses_all_none_or_named_patches() -> None:
    assert rasa_internals.chosen_patches("all") == list(PATCHES) == rasa_internals.chosen_patches("")
    assert rasa_internals.chosen_patches("none") == [] == rasa_internals.chosen_patches("off")
    assert rasa_internals.chosen_patches("event_types, validate_once") == ["event_types", "validate_once"]
    with pytest.raises(ValueError, match="unknown patch graph"):
        rasa_internals.chosen_patches("graph")
    assert rasa_internals.installed() == list(PATCHES)


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
    assert DaskGraphRunner.run.__module__ == "rasa_internals.performance"
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


# --- fault repairs (rasa_internals/resilience.py), installed above by install() ---------------------

def test_tracker_store_errors_reach_the_channel_instead_of_an_in_memory_fallback() -> None:
    from rasa.core.agent import Agent
    from rasa.core.tracker_store import InMemoryTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    class Down(InMemoryTrackerStore):
        async def retrieve(self, sender_id: str) -> None:
            raise ConnectionError("database down")

        async def save(self, tracker: DialogueStateTracker) -> None:
            raise ConnectionError("database down")

    store = Agent._create_tracker_store(Down(Domain.empty()), Domain.empty())
    with pytest.raises(ConnectionError):
        asyncio.run(store.retrieve("u1"))
    with pytest.raises(ConnectionError):
        asyncio.run(store.save(DialogueStateTracker("u1", [])))


def test_an_unreachable_action_server_gives_the_honest_reply_in_the_users_language() -> None:
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import BotUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from rasa_internals.resilience import UNAVAILABLE_RESPONSE

    domain = Domain.from_path(ROOT / "domain.yml")
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    action = RemoteAction("action_find_offerings", EndpointConfig(f"http://127.0.0.1:{port}/webhook"))
    tracker = DialogueStateTracker.from_events("u1", [SlotSet("language", "en")], domain.slots)
    events = asyncio.run(action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(domain.responses),
                                    tracker, domain))
    [reply] = events
    english = [v["text"] for v in domain.responses[UNAVAILABLE_RESPONSE] if v.get("condition")
               and v["condition"][0]["value"] == "en"]
    assert isinstance(reply, BotUttered) and [reply.text] == english
    assert "https://www.mbeon.de" in reply.text
