"""Scale-out on one machine: PostgreSQL, Redis, an action server, several Rasa servers, nginx.

    python -m scripts.scale [--servers 2] [--port 8080]   # `make scale`; Ctrl+C stops all

Each Rasa server is a plain ``rasa run`` on its own port with the same model and
``deploy/endpoints.yml``: conversations in PostgreSQL (SQL tracker store), conversation
locks in Redis (lock store), custom actions on one action server. nginx
(``deploy/nginx.conf.template``) spreads the requests over the servers (least busy first).
All services are Debian packages (``make scale-deps``), listen on 127.0.0.1 only and keep
their data in one temporary folder that is deleted on exit.

The tests (tests/scale) and the benchmark (scripts/bench.py) use :func:`running`.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional

import requests

from common import settings
from scripts import pg_server  # throw-away PostgreSQL on loopback

ROOT = Path(__file__).resolve().parent.parent

PYTHON = str(ROOT / ".venv" / "bin" / "python")
DEFAULT_MODEL = ROOT / "models" / "integrationsbot.tar.gz"
ENDPOINTS = ROOT / "deploy" / "endpoints.yml"
NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
#: nginx takes a Rasa server out for 5 s after 3 failed attempts within 5 s (deploy/nginx.conf.template).
SERVER_OPTIONS = "max_fails=3 fail_timeout=5s"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require(binary: str) -> str:
    """Full path of ``binary`` (also looked up in sbin), or a hint to install it."""
    found = shutil.which(binary) or shutil.which(binary, path="/usr/sbin:/sbin")
    if not found:
        raise RuntimeError(f"{binary} not found: run `make scale-deps` (Debian packages nginx, redis-server)")
    return found


def wait_until(check, what: str, timeout: float, proc: Optional[subprocess.Popen] = None) -> None:
    """Poll ``check()`` once a second until it is true; fail early if ``proc`` died."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited with code {proc.returncode}")
        try:
            if check():
                return
        except Exception:  # noqa: BLE001 - not up yet
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{what} did not come up within {timeout:.0f}s")


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
    """Stop one process we started: ``sig``, then SIGKILL after ``timeout`` seconds."""
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class Service:
    """A process of the stack that a fault test can kill and start again."""

    starter: Callable[[], subprocess.Popen]
    ready: Callable[[], bool]
    proc: Optional[subprocess.Popen] = None

    def start(self) -> subprocess.Popen:
        self.proc = self.starter()
        return self.proc

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait()


@dataclass
class Stack:
    """What a running scale-out setup offers to its callers."""

    url: str                    #: nginx, e.g. http://127.0.0.1:8080
    rasa_urls: List[str]        #: each Rasa server directly
    action_url: str             #: the action server
    token: str                  #: RASA_TOKEN of the HTTP API
    env: Dict[str, str]         #: environment of the Rasa servers (DB_*, REDIS_*, ...)
    folder: Path                #: temporary folder with data and logs
    pids: Dict[str, int] = field(default_factory=dict)  #: name -> process id
    postgres: Optional[pg_server.Server] = None  #: stop()/start() the database (fault tests)
    redis: Optional["Redis"] = None              #: stop()/start() Redis (fault tests)
    processes: Dict[str, "Service"] = field(default_factory=dict)  #: "actions", "rasa-1", ... (fault tests)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Kill the process ``name`` (``actions``, ``rasa-1``, ...) without warning, as a crash would."""
        self.processes[name].kill(sig)

    def start_again(self, name: str, timeout: float = 300) -> None:
        """Start ``name`` again on its old port and wait until it is ready."""
        service = self.processes[name]
        service.start()
        self.pids[name] = service.proc.pid
        wait_until(service.ready, name, timeout, service.proc)

    @property
    def webhook(self) -> str:
        return f"{self.url}/webhooks/rest/webhook"

    @property
    def access_log(self) -> Path:
        return self.folder / "nginx" / "access.log"


