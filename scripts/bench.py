"""Benchmark: this bot against a stock `rasa init` bot, same machine, same run -> docs/benchmarks.md.

    python -m scripts.bench          # `make bench`: 10-15 minutes on 2 cores, half of it training
    python -m scripts.bench --quick  # short runs while working on it (numbers are rough)

For each setup it measures training time (cold: empty Rasa cache), start-up time (process
start until the first reply), memory (RSS) and, for 1, 10 and 50 concurrent conversations
(closed loop: each simulated user sends its next message as soon as the reply is there),
p50/p95/p99 latency, messages per second and errors. Every conversation has its own
sender id. The load generator (aiohttp) runs on the same machine.

Setups: ``stock`` is ``rasa init --no-prompt`` (default config, in-memory tracker store,
one ``rasa run``) over the REST channel with messages that make sense for it; ``scale``
is this bot as deployed: ``scripts/scale.py`` (two Rasa servers behind nginx, PostgreSQL
tracker store, Redis lock store, one action server); ``single`` (optional) is one
``rasa run`` plus action server with ``endpoints.yml`` as ``make run`` starts it.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import aiohttp
import requests

from scripts import scale

ROOT = Path(__file__).resolve().parent.parent

RASA = str(ROOT / ".venv" / "bin" / "rasa")
OUT = ROOT / "docs" / "benchmarks.md"
# Rasa servers of this bot: one TensorFlow thread each, so that two processes on two cores
# do not fight over the cores (measured: see docs/benchmarks.md).
TUNING = {"TF_INTRA_OP_PARALLELISM_THREADS": "1", "TF_INTER_OP_PARALLELISM_THREADS": "1"}

#: A conversation: (message, text the reply should contain) per turn.
Turns = List[Tuple[str, str]]

PLACES = ["Kassel", "Frankfurt", "Gießen", "Marburg", "Fulda", "Darmstadt", "Wiesbaden", "Offenbach"]
QUESTIONS = ["Wo finde ich einen Deutschkurs in {}?", "Wo gibt es Migrationsberatung in {}?",
             "Ich suche ein psychosoziales Zentrum in {}", "Deutschkurs {}"]


def our_conversation(rng: random.Random) -> Turns:
    """Greeting, question with place, follow-up for the phone number, menu."""
    place = rng.choice(PLACES)
    return [(rng.choice(["Hallo", "Guten Tag", "Hallo!"]), "kein Mensch"),
            (rng.choice(QUESTIONS).format(place), f"Angebote für {place}"),
            (rng.choice(["und die Telefonnummer?", "Telefonnummer bitte"]), ""),
            (rng.choice(["Menü", "Was kannst du?"]), "")]


def stock_conversation(rng: random.Random) -> Turns:
    """The moodbot of `rasa init`: greet, mood, answer to "Did that help you?", goodbye."""
    if rng.random() < 0.5:
        return [(rng.choice(["hello", "hi", "hey there"]), "Hey"), ("I am sad", "Did that help you?"),
                (rng.choice(["yes", "yes it did"]), "Great"), (rng.choice(["bye", "goodbye"]), "Bye")]
    return [(rng.choice(["hello", "good morning"]), "Hey"), ("I am great", "Great"),
            ("are you a bot?", "I am a bot"), ("goodbye", "Bye")]


# --- measuring -----------------------------------------------------------------------

@dataclass
class LevelResult:
    """Outcome of one concurrency level."""

    users: int
    latencies_ms: List[float] = field(default_factory=list)
    errors: int = 0
    unexpected: int = 0
    seconds: float = 0.0
    examples: List[str] = field(default_factory=list)  #: a few unexpected replies, for the log
    cpu_s: float = 0.0          #: CPU time (user + system) of the setup's server processes

    @property
    def cpu_ms_per_message(self) -> float:
        """CPU per message: unlike latency, hardly changed by other work on the machine."""
        return self.cpu_s * 1000 / len(self.latencies_ms) if self.latencies_ms else float("nan")

    def pct(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        data = sorted(self.latencies_ms)
        return data[min(len(data) - 1, int(round(q / 100 * (len(data) - 1))))]

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0


async def drive(url: str, make: Callable[[random.Random], Turns], users: int, duration: float,
                warmup: float, seed: int) -> LevelResult:
    """``users`` simulated users, each talking conversation after conversation for ``duration`` s."""
    result = LevelResult(users)
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=users)
    start = time.perf_counter()
    measure_from, stop_at = start + warmup, start + warmup + duration

    async def user(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        while time.perf_counter() < stop_at:
            sender = f"bench-{uuid.uuid4().hex}"
            for message, expected in make(rng):
                if time.perf_counter() >= stop_at:
                    return
                sent = time.perf_counter()
                ok, text = False, ""
                try:
                    async with session.post(url, json={"sender": sender, "message": message}) as response:
                        if response.status == 200:
                            replies = await response.json()
                            text = "\n".join(r.get("text") or "" for r in replies)
                            ok = bool(replies)
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    ok = False
                done = time.perf_counter()
                if sent < measure_from or done > stop_at:
                    continue  # warm-up, or finished after the window: not counted
                if not ok:
                    result.errors += 1
                    break  # start a new conversation
                result.latencies_ms.append((done - sent) * 1000)
                if expected and expected not in text:
                    result.unexpected += 1
                    if len(result.examples) < 3:
                        result.examples.append(f"{message!r} -> {text[:120]!r}")

    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        await asyncio.gather(*(user(i) for i in range(users)))
    result.seconds = duration
    return result


def with_descendants(pids: Sequence[int]) -> set:
    """``pids`` and all their descendants (from /proc)."""
    children: Dict[int, List[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    todo, seen = list(pids), set()
    while todo:
        pid = todo.pop()
        if pid not in seen:
            seen.add(pid)
            todo.extend(children.get(pid, []))
    return seen


def pids_named(*names: str) -> List[int]:
    """Processes whose command name is one of ``names`` (PostgreSQL and Redis of the scale setup)."""
    found = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        with contextlib.suppress(OSError):
            if comm.read_text().strip() in names:
                found.append(int(comm.parent.name))
    return found


def cpu_s(pids: Sequence[int]) -> float:
    """CPU seconds (user + system) used so far by ``pids`` and their descendants."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in with_descendants(pids):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def rss_kb(pids: Sequence[int]) -> Tuple[int, int]:
    """(current RSS, peak RSS) in kB, summed over ``pids`` and all their descendants."""
    seen = with_descendants(pids)
    now = peak = 0
    for pid in seen:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    now += int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    peak += int(line.split()[1])
    return now, peak


