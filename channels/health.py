"""Health endpoint for operators and load balancers: ``GET /webhooks/health/``.

Enabled in credentials.yml with the line ``channels.health.HealthChannel:``. Answers
JSON with one entry per part the bot needs, and HTTP 200 only if all are up, else 503:

    {"status": "ok", "checks": {"model": {"ok": true, ...}, "action_server": {...},
                                "tracker_store": {...}, "lock_store": {...}}}

* model: a model is loaded;
* action_server: the action server's own ``/health`` answers (URL from endpoints.yml);
* tracker_store: the conversation database answers ``SELECT 1``, and it is the SQL store
  configured (Rasa silently falls back to an in-memory store if the class cannot be loaded);
* lock_store: Redis answers ``PING`` when a Redis lock store is configured.

Probes (docs/betrieb.md, "Kubernetes"): ``?probe=live`` answers 200 as long as the server
answers at all (liveness: restart only a hung process), ``?probe=ready`` answers 200 once the
model is loaded (readiness). Neither depends on the database, Redis or the action server:
those are shared by all servers, so a probe that failed with them would take every server
out of the load balancer (or restart them all) during a short outage that the servers
bridge themselves (they wait for the database and Redis, and answer honestly without the
action server). The full report without ``probe`` is for monitoring and alerts.

Rasa's own ``GET /`` only says that the web server runs, and its ``/status`` belongs to
the HTTP API, which is off (docs/sicherheit.md). ``rasa`` names Rasa's version and the
performance patches active (rasa_internals). The answer names no conversation and no
secret, so the endpoint can stay public.
"""
from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, Dict, Optional, Text

import aiohttp
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

import rasa_internals
from rasa_internals.agent import agent_of, inner_tracker_store

Check = Dict[str, Any]
TIMEOUT_SECONDS = 3


def check_model(agent: Any) -> Check:
    ready = bool(agent and agent.is_ready())
    return {"ok": ready, "model_id": getattr(agent, "model_id", None) if ready else None}


async def check_action_server(agent: Any) -> Check:
    endpoint = getattr(agent, "action_endpoint", None)
    if endpoint is None or not endpoint.url:
        return {"ok": False, "error": "no action endpoint configured"}
    url = endpoint.url.rsplit("/webhook", 1)[0] + "/health"
    try:
        timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session, session.get(url) as answer:
            return {"ok": answer.status == 200, "status": answer.status}
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        return {"ok": False, "error": type(error).__name__}


async def check_tracker_store(agent: Any) -> Check:
    store = inner_tracker_store(getattr(agent, "tracker_store", None))
    kind = type(store).__name__
    if not hasattr(store, "engine"):
        return {"ok": False, "type": kind, "error": "not the configured SQL tracker store"}
    try:
        await asyncio.wait_for(asyncio.to_thread(_ping_sql, store), TIMEOUT_SECONDS)
        return {"ok": True, "type": kind, "dialect": store.engine.dialect.name}
    except Exception as error:  # any database error means: down
        return {"ok": False, "type": kind, "error": type(error).__name__}


def _ping_sql(store: Any) -> None:
    with store.engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")


async def check_lock_store(agent: Any) -> Check:
    store = getattr(agent, "lock_store", None)
    kind = type(store).__name__
    redis = getattr(store, "red", None)
    if redis is None:
        return {"ok": store is not None, "type": kind}
    try:
        await asyncio.wait_for(asyncio.to_thread(redis.ping), TIMEOUT_SECONDS)
        return {"ok": True, "type": kind}
    except Exception as error:  # any Redis error means: down
        return {"ok": False, "type": kind, "error": type(error).__name__}


async def health(agent: Optional[Any]) -> Dict[str, Any]:
    """All checks; ``status`` is ``ok`` only if every check is."""
    checks: Dict[str, Check] = {"model": check_model(agent)}
    if agent is not None:
        action, tracker, lock = await asyncio.gather(
            check_action_server(agent), check_tracker_store(agent), check_lock_store(agent))
        checks.update(action_server=action, tracker_store=tracker, lock_store=lock)
    ok = agent is not None and all(check["ok"] for check in checks.values())
    return {"status": "ok" if ok else "error", "checks": checks,
            "rasa": {"version": rasa_internals.rasa_version(), "patches": rasa_internals.installed()}}


class HealthChannel(InputChannel):
    """Serves the health check; handles no messages."""

    @classmethod
    def name(cls) -> Text:
        return "health"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint("health_check", __name__)

        @blueprint.route("/", methods=["GET"])
        async def report(request: Request) -> HTTPResponse:
            probe = request.args.get("probe")
            if probe == "live":
                return response.json({"status": "ok"}, headers={"Cache-Control": "no-store"})
            if probe == "ready":
                model = check_model(agent_of(request.app))
                return response.json({"status": "ok" if model["ok"] else "error", "checks": {"model": model}},
                                     status=200 if model["ok"] else 503, headers={"Cache-Control": "no-store"})
            result = await health(agent_of(request.app))
            return response.json(result, status=200 if result["status"] == "ok" else 503,
                                 headers={"Cache-Control": "no-store"})

        return blueprint