class Redis:
    """A Redis server on loopback with a password and no persistence; ``stop()``/``start()`` for fault tests."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.port, password = free_port(), secrets.token_urlsafe(16)
        self.conf = folder / "redis.conf"  # password in a file, not on the command line
        self.conf.write_text(f"bind 127.0.0.1\nport {self.port}\nrequirepass {password}\nsave \"\"\n"
                             f"appendonly no\ndir {folder}\nlogfile {folder / 'redis.log'}\n")
        self.conf.chmod(0o600)
        self.env = {"REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(self.port), "REDIS_PASSWORD": password}
        self.proc: Optional[subprocess.Popen] = None

    def start(self) -> None:
        """Start (again, on the same port, empty) and wait until it answers PING."""
        import redis

        self.proc = subprocess.Popen([require("redis-server"), str(self.conf)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        client = redis.Redis(host="127.0.0.1", port=self.port, password=self.env["REDIS_PASSWORD"], socket_timeout=2)
        wait_until(client.ping, "redis-server", 30, self.proc)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is not None:
            stop(self.proc, sig)


@contextlib.contextmanager
def redis_server(folder: Path) -> Iterator[Dict[str, str]]:
    """A running :class:`Redis`; yields its REDIS_* variables."""
    with redis_control(folder) as server:
        yield server.env


@contextlib.contextmanager
def redis_control(folder: Path) -> Iterator[Redis]:
    """A running :class:`Redis`, stopped on exit."""
    server = Redis(folder)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def nginx(folder: Path, upstreams: List[int], port: int) -> Iterator[subprocess.Popen]:
    """nginx with deploy/nginx.conf.template, balancing over ``upstreams`` (ports on 127.0.0.1)."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o755)  # nginx workers run as nobody when the master runs as root
    values = {"NGINX_LISTEN": f"127.0.0.1:{port}", "NGINX_RUN_DIR": str(folder),
              "RASA_SERVERS": " ".join(f"server 127.0.0.1:{p} {SERVER_OPTIONS};" for p in upstreams)}
    conf = NGINX_TEMPLATE.read_text(encoding="utf-8")
    for key, value in values.items():
        conf = conf.replace("${" + key + "}", value)
    (folder / "nginx.conf").write_text(conf, encoding="utf-8")
    cmd = [require("nginx"), "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log"),
           "-g", "daemon off;"]
    subprocess.run(cmd + ["-t", "-q"], check=True, stdout=subprocess.DEVNULL)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=open(folder / "stderr.log", "w"),
                            start_new_session=True)
    try:
        wait_until(lambda: socket.create_connection(("127.0.0.1", port), timeout=1).close() or True,
                   "nginx", 30, proc)
        yield proc
    finally:
        stop(proc, signal.SIGQUIT)  # graceful: finish open requests


