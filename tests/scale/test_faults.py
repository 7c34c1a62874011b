"""Faults under load (issue 16): a Rasa server killed, PostgreSQL, Redis and the action server restarted.

Each test lets simulated users talk through nginx (scripts/faults.py: each conversation sends
its next message after the answer; two conversations send two messages at once), breaks one
part after a few seconds, and asserts what the users and the tracker store saw:

* no acknowledged message is missing, twice or out of order in the tracker store, none is
  half-stored, and no two servers handled one conversation at once (event times never go back);
* under 1 % of the requests fail, apart from those in flight at the moment of the fault;
* no request waits more than ``MAX_WAIT_S`` after the fault has ended;
* afterwards every conversation is answered again.
"""
from __future__ import annotations

import re
import threading
import time
from typing import Callable, List, Optional

import pytest
import requests

from scripts import faults, scale

#: Seconds a request may still wait after the fault has ended.
MAX_WAIT_S = 5.0
#: The load of each test: conversations (of them ``PAIRED`` send two messages at once) that talk from
#: ``AFTER_S`` before the fault until ``TAIL_S`` after it (at most ``MESSAGES`` messages each).
CONVERSATIONS, MESSAGES, PAIRED, AFTER_S, OUTAGE_S, TAIL_S = 6, 400, 2, 3.0, 5.0, 3.0


def run(stack: scale.Stack, fault: str, inject: Optional[Callable[[faults.Fault], None]] = None) -> faults.Result:
    inject = inject or faults.injector(stack, fault, OUTAGE_S)
    result, ids = faults.run_load(stack, inject, fault, CONVERSATIONS, MESSAGES, AFTER_S, PAIRED, TAIL_S)
    figures = result.figures()
    print(fault, figures)
    problems = {c: p for c in ids if (p := faults.check_store(stack, result, c))}
    assert problems == {}
    assert figures["failed_beyond_in_flight"] / figures["requests"] < 0.01, figures
    assert figures["longest_wait_after_fault_s"] <= MAX_WAIT_S, figures
    assert result.requests[0].start < result.fault.start and result.requests[-1].start > result.fault.end, \
        "the users talked before, during and after the fault"
    for conversation in ids:  # recovered: every conversation goes on
        answer = faults.send(stack, conversation, 999, "Hallo")
        assert answer.acknowledged, (conversation, answer.status)
    return result


def health(stack: scale.Stack, probe: str = "") -> dict:
    answer = requests.get(f"{stack.url}/webhooks/health/", params={"probe": probe} if probe else {}, timeout=30)
    assert (answer.status_code == 200) == (answer.json()["status"] == "ok")
    return answer.json()


def test_action_server_down_gives_an_honest_reply_and_answers_come_back(stack: scale.Stack) -> None:
    seen: List[dict] = []
    stop_and_start = faults.injector(stack, "actions", OUTAGE_S)

    def inject(fault: faults.Fault) -> None:  # and read the health endpoint during the outage
        watcher = threading.Timer(1.5, lambda: seen.extend([health(stack), health(stack, "ready"), health(stack, "live")]))
        watcher.start()
        stop_and_start(fault)
        watcher.join()

    result = run(stack, "actions", inject)
    during = [r for r in result.requests if result.fault.start + 0.5 < r.start < result.fault.end - 0.5]
    honest = [r for r in during if any("Ich kann gerade keine Angebote abrufen" in t for t in r.replies)]
    assert honest and all(r.acknowledged for r in during)
    assert any("https://www.mbeon.de" in t for t in honest[0].replies)
    full, ready, live = seen
    assert full["status"] == "error" and not full["checks"]["action_server"]["ok"]  # monitoring sees it
    assert ready["status"] == live["status"] == "ok"  # Kubernetes keeps the servers: they still answer
    assert health(stack)["status"] == "ok"
    after = faults.send(stack, "fault-actions-after", 0, "Ich suche einen Deutschkurs in Kassel")
    assert after.acknowledged and "Angebote für Kassel" in "\n".join(after.replies)


def test_postgres_restart_loses_nothing(stack: scale.Stack) -> None:
    run(stack, "postgres")
    assert health(stack)["checks"]["tracker_store"]["ok"]


def test_redis_restart_never_lets_two_servers_handle_one_conversation(stack: scale.Stack) -> None:
    run(stack, "redis")
    assert health(stack)["checks"]["lock_store"]["ok"]


def test_killed_rasa_server_stalls_no_conversation_and_its_restart_gets_requests(stack: scale.Stack) -> None:
    result = run(stack, "kill-rasa")
    assert len(result.in_flight()) <= CONVERSATIONS + PAIRED  # at most one request per sender on the dead server
    stack.start_again("rasa-1")
    killed = stack.rasa_urls[0].removeprefix("http://")
    marker = f"fault-after-restart-{int(time.time())}"
    for i in range(6):
        assert faults.send(stack, f"{marker}-{i}", 0, "Hallo").acknowledged
    time.sleep(1)
    served = [line.split()[5] for line in stack.access_log.read_text().splitlines() if marker in line]
    assert killed in served, "nginx sends requests to the restarted server again"


@pytest.fixture(autouse=True)
def _nginx_saw_no_outage_of_all_servers(stack: scale.Stack):
    before = (stack.folder / "nginx" / "error.log").read_text()
    yield
    after = (stack.folder / "nginx" / "error.log").read_text()[len(before):]
    assert not re.search("no live upstreams", after), "nginx had no server left"
