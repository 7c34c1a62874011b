"""The atomic Redis ticket lock (stores/lock_store.py) against a real Redis server."""
from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
from rasa.core.lock_store import LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

from scripts import scale
from stores.lock_store import AtomicRedisLockStore

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def redis_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, str]]:
    with scale.redis_server(tmp_path_factory.mktemp("redis")) as env:
        yield env


@pytest.fixture
def store(redis_env: Dict[str, str]) -> AtomicRedisLockStore:
    """Created the way Rasa creates it from endpoints.yml."""
    config = EndpointConfig(url=redis_env["REDIS_HOST"], type="stores.lock_store.AtomicRedisLockStore",
                            port=redis_env["REDIS_PORT"], password=redis_env["REDIS_PASSWORD"], db=1,
                            key_prefix="test")
    created = LockStore.create(config)
    assert isinstance(created, AtomicRedisLockStore)
    return created


def test_messages_of_one_conversation_take_turns_in_arrival_order(store: AtomicRedisLockStore) -> None:
    log: List[str] = []

    async def handle(name: str, conversation: str, delay: float) -> None:
        await asyncio.sleep(delay)  # arrival order: by delay
        async with store.lock(conversation):
            log.append(f"{name} in")
            await asyncio.sleep(0.05)
            log.append(f"{name} out")

    async def main() -> None:
        await asyncio.gather(handle("a1", "a", 0), handle("a2", "a", 0.01), handle("a3", "a", 0.02),
                             handle("b1", "b", 0.005))

    started = time.monotonic()
    asyncio.run(main())
    a = [entry for entry in log if entry.startswith("a")]
    assert a == ["a1 in", "a1 out", "a2 in", "a2 out", "a3 in", "a3 out"]
    assert log.index("b1 in") < log.index("a1 out")  # another conversation does not wait
    assert time.monotonic() - started < 0.6  # waiters check every 20 ms, not every second (Rasa)


def test_two_stores_share_the_lock_and_nothing_is_left_behind(store: AtomicRedisLockStore,
                                                               redis_env: Dict[str, str]) -> None:
    """Two servers (two store objects) on one Redis: one conversation is never handled twice at once."""
    other = AtomicRedisLockStore(host=redis_env["REDIS_HOST"], port=redis_env["REDIS_PORT"],
                                 password=redis_env["REDIS_PASSWORD"], db=1, key_prefix="test")
    inside, most = [0], [0]

    async def handle(lock_store: AtomicRedisLockStore) -> None:
        async with lock_store.lock("shared"):
            inside[0] += 1
            most[0] = max(most[0], inside[0])
            await asyncio.sleep(0.002)
            inside[0] -= 1

    async def main() -> None:
        await asyncio.gather(*(handle(store if i % 2 else other) for i in range(40)))

    asyncio.run(main())
    assert most[0] == 1
    assert store.red.keys("test:*") == []  # the last ticket removes the conversation's keys


def test_a_ticket_of_a_crashed_server_expires(store: AtomicRedisLockStore) -> None:
    keys = store._keys("crashed")
    store._issue(keys=keys, args=[200])  # a server took the lock for 0.2 s and never gave it back

    async def main() -> float:
        started = time.monotonic()
        async with store.lock("crashed"):
            return time.monotonic() - started

    waited = asyncio.run(main())
    assert 0.1 < waited < 1.0


def test_a_waiting_ticket_that_expires_is_a_lock_error(store: AtomicRedisLockStore) -> None:
    keys = store._keys("slow")
    store._issue(keys=keys, args=[5000])  # held for 5 s

    async def main() -> None:
        async with store.lock("slow", lock_lifetime=0.1):
            pass

    with pytest.raises(LockError):
        asyncio.run(main())
    store._release(keys=keys, args=[1])


def test_redis_errors_are_lock_errors(redis_env: Dict[str, str]) -> None:
    broken = AtomicRedisLockStore(host=redis_env["REDIS_HOST"], port=redis_env["REDIS_PORT"],
                                  password="wrong", db=1)

    async def main() -> None:
        async with broken.lock("x"):
            pass

    with pytest.raises(LockError):
        asyncio.run(main())