@dataclass
class SetupResult:
    """Everything measured for one setup."""

    name: str
    description: str
    train_s: Optional[float] = None
    startup_s: float = 0.0
    rss_idle_kb: int = 0
    rss_peak_kb: int = 0
    load: str = ""              #: load average when the measurement started
    levels: List[LevelResult] = field(default_factory=list)


def first_reply(url: str, message: str, timeout: float, procs: Sequence[subprocess.Popen] = ()) -> None:
    """Wait until the REST channel at ``url`` answers ``message``."""
    def check() -> bool:
        for proc in procs:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}")
        response = requests.post(url, json={"sender": f"warmup-{uuid.uuid4().hex}", "message": message}, timeout=30)
        return response.status_code == 200 and bool(response.json())
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if check():
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f}s")


def measure(result: SetupResult, url: str, pids: Callable[[], List[int]],
            make: Callable[[random.Random], Turns], levels: Sequence[int], duration: float,
            cpu_pids: Optional[Callable[[], List[int]]] = None) -> None:
    """Run every concurrency level against ``url``; fill ``result``.

    ``pids``: processes whose memory counts; ``cpu_pids`` (default ``pids``): whose CPU counts.
    """
    cpu_pids = cpu_pids or pids
    result.rss_idle_kb = rss_kb(pids())[0]
    result.load = loadavg()
    for users in levels:
        # CPU over the warm-up too (it cannot be split off exactly); the warm-up is short.
        warm = min(3.0, duration / 3)
        cpu_before = cpu_s(cpu_pids())
        level = asyncio.run(drive(url, make, users, duration, warmup=warm, seed=users))
        level.cpu_s = (cpu_s(cpu_pids()) - cpu_before) * duration / (duration + warm)
        result.levels.append(level)
        print(f"  {result.name:6s} {users:3d} users: p50 {level.pct(50):7.1f} ms  p95 {level.pct(95):7.1f} ms  "
              f"p99 {level.pct(99):7.1f} ms  {level.rate:6.1f} msg/s  CPU {level.cpu_ms_per_message:5.1f} ms/msg  "
              f"errors {level.errors}  "
              f"unexpected {level.unexpected}", flush=True)
        for example in level.examples:
            print(f"    unexpected: {example}", flush=True)
    result.rss_peak_kb = rss_kb(pids())[1]


