"""The scale-out configuration in deploy/ (the running setup is tested in tests/scale)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from rasa.utils.endpoints import read_endpoint_config

from scripts import bench, scale

ROOT = Path(__file__).resolve().parents[2]

ENV = {"ACTION_ENDPOINT_URL": "http://127.0.0.1:5055/webhook", "DB_HOST": "db", "DB_PORT": "5432",
       "DB_NAME": "rasa", "DB_USER": "rasa", "DB_PASSWORD": "secret", "REDIS_HOST": "redis",
       "REDIS_PORT": "6379", "REDIS_PASSWORD": "secret", "ACTION_SERVER_TOKEN": "secret-token"}


def test_endpoints_take_everything_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    tracker = read_endpoint_config(str(scale.ENDPOINTS), "tracker_store")
    lock = read_endpoint_config(str(scale.ENDPOINTS), "lock_store")
    action = read_endpoint_config(str(scale.ENDPOINTS), "action_endpoint")
    assert tracker.type == "stores.tracker_store.PrivacyTrackerStore"
    assert tracker.kwargs["dialect"] == "postgresql" and tracker.url == "db"  # Rasa passes url as host
    assert tracker.kwargs["password"] == "secret"
    assert lock.type == "stores.lock_store.AtomicRedisLockStore" and lock.url == "redis" and lock.kwargs["password"] == "secret"
    assert action.url == ENV["ACTION_ENDPOINT_URL"]
    assert action.headers == {"X-Action-Token": "secret-token"} and action.kwargs["enable_selective_domain"]
    assert "secret" not in scale.ENDPOINTS.read_text()  # no secret in the file itself


def test_nginx_template_has_only_the_placeholders_scale_fills() -> None:
    placeholders = set(re.findall(r"\$\{(\w+)\}", scale.NGINX_TEMPLATE.read_text()))
    assert placeholders == {"NGINX_LISTEN", "NGINX_RUN_DIR", "RASA_SERVERS"}


def test_percentiles_and_rate() -> None:
    level = bench.LevelResult(10, latencies_ms=[float(i) for i in range(1, 101)], seconds=10)
    assert level.pct(50) == 50 or level.pct(50) == 51
    assert level.pct(95) in (95.0, 96.0) and level.pct(99) in (99.0, 100.0)
    assert level.rate == 10.0


def test_benchmark_conversations_are_realistic() -> None:
    import random

    turns = bench.our_conversation(random.Random(1))
    assert len(turns) == 4 and any(place in turns[1][0] for place in bench.PLACES)
    assert "Telefonnummer" in turns[2][0]
