"""Rasa starts unpatched unless rasa_internals installs the patches, and says which are on."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECK = "from rasa.core.actions.action import RemoteAction; print(RemoteAction._validate_action_result.__module__)"


def run(args: list, **env: str) -> subprocess.CompletedProcess:
    environment = dict(os.environ, PYTHONPATH=str(ROOT), **env)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True,
                          check=True, timeout=300)


def test_importing_the_components_changes_nothing_in_rasa() -> None:
    """rasa train and rasa test import components/ with the model: Rasa stays as it is."""
    out = run(["-c", "import components.language_policy, components.message_limit, channels.socketio\n" + CHECK])
    assert out.stdout.strip().splitlines()[-1] == "rasa.core.actions.action"


def test_the_start_command_installs_the_chosen_patches_and_logs_them() -> None:
    out = run(["-m", "rasa_internals", "--version"], RASA_PATCHES="all")
    assert "performance patches active: validate_once, keep_connections, event_types, graph_in_order" in out.stderr
    assert "Rasa Version" in out.stdout  # then Rasa's own command line ran
    out = run(["-m", "rasa_internals", "--version"], RASA_PATCHES="graph_in_order")
    assert "performance patches active: graph_in_order" in out.stderr
    out = run(["-m", "rasa_internals", "--version"], RASA_PATCHES="none")
    assert "performance patches active: none" in out.stderr
