"""The action server's shared secret (actions/server.py), on a real rasa_sdk server process."""
from __future__ import annotations

from pathlib import Path

import pytest
import requests

from actions.actions import menu_buttons
from actions.knowledge import load_knowledge
from scripts import scale  # starts the action server as make scale does

ROOT = Path(__file__).resolve().parents[2]

CALL = {"next_action": "action_show_menu", "sender_id": "u1", "version": "3.6.21",
        "tracker": {"sender_id": "u1", "slots": {}, "latest_message": {"text": "Menü", "intent": {}, "entities": []},
                    "events": [], "paused": False, "followup_action": None, "active_loop": {},
                    "latest_action_name": "action_listen"}}


@pytest.fixture(scope="module")
def action_server(tmp_path_factory: pytest.TempPathFactory):
    port = scale.free_port()
    env = scale.rasa_env({"ACTION_SERVER_TOKEN": "s3cret-token"})
    proc = scale.start_actions(port, env, tmp_path_factory.mktemp("actions") / "actions.log")
    url = f"http://127.0.0.1:{port}"
    try:
        scale.wait_until(lambda: requests.get(url + "/health", timeout=1).ok, "action server", 120, proc)
        yield url
    finally:
        scale.stop(proc)


def test_calls_without_the_token_are_refused(action_server: str) -> None:
    assert requests.post(action_server + "/webhook", json=CALL, timeout=10).status_code == 401
    wrong = requests.post(action_server + "/webhook", json=CALL, headers={"X-Action-Token": "guess"}, timeout=10)
    assert wrong.status_code == 401 and "menu" not in wrong.text.lower()


def test_calls_with_the_token_run_the_action(action_server: str) -> None:
    answer = requests.post(action_server + "/webhook", json=CALL, headers={"X-Action-Token": "s3cret-token"},
                           timeout=10)
    assert answer.status_code == 200
    assert answer.json()["responses"][0]["response"] == "utter_menu"
    assert answer.json()["responses"][0]["buttons"] == menu_buttons(load_knowledge(ROOT / "knowledge"))


def test_health_stays_open(action_server: str) -> None:
    assert requests.get(action_server + "/health", timeout=10).json() == {"status": "ok"}