# --- the setups ----------------------------------------------------------------------

def rasa_env(cache: Path) -> Dict[str, str]:
    """Environment for training and the stock bot: quiet, no telemetry, the given cache folder."""
    return dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", SQLALCHEMY_SILENCE_UBER_WARNING="1",
                RASA_TELEMETRY_ENABLED="false", RASA_CACHE_DIRECTORY=str(cache), PYTHONPATH=str(ROOT))


def run_logged(cmd: List[str], cwd: Path, env: Dict[str, str], log: Path) -> None:
    """Run ``cmd`` with its output in ``log``; on failure show the end of the log."""
    with open(log, "w") as out:
        code = subprocess.run(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT).returncode
    if code:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise RuntimeError(f"{' '.join(cmd[:3])} failed with exit code {code}:\n{tail}")


def train_ours(work: Path) -> Tuple[Path, float]:
    """Train this bot (config.yml, data/, domain.yml) into ``work`` with an empty cache."""
    start = time.perf_counter()
    run_logged([RASA, "train", "--fixed-model-name", "bench", "--out", str(work / "models")], ROOT,
               rasa_env(work / "cache"), work / "train.log")
    return work / "models" / "bench.tar.gz", time.perf_counter() - start


def init_stock(work: Path) -> Tuple[Path, float]:
    """``rasa init --no-prompt`` (creates and trains the moodbot) in ``work``/stock."""
    project = work / "stock"
    project.mkdir()
    start = time.perf_counter()
    run_logged([RASA, "init", "--no-prompt", "--init-dir", str(project)], work, rasa_env(work / "stock-cache"),
               work / "stock-init.log")
    return project, time.perf_counter() - start