def rasa_env(extra: Dict[str, str]) -> Dict[str, str]:
    """Environment for action server and Rasa servers, with the settings of scripts/run_bot.sh."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", SQLALCHEMY_SILENCE_UBER_WARNING="1", SANIC_HOST="127.0.0.1",
               PYTHONPATH=str(ROOT), RASA_TELEMETRY_ENABLED="false", SANIC_REQUEST_MAX_SIZE="1048576")
    env.setdefault("LOG_LEVEL", "INFO")
    # Shared secret of the Rasa servers and the action server (actions/server.py).
    env.setdefault("ACTION_SERVER_TOKEN", secrets.token_urlsafe(24))
    env.update(extra)
    return env


def start_rasa(model: Path, port: int, env: Dict[str, str], log: Path, credentials: Path,
               endpoints: Path = ENDPOINTS, append: bool = False) -> subprocess.Popen:
    """One ``rasa run`` (with rasa_internals' patches) on 127.0.0.1:``port``, with the options of scripts/run_bot.sh: HTTP API
    only with the token (if RASA_TOKEN is set), CORS for CORS_ORIGINS, JSON logs if LOG_FORMAT=json."""
    api = ["--enable-api", "--auth-token", env["RASA_TOKEN"]] if env.get("RASA_TOKEN") else []
    cors = ["--cors", *env["CORS_ORIGINS"].split()] if env.get("CORS_ORIGINS") else []
    logs = ["--logging-config-file", "ops/logging-json.yml"] if env.get("LOG_FORMAT") == "json" else []
    return subprocess.Popen([PYTHON, "-m", "rasa_internals", "run", "--model", str(model), "--endpoints", str(endpoints),
                             "--credentials", str(credentials), "--interface", "127.0.0.1", "--port", str(port),
                             *api, *cors, *logs],
                            cwd=ROOT, env=env, stdout=open(log, "a" if append else "w"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def start_actions(port: int, env: Dict[str, str], log: Path) -> subprocess.Popen:
    """The action server on 127.0.0.1:``port`` (SANIC_HOST)."""
    return subprocess.Popen([PYTHON, "-m", "actions.server", "--port", str(port),
                             "--actions", "actions"],
                            cwd=ROOT, env=env, stdout=open(log, "a"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def rasa_ready(url: str, token: str = "") -> bool:
    """True once the Rasa server at ``url`` has loaded its model (``/status`` needs the API)."""
    if token:
        return requests.get(f"{url}/status", params={"token": token}, timeout=5).status_code == 200
    return requests.get(f"{url}/", timeout=5).status_code == 200


@contextlib.contextmanager
def running(model: Path = DEFAULT_MODEL, servers: int = 2, port: Optional[int] = None,
            extra_env: Optional[Dict[str, str]] = None, start_timeout: float = 600) -> Iterator[Stack]:
    """Start PostgreSQL, Redis, the action server, ``servers`` Rasa servers and nginx; stop all on exit.

    ``extra_env`` is added to the environment of the action server and the Rasa servers
    (e.g. ``SANIC_WORKERS``, ``KNOWLEDGE_DIR``).
    """
    if not Path(model).exists():
        raise RuntimeError(f"{model} missing: run `make train` first")
    require("nginx"), require("redis-server")
    folder = Path(tempfile.mkdtemp(prefix="rasa-scale-"))
    folder.chmod(0o755)
    logs = folder / "logs"
    logs.mkdir()
    services: Dict[str, Service] = {}
    try:
        with contextlib.ExitStack() as stack:
            postgres = stack.enter_context(pg_server.server())
            redis = stack.enter_context(redis_control(folder / "redis"))
            actions_port = free_port()
            env = rasa_env({**postgres.env, **redis.env,
                            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_port}/webhook",
                            "RASA_TOKEN": secrets.token_urlsafe(24), **(extra_env or {})})
            credentials = folder / "credentials.yml"
            subprocess.run([sys.executable, str(ROOT / "scripts" / "credentials.py"), str(credentials)],
                           cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
            action_url = f"http://127.0.0.1:{actions_port}"
            services["actions"] = Service(lambda: start_actions(actions_port, env, logs / "actions.log"),
                                          lambda: requests.get(f"{action_url}/health", timeout=5).ok)
            rasa_ports = [free_port() for _ in range(servers)]
            rasa_urls = [f"http://127.0.0.1:{p}" for p in rasa_ports]
            for i, (rasa_port, url) in enumerate(zip(rasa_ports, rasa_urls)):
                log = logs / f"rasa-{i + 1}.log"
                services[f"rasa-{i + 1}"] = Service(
                    lambda p=rasa_port, log=log: start_rasa(Path(model), p, env, log, credentials, append=True),
                    lambda url=url: rasa_ready(url, env["RASA_TOKEN"]))
            for service in services.values():
                service.start()
            wait_until(services["actions"].ready, "action server", 120, services["actions"].proc)
            for name, service in services.items():
                if name != "actions":
                    wait_until(service.ready, f"{name} (log in {logs})", start_timeout, service.proc)
            nginx_port = port or free_port()
            nginx_proc = stack.enter_context(nginx(folder / "nginx", rasa_ports, nginx_port))
            pids = {"nginx": nginx_proc.pid, **{name: s.proc.pid for name, s in services.items()}}
            try:
                yield Stack(f"http://127.0.0.1:{nginx_port}", rasa_urls, action_url, env["RASA_TOKEN"], env,
                            folder, pids, postgres, redis, services)
            finally:
                for service in reversed(list(services.values())):  # Rasa servers first, then the action server
                    if service.proc is not None:
                        stop(service.proc)
    except Exception:
        keep = ROOT / "results" / "scale-logs"  # for the post-mortem; results/ is not committed
        shutil.rmtree(keep, ignore_errors=True)
        shutil.copytree(logs, keep, dirs_exist_ok=True)
        for name in ("access.log", "error.log"):
            if (folder / "nginx" / name).exists():
                shutil.copy(folder / "nginx" / name, keep / f"nginx-{name}")
        print(f"scale: logs kept in {keep}", file=sys.stderr)
        raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--servers", type=int, default=settings.number("RASA_SERVERS"))
    parser.add_argument("--port", type=int, default=settings.number("NGINX_PORT"))
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    args = parser.parse_args()
    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    # Ctrl+C and kill both shut everything down in order (also when started in the background).
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    print(f"Starting PostgreSQL, Redis, action server, {args.servers} Rasa servers and nginx ...", flush=True)
    try:
        serve(args)
    except KeyboardInterrupt:
        pass
    print("Stopped.")


def serve(args: argparse.Namespace) -> None:
    """Start everything, print how to reach it, wait for Ctrl+C."""
    with running(args.model, args.servers, args.port) as stack:
        print(f"""
Ready. Load balancer: {stack.url}
  curl -s {stack.webhook} -d '{{"sender":"a","message":"Hallo"}}'
  Rasa servers: {' '.join(stack.rasa_urls)}   action server: {stack.action_url}
  HTTP API token (RASA_TOKEN): {stack.token}
  Data and logs (deleted on exit): {stack.folder}
Stop with Ctrl+C.""", flush=True)
        while True:
            time.sleep(3600)


if __name__ == "__main__":
    main()
