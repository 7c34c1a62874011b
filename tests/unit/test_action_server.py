"""The action server's shared secret (actions/server.py), on a real rasa_sdk server process."""
from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
CALL = {"next_action": "action_show_menu", "sender_id": "u1", "version": "3.6.21",
        "tracker": {"sender_id": "u1", "slots": {}, "latest_message": {"text": "Menü", "intent": {}, "entities": []},
                    "events": [], "paused": False, "followup_action": None, "active_loop": {},
                    "latest_action_name": "action_listen"}}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def action_server(tmp_path_factory: pytest.TempPathFactory):
    port = free_port()
    env = dict(os.environ, ACTION_SERVER_TOKEN="s3cret-token", SANIC_HOST="127.0.0.1", PYTHONPATH=str(ROOT))
    log = tmp_path_factory.mktemp("actions") / "actions.log"
    proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "python"), "-m", "actions.server", "--port", str(port),
                             "--actions", "actions"], cwd=ROOT, env=env, stdout=open(log, "w"),
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            if proc.poll() is not None:
                pytest.fail(f"action server stopped: {log.read_text()[-2000:]}")
            try:
                if requests.get(url + "/health", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_calls_without_the_token_are_refused(action_server: str) -> None:
    assert requests.post(action_server + "/webhook", json=CALL, timeout=10).status_code == 401
    wrong = requests.post(action_server + "/webhook", json=CALL, headers={"X-Action-Token": "guess"}, timeout=10)
    assert wrong.status_code == 401 and "menu" not in wrong.text.lower()


def test_calls_with_the_token_run_the_action(action_server: str) -> None:
    answer = requests.post(action_server + "/webhook", json=CALL, headers={"X-Action-Token": "s3cret-token"},
                           timeout=10)
    assert answer.status_code == 200
    assert answer.json()["responses"][0]["response"] == "utter_menu"
    assert len(answer.json()["responses"][0]["buttons"]) >= 9


def test_health_stays_open(action_server: str) -> None:
    assert requests.get(action_server + "/health", timeout=10).json() == {"status": "ok"}