def run_stock(project: Path, train_s: float, levels: Sequence[int], duration: float) -> SetupResult:
    result = SetupResult("stock", "`rasa init --no-prompt` moodbot, default config, one `rasa run`, "
                                  "in-memory tracker store", train_s)
    port = scale.free_port()
    start = time.perf_counter()
    proc = subprocess.Popen([RASA, "run", "--port", str(port), "--interface", "127.0.0.1"], cwd=project,
                            env=rasa_env(project / ".cache"), stdout=open(project / "rasa.log", "w"),
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
        first_reply(url, "hello", 600, [proc])
        result.startup_s = time.perf_counter() - start
        measure(result, url, lambda: [proc.pid], stock_conversation, levels, duration)
    finally:
        scale.stop(proc)
    return result


def run_scale(model: Path, train_s: Optional[float], levels: Sequence[int], duration: float,
              servers: int) -> SetupResult:
    result = SetupResult("scale", f"this bot as deployed: {servers} Rasa servers behind nginx, PostgreSQL tracker "
                                  "store, Redis lock store, 1 action server (`make scale`)", train_s)
    start = time.perf_counter()
    with scale.running(model, servers=servers, extra_env=TUNING) as stack:
        first_reply(stack.webhook, "Hallo", 120)
        result.startup_s = time.perf_counter() - start
        servers = [pid for name, pid in stack.pids.items() if name.startswith("rasa") or name == "actions"]
        measure(result, stack.webhook, lambda: servers, our_conversation, levels, duration,
                cpu_pids=lambda: [*stack.pids.values(), *pids_named("postgres", "redis-server")])
    return result


#: Setups of this bot as `make run` starts it, each with other Rasa patches (RASA_PATCHES).
SINGLE_SETUPS: Dict[str, Tuple[str, str]] = {
    "single": ("all", "all performance patches (rasa_internals)"),
    "single-nograph": ("validate_once,keep_connections,event_types", "without the patch graph_in_order"),
    "single-nopatch": ("none", "without any performance patch"),
}


def run_single(model: Path, train_s: Optional[float], levels: Sequence[int], duration: float,
               name: str = "single") -> SetupResult:
    patches, note = SINGLE_SETUPS[name]
    result = SetupResult(name, "this bot as `make run` starts it: one `rasa run` + action server, "
                               f"endpoints.yml; {note} (`RASA_PATCHES={patches}`)", train_s)
    folder = Path(tempfile.mkdtemp(prefix="bench-single-"))
    actions_port, rasa_port = scale.free_port(), scale.free_port()
    env = scale.rasa_env({"ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_port}/webhook",
                          "DB_DIALECT": "sqlite", "DB_NAME": str(folder / "conversations.db"),
                          "RASA_PATCHES": patches})
    start = time.perf_counter()
    actions = scale.start_actions(actions_port, env, folder / "actions.log")
    rasa = scale.start_rasa(model, rasa_port, env, folder / "rasa.log", ROOT / "credentials.yml",
                            endpoints=ROOT / "endpoints.yml")
    try:
        url = f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook"
        first_reply(url, "Hallo", 600, [actions, rasa])
        result.startup_s = time.perf_counter() - start
        measure(result, url, lambda: [rasa.pid, actions.pid], our_conversation, levels, duration)
    finally:
        scale.stop(rasa), scale.stop(actions)
        shutil.rmtree(folder, ignore_errors=True)
    return result


# --- report --------------------------------------------------------------------------

def machine() -> Dict[str, str]:
    """CPU, cores, RAM, OS and versions."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))

    def version(module: str) -> str:
        from importlib.metadata import version as v
        with contextlib.suppress(Exception):
            return v(module)
        return "?"
    tools = []
    for cmd in (["nginx", "-v"], ["redis-server", "--version"], ["psql", "--version"]):
        with contextlib.suppress(Exception):
            out = subprocess.run([scale.require(cmd[0]) if cmd[0] != "psql" else "psql", *cmd[1:]],
                                 capture_output=True, text=True)
            tools.append((out.stdout or out.stderr).strip().splitlines()[0])
    return {"CPU": cpu, "Cores": str(os.cpu_count()), "RAM": f"{mem_kb / 1024 / 1024:.1f} GiB",
            "OS": platform.platform(), "Python": platform.python_version(),
            "Rasa": version("rasa"), "rasa-sdk": version("rasa-sdk"), "TensorFlow": version("tensorflow"),
            "jsonschema": version("jsonschema"), "Services": "; ".join(tools)}


def loadavg() -> str:
    return " / ".join(Path("/proc/loadavg").read_text().split()[:3])


def fmt(value: Optional[float], unit: str = "", digits: int = 0) -> str:
    if value is None or value != value:  # None or NaN
        return "–"
    return f"{value:.{digits}f}{unit}"


def report(results: List[SetupResult], info: Dict[str, str], load_start: str, load_end: str,
           duration: float, started: dt.datetime, total_s: float, policies: str) -> str:
    names = [r.name for r in results]
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `make bench` (`scripts/bench.py`) on {started:%Y-%m-%d %H:%M} UTC; the whole run took "
        f"{total_s / 60:.1f} minutes. Do not edit by hand: re-run `make bench`.",
        "",
        "## Machine",
        "",
        "| | |", "|---|---|",
        *[f"| {k} | {v} |" for k, v in info.items()],
        f"| Load average (1/5/15 min) at start | {load_start} |",
        f"| Load average at end | {load_end} |",
        "",
        "A load average well above 0 at the start means other work shared the cores: the figures "
        "are then too pessimistic (all setups suffer alike, as they run one after the other).",
        "",
        "## Setups",
        "",
        *[f"- **{r.name}**: {r.description}" for r in results],
        "",
        f"Policies of this bot (`config.yml`): {policies}.",
        "",
        f"Load: closed loop, each simulated user sends the next message as soon as the reply "
        f"is there (no think time), {duration:.0f} s per level after a short warm-up, a new "
        "sender id for every conversation. This bot: greeting, question with a place, "
        "\"und die Telefonnummer?\", menu. Stock bot: greeting, mood, answer, goodbye. "
        "Latency is measured at the client (through nginx for `scale`). "
        "*Unexpected* counts replies without the expected text (e.g. \"Angebote für Kassel\"). "
        "*CPU time per message* adds up the CPU used by all server processes of a setup (Rasa, action "
        "server; for `scale` also nginx, PostgreSQL and Redis) per answered message; other work on "
        "the machine hardly changes it, unlike latency. 2 cores give 2000 ms of CPU per second, so "
        "2000 / (CPU time per message) is the most messages per second a setup could handle here. "
        "PostgreSQL runs with `fsync=off` (a throwaway server, `scripts/pg_server.py`).",
        "",
        "## Side by side",
        "",
        "| | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
        "| Training time (cold cache) | " + " | ".join(fmt(r.train_s, " s") for r in results) + " |",
        "| Start-up until first reply | " + " | ".join(fmt(r.startup_s, " s", 1) for r in results) + " |",
        "| Memory RSS after start-up (Rasa + action server) | "
        + " | ".join(fmt(r.rss_idle_kb / 1024, " MiB") for r in results) + " |",
        "| Peak memory RSS | " + " | ".join(fmt(r.rss_peak_kb / 1024, " MiB") for r in results) + " |",
        "| Load average when its measurement began | " + " | ".join(r.load for r in results) + " |",
    ]
    for i, users in enumerate(r.users for r in results[0].levels):
        row = [r.levels[i] for r in results]
        lines += [
            f"| **{users} concurrent** p50 / p95 / p99 | "
            + " | ".join(f"{fmt(x.pct(50))} / {fmt(x.pct(95))} / {fmt(x.pct(99))} ms" for x in row) + " |",
            f"| {users} concurrent: messages/s | " + " | ".join(fmt(x.rate, "", 1) for x in row) + " |",
            f"| {users} concurrent: CPU time per message | "
            + " | ".join(fmt(x.cpu_ms_per_message, " ms", 1) for x in row) + " |",
            f"| {users} concurrent: errors / unexpected (of messages) | "
            + " | ".join(f"{x.errors} / {x.unexpected} ({len(x.latencies_ms)})" for x in row) + " |",
        ]
    stock = next((r for r in results if r.name == "stock"), None)
    ours = next((r for r in results if r.name == "scale"), None)
    if stock and ours:
        lines += ["", "## Targets", ""]
        for i, level in enumerate(ours.levels):
            ratio = level.rate / stock.levels[i].rate if stock.levels[i].rate else float("nan")
            lines.append(f"- {level.users} concurrent: throughput {fmt(level.rate, '', 1)} vs. "
                         f"{fmt(stock.levels[i].rate, '', 1)} msg/s = **{fmt(ratio, 'x', 1)}** the stock bot; "
                         f"p95 {fmt(level.pct(95))} ms vs. {fmt(stock.levels[i].pct(95))} ms.")
        ten = next((x for x in ours.levels if x.users == 10), None)
        if ten:
            lines.append(f"- Target p95 < 150 ms at 10 concurrent: "
                         f"**{'met' if ten.pct(95) < 150 else 'not met'}** ({fmt(ten.pct(95))} ms).")
    lines += patch_effect(results)
    return "\n".join(lines) + "\n"


def patch_effect(results: List[SetupResult]) -> List[str]:
    """Section "Rasa-Patches": CPU per message with and without a patch (rasa_internals keeps a
    patch only if it saves at least 5 %)."""
    single = next((r for r in results if r.name == "single"), None)
    others = [r for r in results if r.name in SINGLE_SETUPS and r is not single]
    if not single or not others:
        return []
    lines = ["", "## Rasa-Patches", "",
             "CPU time per message of `single` (all patches) against the same setup with fewer patches "
             "(`RASA_PATCHES`, rasa_internals/). Saving = 1 - all / fewer.", "",
             "| Level | " + " | ".join(f"{r.name}: CPU per message" for r in [single, *others])
             + " | " + " | ".join(f"saving vs. {r.name}" for r in others) + " |",
             "|---|" + "---|" * (1 + 2 * len(others))]
    for i, level in enumerate(single.levels):
        cpu = [level.cpu_ms_per_message] + [r.levels[i].cpu_ms_per_message for r in others]
        savings = [1 - cpu[0] / c if c else float("nan") for c in cpu[1:]]
        lines.append(f"| {level.users} concurrent | " + " | ".join(fmt(c, " ms", 1) for c in cpu) + " | "
                     + " | ".join(f"{s * 100:.1f} %" for s in savings) + " |")
    return lines


def policies_summary() -> str:
    import yaml
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    return ", ".join(p["name"] for p in config.get("policies") or [])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 s per level (rough figures, for development)")
    parser.add_argument("--duration", type=float, help="seconds per concurrency level (default 20)")
    parser.add_argument("--levels", default="1,10,50")
    parser.add_argument("--setups", default="stock,scale,single,single-nograph",
                        help="comma-separated: stock, scale, " + ", ".join(SINGLE_SETUPS))
    parser.add_argument("--model", type=Path, help="use this model of our bot instead of training one")
    parser.add_argument("--servers", type=int, default=2, help="Rasa servers in the scale setup")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    duration = args.duration or (5.0 if args.quick else 20.0)
    levels = [int(x) for x in args.levels.split(",")]
    setups = args.setups.split(",")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the servers on kill, too

    started, t0, load_start = dt.datetime.now(dt.timezone.utc), time.perf_counter(), loadavg()
    print(f"bench: load average {load_start}; levels {levels}, {duration:.0f} s each; setups {setups}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="rasa-bench-"))
    results: List[SetupResult] = []
    try:
        model, train_s = args.model, None
        if not model and any(s in setups for s in ("scale", "single")):
            print("bench: training this bot (empty cache) ...", flush=True)
            model, train_s = train_ours(work)
            print(f"bench: trained in {train_s:.0f} s", flush=True)
        for name in setups:
            if name == "stock":
                print("bench: rasa init --no-prompt (creates and trains the stock bot) ...", flush=True)
                project, stock_s = init_stock(work)
                print(f"bench: stock bot trained in {stock_s:.0f} s", flush=True)
                results.append(run_stock(project, stock_s, levels, duration))
            elif name == "scale":
                results.append(run_scale(model, train_s, levels, duration, args.servers))
            elif name in SINGLE_SETUPS:
                results.append(run_single(model, train_s, levels, duration, name))
            else:
                parser.error(f"unknown setup {name}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = report(results, machine(), load_start, loadavg(), duration, started, time.perf_counter() - t0,
                  policies_summary())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    print(f"bench: written to {args.out}")


if __name__ == "__main__":
    main()
