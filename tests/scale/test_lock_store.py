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
from stores.lock_store import AtomicRedisLockStore, Ticket

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def redis_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, str]]:
    with scale.redis_server(tmp_path_factory.mktemp("redis")) as env:
        yield env


@pytest.fixture
def store(redis_env: Dict[str, str], monkeypatch: pytest.MonkeyPatch) -> AtomicRedisLockStore:
    """Created the way Rasa creates it from endpoints.yml, with a lease of 0.5 s; past the settle time
    of a fresh Redis (see test_redis_losing_its_data_never_lets_two_servers_in)."""
    monkeypatch.setenv("LOCK_LEASE_SECONDS", "0.5")
    config = EndpointConfig(url=redis_env["REDIS_HOST"], type="stores.lock_store.AtomicRedisLockStore",
                            port=redis_env["REDIS_PORT"], password=redis_env["REDIS_PASSWORD"], db=1,
                            key_prefix="test")
    created = LockStore.create(config)
    assert isinstance(created, AtomicRedisLockStore)
    assert created.lease_ms == 500
    if not created.red.exists(created._meta[0]):  # a fresh Redis: wait out the first epoch's settle time
        created._take(Ticket("warm-up", created._keys("warm-up")))
        time.sleep(0.6)
    return created


def _store(redis_env: Dict[str, str]) -> AtomicRedisLockStore:
    """A second server's lock store on the same Redis."""
    return AtomicRedisLockStore(host=redis_env["REDIS_HOST"], port=redis_env["REDIS_PORT"],
                                password=redis_env["REDIS_PASSWORD"], db=1, key_prefix="test", lease_seconds=0.5)


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
    other = _store(redis_env)
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
    # the last ticket removes the conversation's keys; only the epoch stays
    assert store.red.keys("test:lock:shared*") == []
    assert store.red.keys("test:lock-meta:*") == [b"test:lock-meta:epoch"]


def test_a_ticket_of_a_crashed_server_lapses_after_one_lease(store: AtomicRedisLockStore) -> None:
    """A server that took the lock and died renews nothing: the next message waits one lease, not 60 s."""
    crashed = Ticket("crashed", store._keys("crashed"))
    store._take(crashed)  # taken, never renewed, never given back
    assert crashed.state == 1

    async def main() -> float:
        started = time.monotonic()
        async with store.lock("crashed"):
            return time.monotonic() - started

    waited = asyncio.run(main())
    assert 0.3 < waited < 0.5 + 0.3  # the store's lease is 0.5 s


def test_a_living_holder_keeps_its_lock_longer_than_a_lease(store: AtomicRedisLockStore,
                                                             redis_env: Dict[str, str]) -> None:
    """The renewing thread keeps the lease while the message takes longer than a lease, even with
    the holder's event loop blocked."""
    other = _store(redis_env)
    log: List[str] = []

    async def slow() -> None:
        async with store.lock("long"):
            log.append("slow in")
            time.sleep(1.2)  # event loop blocked for more than two leases
            log.append("slow out")

    async def fast() -> None:
        await asyncio.sleep(0.1)
        async with other.lock("long"):
            log.append("fast in")

    async def main() -> None:
        await asyncio.gather(slow(), asyncio.to_thread(asyncio.run, fast()))

    asyncio.run(main())
    assert log == ["slow in", "slow out", "fast in"]


def test_a_waiting_ticket_that_lapses_is_a_lock_error(store: AtomicRedisLockStore) -> None:
    holder = Ticket("slow", store._keys("slow"))
    store._take(holder)

    async def main() -> None:
        async with store.lock("slow"):
            pass

    async def drop_waiting_ticket() -> None:  # as if the waiting server had stalled for a lease
        await asyncio.sleep(0.1)
        store.red.zrem(holder.keys[0], holder.number + 1)

    async def both() -> None:
        await asyncio.gather(main(), drop_waiting_ticket())

    with pytest.raises(LockError):
        asyncio.run(both())
    store._give_back(holder)


def test_redis_losing_its_data_never_lets_two_servers_in(store: AtomicRedisLockStore,
                                                         redis_env: Dict[str, str]) -> None:
    """Redis restarts without persistence while a server holds a lock: the holder re-registers ahead
    of everyone, and nobody else gets the conversation while it works."""
    other = _store(redis_env)
    log: List[str] = []

    async def holder() -> None:
        async with store.lock("restart"):
            log.append("holder in")
            store.red.flushdb()  # Redis forgets every ticket and the epoch
            await asyncio.sleep(1.0)  # two leases: re-registration happens meanwhile
            log.append("holder out")

    async def newcomer() -> None:
        await asyncio.sleep(0.1)
        async with other.lock("restart"):
            log.append("newcomer in")

    async def main() -> None:
        await asyncio.gather(holder(), newcomer())

    asyncio.run(main())
    assert log == ["holder in", "holder out", "newcomer in"]


def test_a_message_waits_for_redis_to_come_back(tmp_path: Path) -> None:
    """Redis restarts (stopped about 1 s): a message that arrives meanwhile waits and then gets the lock."""
    with scale.redis_control(tmp_path / "redis") as server:
        lock_store = AtomicRedisLockStore(host="127.0.0.1", port=server.port, password=server.env["REDIS_PASSWORD"],
                                          db=1, lease_seconds=0.5, outage_wait_seconds=10)

        async def main() -> float:
            server.stop()
            restart = asyncio.get_running_loop().run_in_executor(None, lambda: (time.sleep(1), server.start()))
            started = time.monotonic()
            async with lock_store.lock("outage"):
                waited = time.monotonic() - started
            await restart
            return waited

        waited = asyncio.run(main())
        assert 0.9 < waited < 1.0 + 2.0  # the outage, then at most the settle time of a new epoch


def test_redis_errors_are_lock_errors(redis_env: Dict[str, str]) -> None:
    broken = AtomicRedisLockStore(host=redis_env["REDIS_HOST"], port=redis_env["REDIS_PORT"],
                                  password="wrong", db=1, outage_wait_seconds=0.5)

    async def main() -> None:
        async with broken.lock("x"):
            pass

    with pytest.raises(LockError):
        asyncio.run(main())
