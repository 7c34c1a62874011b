"""Health checks of channels/health.py against stand-ins for Rasa's agent and stores."""
import asyncio
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from aiohttp import web

import rasa_internals
from channels import health


class Agent(SimpleNamespace):
    def is_ready(self) -> bool:
        return self.ready


def sql_store(url: str = "sqlite://") -> Any:
    return SimpleNamespace(engine=sa.create_engine(url))


async def with_action_server(status: int, check: Any) -> Any:
    """Run ``check(url)`` while a tiny server answers /health with ``status``."""
    app = web.Application()
    app.router.add_get("/health", lambda request: web.json_response({"status": "ok"}, status=status))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        return await check(f"http://127.0.0.1:{port}/webhook")
    finally:
        await runner.cleanup()


def agent(url: str, store: Any = None, ready: bool = True) -> Agent:
    wrapped = SimpleNamespace(_tracker_store=store if store is not None else sql_store())
    return Agent(ready=ready, model_id="m1", action_endpoint=SimpleNamespace(url=url),
                 tracker_store=wrapped, lock_store=SimpleNamespace())


def test_all_up_is_ok() -> None:
    result = asyncio.run(with_action_server(200, lambda url: health.health(agent(url))))
    assert result["status"] == "ok"
    assert result["checks"]["tracker_store"]["dialect"] == "sqlite"
    assert result["checks"]["model"] == {"ok": True, "model_id": "m1"}
    assert result["rasa"] == {"version": "3.6.21", "patches": rasa_internals.installed()}


def test_action_server_down_is_an_error() -> None:
    async def down() -> Any:
        url = await with_action_server(200, lambda url: asyncio.sleep(0, url))  # server gone afterwards
        return await health.health(agent(url))

    result = asyncio.run(down())
    assert result["status"] == "error" and result["checks"]["action_server"]["ok"] is False


def test_unreachable_database_and_in_memory_fallback_are_errors() -> None:
    broken = sql_store("postgresql://nobody@127.0.0.1:1/none")
    result = asyncio.run(with_action_server(200, lambda url: health.health(agent(url, broken))))
    assert result["status"] == "error" and result["checks"]["tracker_store"]["ok"] is False
    memory = SimpleNamespace()  # what Rasa uses if the store class cannot be loaded
    result = asyncio.run(with_action_server(200, lambda url: health.health(agent(url, memory))))
    assert result["checks"]["tracker_store"]["ok"] is False


def test_no_model_is_an_error() -> None:
    result = asyncio.run(with_action_server(200, lambda url: health.health(agent(url, ready=False))))
    assert result["status"] == "error" and result["checks"]["model"]["ok"] is False


def test_redis_lock_store_is_pinged() -> None:
    class Redis:
        def ping(self) -> bool:
            raise ConnectionError("down")

    down = agent("http://127.0.0.1:1/webhook")
    down.lock_store = SimpleNamespace(red=Redis())
    assert asyncio.run(health.check_lock_store(down)) == {"ok": False, "type": "SimpleNamespace",
                                                          "error": "ConnectionError"}
