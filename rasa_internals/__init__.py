"""Every place where the bot reaches into Rasa's internals, fenced in this one package.

Rasa Open Source 3.6 offers no setting or hook for these. Each one either repairs a bug or
removes measured overhead (docs/benchmarks.md). They rely on Rasa code that is not public
API, so they are only used with the Rasa version they were tested on (``TESTED_RASA``):
``check_version()`` refuses any other with a clear message (tests/unit/test_rasa_internals.py).

``REACH_INS`` names each one, where it is used and why. The performance patches change
Rasa's classes and are installed explicitly at start-up by ``install()``, which
``python -m rasa_internals run ...`` calls before Rasa's own command line (scripts/run_bot.sh,
scripts/scale.py); it logs which patches are active. ``rasa train`` and ``rasa test`` run
unpatched. The others are subclasses or re-registered handlers, used by the classes named.
"""
from __future__ import annotations

import logging
from typing import Dict, List, Optional

from common import settings

logger = logging.getLogger(__name__)

#: Rasa versions the reach-ins were written and tested for.
TESTED_RASA = ("3.6.21",)

#: name -> (used by, reason)
REACH_INS: Dict[str, str] = {
    "performance.validate_once": "install(): RemoteAction validates every action-server response and "
                                 "checks Rasa's schema again each time; the validator is built once.",
    "performance.keep_connections": "install(): EndpointConfig opens a new HTTP connection per action call; "
                                    "one keep-alive session per endpoint instead.",
    "performance.event_types": "install(): Event.resolve_by_type walks all Event subclasses for every "
                               "stored event; the class per type name is remembered.",
    "performance.graph_in_order": "install(): DaskGraphRunner.run schedules 10-20 nodes through dask on "
                                  "every run; the node order is computed once per target set.",
    "socketio.await_enter_room": "channels/socketio.py: Rasa's session_request handler does not await "
                                 "sio.enter_room (RasaHQ/rasa#13027), so widget replies are lost.",
    "socketio.send_replies_through": "channels/socketio.py: Rasa builds its SocketIOOutput inside the message "
                                     "handler; re-registered with a Markdown-safe output class.",
    "socketio.check_origin": "channels/socketio.py: Rasa's socket.io server switches off the origin check; "
                             "engine.io's request handler is wrapped with one.",
    "sql_store.LeanSQLTrackerStore": "stores/tracker_store.py: SQLTrackerStore has no hook for what is written "
                                     "(masking) and re-counts stored events on every save.",
    "messenger.PreparedMessenger": "channels/facebook.py: Rasa's Messenger builds its output channel inside "
                                   "_handle_user_message; overridden to use ours and typed-number choices.",
    "resilience.fail_loudly": "install(): Rasa's FailSafeTrackerStore answers from an empty conversation "
                              "and keeps it in memory when the database is down (the message is lost); "
                              "Agent._create_tracker_store passes a callback that lets the error through.",
    "resilience.honest_reply_without_actions": "install(): when the action server does not answer, Rasa "
                                               "replies nothing; RemoteAction.run answers "
                                               "utter_actions_unavailable instead.",
    "agent.agent_of": "channels/health.py, channels/numbered.py: the loaded agent (model, tracker store, "
                      "lock store) is only reachable as app.ctx.agent.",
    "agent.inner_tracker_store": "channels/health.py: Rasa wraps the configured tracker store "
                                 "(_tracker_store) in AwaitableTrackerStore and FailSafeTrackerStore.",
}


class UntestedRasaVersion(RuntimeError):
    """The installed Rasa is not one the reach-ins were tested on."""


def rasa_version() -> str:
    import rasa

    return str(rasa.__version__)


def check_version(version: Optional[str] = None) -> None:
    """Raise ``UntestedRasaVersion`` unless Rasa is a version in ``TESTED_RASA``."""
    version = version or rasa_version()
    if version not in TESTED_RASA:
        raise UntestedRasaVersion(
            f"Rasa {version} is installed, but rasa_internals was tested on Rasa {', '.join(TESTED_RASA)} "
            "only. Its patches and subclasses use Rasa code that is not public API. Install the pinned "
            "version (requirements.lock), or check every entry of rasa_internals.REACH_INS against the new "
            "Rasa, run `make test` and add the version to TESTED_RASA.")


def chosen_patches(choice: Optional[str] = None) -> List[str]:
    """Patch names selected by ``RASA_PATCHES`` (``all``, ``none`` or names with commas)."""
    from rasa_internals.performance import PATCHES

    choice = (settings.value("RASA_PATCHES") if choice is None else choice).strip().lower()
    if choice in ("all", "on", ""):
        return list(PATCHES)
    if choice in ("none", "off"):
        return []
    names = [name.strip() for name in choice.split(",") if name.strip()]
    unknown = [name for name in names if name not in PATCHES]
    if unknown:
        raise ValueError(f"RASA_PATCHES: unknown patch {', '.join(unknown)}; known: {', '.join(PATCHES)}")
    return names


_installed: List[str] = []
_fixes: List[str] = []


def install(choice: Optional[str] = None) -> List[str]:
    """Check the Rasa version, install the fault repairs and the chosen performance patches once, log them."""
    from rasa_internals.performance import PATCHES
    from rasa_internals.resilience import FIXES

    check_version()
    for name, fix in FIXES.items():
        if name not in _fixes:
            fix()
            _fixes.append(name)
    for name in chosen_patches(choice):
        if name not in _installed:
            PATCHES[name]()
            _installed.append(name)
    logger.info("rasa_internals: Rasa %s, fault repairs: %s, performance patches active: %s", rasa_version(),
                ", ".join(_fixes), ", ".join(_installed) or "none")
    return list(_installed)


def installed() -> List[str]:
    """Names of the patches installed in this process."""
    return list(_installed)
