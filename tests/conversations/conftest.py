"""Start the real action server and Rasa server for conversation tests.

The action server reads a temporary copy of the knowledge folder (KNOWLEDGE_DIR),
so tests can edit knowledge files while the bot runs.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List
from urllib.parse import urlsplit

import pytest
import requests
from messenger_api import TELEGRAM_BOT_NAME, MessengerApi

from scripts import scale  # starts, waits for and stops the servers as `make scale` does

ROOT = Path(__file__).resolve().parents[2]

MODEL = ROOT / "models" / "integrationsbot.tar.gz"


class Bot:
    """A REST client that talks to the running bot as one user."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.sender = f"test-{uuid.uuid4().hex[:8]}"

    def say(self, message: str) -> List[Dict[str, Any]]:
        response = requests.post(self.url, json={"sender": self.sender, "message": message}, timeout=60)
        response.raise_for_status()
        return response.json()

    @staticmethod
    def text(replies: List[Dict[str, Any]]) -> str:
        return "\n".join(r.get("text", "") for r in replies)


@pytest.fixture(scope="session")
def knowledge_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("kb") / "knowledge"
    shutil.copytree(ROOT / "knowledge", target)
    return target


@pytest.fixture(scope="session")
def messenger_api() -> Iterator[MessengerApi]:
    """Stand-in for the Telegram and Facebook APIs that records what the bot sends."""
    api = MessengerApi().start()
    yield api
    api.stop()


#: Messenger secrets for the test run (fake; the connectors talk to ``messenger_api``).
MESSENGER_ENV = {"TELEGRAM_TOKEN": "123456789:test-token", "TELEGRAM_BOT_NAME": TELEGRAM_BOT_NAME,
                 "TELEGRAM_WEBHOOK_URL": "https://bot.example.de/webhooks/telegram/webhook",
                 "TELEGRAM_SECRET_TOKEN": "test-secret_token-4711",
                 "FACEBOOK_VERIFY": "test-verify", "FACEBOOK_SECRET": "test-app-secret",
                 "FACEBOOK_PAGE_ACCESS_TOKEN": "test-page-token"}


def messenger_credentials(api: MessengerApi, out: Path) -> Dict[str, str]:
    """Write the credentials file as scripts/credentials.py does; return the environment."""
    from scripts import credentials  # the same composition as `make run`

    env = dict(MESSENGER_ENV, TELEGRAM_API_URL=api.url, FACEBOOK_GRAPH_URL=api.url)
    composed, enabled = credentials.compose(env)
    assert enabled == ["telegram", "facebook"]
    credentials.write(composed, str(out))
    return env


@pytest.fixture(scope="session")
def bot_env(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, str]:
    """Storage and security settings of the test bot (as scripts/run_bot.sh sets them):
    SQLite tracker store in a temp folder, HTTP API only with a token, CORS for one origin,
    action server on loopback, JSON logs (Rasa server). LOG_DIR holds rasa.log and actions.log."""
    return {"DB_DIALECT": "sqlite", "DB_NAME": str(tmp_path_factory.mktemp("store") / "conversations.db"),
            "RASA_TOKEN": uuid.uuid4().hex, "CORS_ORIGINS": "http://localhost:5005", "SANIC_HOST": "127.0.0.1",
            "LOG_FORMAT": "json", "FORCE_JSON_LOGGING": "1", "PYTHONPATH": str(ROOT), "LOG_LEVEL": "INFO",
            "RASA_TELEMETRY_ENABLED": "false", "LOG_DIR": str(tmp_path_factory.mktemp("logs"))}


@contextlib.contextmanager
def running_bot(env: Dict[str, str], logs: Path, credentials: str) -> Iterator[Dict[str, Any]]:
    """Action server + Rasa server (endpoints.yml) started with ``env``, stopped afterwards.

    Yields ``rest`` (REST webhook URL), ``base`` (server URL), ``env`` (with the action
    endpoint) and ``procs`` ([action server, Rasa server])."""
    if not MODEL.exists():
        pytest.fail(f"{MODEL} missing: run `make train` first")
    actions_port, rasa_port = scale.free_port(), scale.free_port()
    # The action server only answers calls with the shared token (actions/server.py).
    env = {"ACTION_SERVER_TOKEN": uuid.uuid4().hex, **env,
           "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_port}/webhook"}
    procs = [scale.start_actions(actions_port, env, logs / "actions.log")]
    try:
        procs.append(scale.start_rasa(MODEL, rasa_port, env, logs / "rasa.log", Path(credentials),
                                      endpoints=ROOT / "endpoints.yml"))
        base = f"http://127.0.0.1:{rasa_port}"
        rest = base + "/webhooks/rest/webhook"
        scale.wait_until(lambda: requests.get(f"http://127.0.0.1:{actions_port}/health", timeout=5).ok,
                         f"action server (log in {logs})", 120, procs[0])
        scale.wait_until(lambda: requests.post(rest, json={"sender": "warmup", "message": "Hallo"}, timeout=30).ok,
                         f"Rasa server (log in {logs})", 300, procs[1])
        yield {"rest": rest, "base": base, "env": env, "procs": procs}
    finally:
        for proc in procs:
            scale.stop(proc, timeout=20)


@pytest.fixture(scope="session")
def servers(knowledge_copy: Path, messenger_api: MessengerApi, bot_env: Dict[str, str]) -> Iterator[str]:
    """The bot all conversation tests talk to; yields its REST webhook URL."""
    logs = Path(bot_env["LOG_DIR"])
    credentials_file = logs / "credentials.yml"
    messenger_env = messenger_credentials(messenger_api, credentials_file)
    env = dict(os.environ, KNOWLEDGE_DIR=str(knowledge_copy), TF_CPP_MIN_LOG_LEVEL="2",
               SQLALCHEMY_SILENCE_UBER_WARNING="1", **messenger_env, **bot_env)
    with running_bot(env, logs, str(credentials_file)) as bot:
        yield bot["rest"]


@pytest.fixture
def bot(servers: str) -> Bot:
    return Bot(servers)


@pytest.fixture(scope="module")
def base_url(servers: str) -> str:
    """The bot's address (scheme, host, port): the widget is at ``{base_url}/webhooks/widget/``."""
    parts = urlsplit(servers)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium for the widget tests (browser_support; skipped without Playwright)."""
    pytest.importorskip("playwright.sync_api")
    from browser_support import chromium

    with chromium() as launched:
        yield launched
