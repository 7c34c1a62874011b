"""Faults under load: kill a Rasa server, restart PostgreSQL or Redis, stop the action server.

    python -m scripts.faults [kill-rasa postgres redis actions] [--conversations 10] [--messages 150] [--write]
    make faults     # all four, with the load of issue 16, -> docs/ausfaelle.md

Starts the scale-out setup (scripts/scale.py), lets simulated users talk through nginx (each
conversation sends its next message when the previous one is answered; some send two at once),
injects one fault after ``--after`` seconds, and reports what the users saw: failed requests,
requests in flight at the fault, the longest wait after the fault, and whether the tracker
store holds every acknowledged message exactly once, in order, with its replies.
The fault tests (tests/scale/test_faults.py) use :func:`run_load` and :func:`check_store`
with a smaller load.
"""
from __future__ import annotations

import argparse
import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import psycopg2
import requests

from scripts import scale

ROOT = Path(__file__).resolve().parent.parent

#: What the simulated users say, in turn (each message differs from the one before it).
MESSAGES = ["Hallo", "Ich suche einen Deutschkurs in Kassel", "und die Telefonnummer?", "Menü",
            "Wo gibt es Migrationsberatung in Gießen?", "Danke", "Ausländerbehörde Marburg", "Adresse?"]
#: Seconds a client waits for an answer (nginx gives up after 60).
CLIENT_TIMEOUT = 90


@dataclass
class Request:
    """One message as the user experienced it."""

    conversation: str
    index: int
    text: str
    start: float
    end: float = 0.0
    status: str = ""            #: HTTP status, or the client error's name
    replies: List[str] = field(default_factory=list)

    @property
    def acknowledged(self) -> bool:
        """HTTP 200 with at least one reply: the user saw an answer."""
        return self.status == "200" and bool(self.replies)


@dataclass
class Fault:
    """When the fault began and ended (monotonic seconds); ``end == start`` for a crash."""

    name: str
    start: float = 0.0
    end: float = 0.0
    crash: bool = False         #: a process died (start..end: from the signal until it was gone)


@dataclass
class Result:
    requests: List[Request]
    fault: Fault
    duration: float

    def failed(self) -> List[Request]:
        return [r for r in self.requests if not r.acknowledged]

    def in_flight(self) -> List[Request]:
        """Failed requests that were already under way when the fault happened: sent before it began
        (for a crash: before the process was gone) and not answered before it began."""
        sent_by = self.fault.end if self.fault.crash else self.fault.start
        return [r for r in self.failed() if r.start <= sent_by and r.end >= self.fault.start]

    def wait_after_fault(self, request: Request) -> float:
        """How long ``request`` was still waiting after the fault had ended."""
        return max(0.0, request.end - max(request.start, self.fault.end))

    def figures(self) -> Dict[str, Any]:
        failed, flight = self.failed(), self.in_flight()
        longest = max(self.requests, key=self.wait_after_fault)
        statuses: Dict[str, int] = {}
        for r in failed:
            statuses[r.status or "?"] = statuses.get(r.status or "?", 0) + 1
        latencies = sorted(r.end - r.start for r in self.requests)
        slowest = sorted(self.requests, key=lambda r: r.start - r.end)[:3]
        return {"fault": self.fault.name, "requests": len(self.requests), "failed": len(failed),
                "latency_p50_s": round(latencies[len(latencies) // 2], 2),
                "latency_p95_s": round(latencies[int(len(latencies) * 0.95)], 2),
                "slowest": [f"{r.end - r.start:.2f} s, begonnen {r.start - self.fault.start:+.1f} s "
                            f"nach Beginn der Störung, HTTP {r.status}" for r in slowest],
                "failed_statuses": statuses, "in_flight_at_fault": len(flight),
                "failed_beyond_in_flight": len(failed) - len(flight),
                "failed_beyond_in_flight_pct": round(100 * (len(failed) - len(flight)) / len(self.requests), 2),
                "longest_wait_after_fault_s": round(self.wait_after_fault(longest), 2),
                "longest_request_s": round(max(r.end - r.start for r in self.requests), 2),
                "fault_lasted_s": round(self.fault.end - self.fault.start, 2),
                "duration_s": round(self.duration, 1),
                "messages_per_s": round(len(self.requests) / self.duration, 1)}


def send(stack: scale.Stack, conversation: str, index: int, text: str) -> Request:
    request = Request(conversation, index, text, time.monotonic())
    try:
        response = requests.post(stack.webhook, json={"sender": conversation, "message": text},
                                 headers={"X-Request-Id": f"{conversation}:{index}"}, timeout=CLIENT_TIMEOUT)
        request.status = str(response.status_code)
        if response.ok:
            request.replies = [m.get("text") or "" for m in response.json() if isinstance(m, dict)]
    except requests.RequestException as error:
        request.status = type(error).__name__
    request.end = time.monotonic()
    return request


def talk(stack: scale.Stack, conversation: str, messages: int, pairs: bool, stop: threading.Event,
         out: List[Request]) -> None:
    """One user: ``messages`` messages, each after the previous answer; with ``pairs`` two at once."""
    index = 0
    with ThreadPoolExecutor(2) as pool:
        while index < messages and not stop.is_set():
            batch = [(index + i, MESSAGES[(index + i) % len(MESSAGES)]) for i in range(2 if pairs else 1)]
            out.extend(pool.map(lambda item: send(stack, conversation, *item), batch))
            index += len(batch)


def run_load(stack: scale.Stack, inject: Callable[[Fault], None], name: str, conversations: int = 10,
             messages: int = 150, after: float = 4.0, paired: int = 0,
             tail: Optional[float] = None) -> Tuple[Result, List[str]]:
    """Let ``conversations`` users talk (the first ``paired`` send two messages at once) and call
    ``inject(fault)`` after ``after`` seconds; it sets ``fault.start``/``end``. Each user stops after
    ``messages`` messages, or with ``tail``, ``tail`` seconds after the fault has ended (whichever is
    first). Returns the result and the conversation ids."""
    ids = [f"fault-{name}-{i}-{uuid.uuid4().hex[:6]}" for i in range(conversations)]
    out: List[Request] = []
    fault, stop = Fault(name), threading.Event()
    timer = threading.Timer(after, inject, args=(fault,))
    started = time.monotonic()
    timer.start()
    with ThreadPoolExecutor(conversations) as pool:
        users = [pool.submit(talk, stack, conversation, messages, i < paired, stop, out)
                 for i, conversation in enumerate(ids)]
        if tail is not None:
            timer.join()
            time.sleep(tail)
            stop.set()
        for user in users:
            user.result()
    timer.join()
    return Result(sorted(out, key=lambda r: r.start), fault, time.monotonic() - started), ids


def stored_events(env: Dict[str, str], sender: str) -> List[Dict[str, Any]]:
    """The conversation's events as stored, in insertion order, straight from PostgreSQL."""
    with psycopg2.connect(host=env["DB_HOST"], port=env["DB_PORT"], dbname=env["DB_NAME"], user=env["DB_USER"],
                          password=env["DB_PASSWORD"]) as conn, conn.cursor() as cur:
        cur.execute("SELECT data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
        return [json.loads(data) for (data,) in cur.fetchall()]


def check_store(stack: scale.Stack, result: Result, conversation: str) -> List[str]:
    """Problems with one conversation in the tracker store (empty list: none).

    * every acknowledged message is stored exactly once, with the replies the user got;
    * a failed message is stored completely (with replies) or not at all;
    * user messages are stored in the order they were sent (for two sent at once: either order);
    * event timestamps never go backwards: no two servers handled the conversation at once.
    """
    problems: List[str] = []
    events = stored_events(stack.env, conversation)
    stamps = [e.get("timestamp") or 0 for e in events]
    if any(b < a for a, b in zip(stamps, stamps[1:])):
        problems.append("events stored out of time order: two servers handled the conversation at once")
    turns: List[Tuple[str, List[str]]] = []
    for event in events:
        if event["event"] == "user":
            turns.append((event.get("text") or "", []))
        elif event["event"] == "bot" and turns:
            turns[-1][1].append(event.get("text") or "")
    sent = sorted((r for r in result.requests if r.conversation == conversation), key=lambda r: r.index)
    remaining = list(turns)
    for request in sent:
        match = next((i for i, (text, _) in enumerate(remaining[:2]) if text == request.text), None)
        if match is None:
            if request.acknowledged:
                problems.append(f"acknowledged message {request.index} {request.text!r} not stored in order")
            continue
        text, bots = remaining.pop(match)
        if not bots:
            problems.append(f"message {request.index} {text!r} stored without replies (half-stored)")
        if request.acknowledged and bots != request.replies:
            problems.append(f"message {request.index}: stored replies differ from the answer sent")
    if remaining:
        problems.append(f"{len(remaining)} stored messages that were not sent or stored twice: "
                        f"{[t for t, _ in remaining][:3]}")
    return problems


# --- the faults -----------------------------------------------------------------------------------

def kill_rasa(stack: scale.Stack) -> Callable[[Fault], None]:
    def inject(fault: Fault) -> None:
        fault.start, fault.crash = time.monotonic(), True
        stack.kill("rasa-1")
        fault.end = time.monotonic()
    return inject


def outage(stop: Callable[[], None], start: Callable[[], None], seconds: float) -> Callable[[Fault], None]:
    """Stop a service, wait ``seconds``, start it again."""
    def inject(fault: Fault) -> None:
        fault.start = time.monotonic()
        stop()
        time.sleep(seconds)
        start()
        fault.end = time.monotonic()
    return inject


def injector(stack: scale.Stack, name: str, seconds: float = 5.0) -> Callable[[Fault], None]:
    if name == "kill-rasa":
        return kill_rasa(stack)
    if name == "postgres":
        assert stack.postgres is not None
        return outage(stack.postgres.stop, stack.postgres.start, seconds)
    if name == "redis":
        assert stack.redis is not None
        return outage(stack.redis.stop, stack.redis.start, seconds)
    if name == "actions":
        return outage(lambda: stack.kill("actions"), lambda: stack.start_again("actions"), seconds)
    raise ValueError(name)


#: In this order, on one setup: the crash comes last (the killed server is started again after it).
FAULTS = ("actions", "postgres", "redis", "kill-rasa")
REPORT = ROOT / "docs" / "ausfaelle.md"


def measure(stack: scale.Stack, fault: str, args: argparse.Namespace) -> Dict[str, Any]:
    """One fault under the load of ``args``; the figures, with the tracker-store check and nginx's view."""
    error_log = stack.folder / "nginx" / "error.log"
    errors_before = error_log.read_text().count("no live upstreams")
    result, ids = run_load(stack, injector(stack, fault, args.outage), fault, args.conversations, args.messages,
                           args.after, args.paired)
    figures = result.figures()
    problems = {c: p for c in ids if (p := check_store(stack, result, c))}
    figures["conversations_with_store_problems"] = len(problems)
    figures["store_problems"] = [p for ps in problems.values() for p in ps][:5]
    figures["nginx_no_live_upstreams"] = error_log.read_text().count("no live upstreams") - errors_before
    if fault == "kill-rasa":
        stack.start_again("rasa-1")
    return figures


def write_report(rows: List[Dict[str, Any]], args: argparse.Namespace, took_s: float) -> None:
    """docs/ausfaelle.md from the measured figures."""
    names = {"actions": f"Action-Server {args.outage:.0f} s weg", "postgres": f"PostgreSQL {args.outage:.0f} s gestoppt",
             "redis": f"Redis {args.outage:.0f} s gestoppt (danach leer)", "kill-rasa": "Rasa-Server `kill -9`"}
    lines = [
        "# Ausfälle unter Last: Messwerte",
        "",
        f"Erzeugt mit `make faults` (`scripts/faults.py`) am {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"der Lauf dauerte {took_s / 60:.1f} Minuten. Nicht von Hand ändern.",
        "",
        f"Last: {args.conversations} Gespräche × {args.messages} Nachrichten über nginx auf 2 Rasa-Server "
        f"(PostgreSQL, Redis), jede Nachricht nach der Antwort auf die vorige, {args.paired} Gespräche schicken "
        f"je zwei Nachrichten zugleich; die Störung beginnt nach {args.after:.0f} s. Alle vier Störungen "
        "nacheinander auf demselben Aufbau. Was die Größen bedeuten und was zu tun ist: "
        "[betrieb.md](betrieb.md#störungen-was-nutzer-merken-was-im-log-steht-was-zu-tun-ist).",
        "",
        "| Störung | Anfragen | gescheitert | davon im Moment der Störung unterwegs | darüber hinaus | "
        "längste Wartezeit nach der Störung | p50 / p95 Antwortzeit | Gespräche mit Fehlern im Speicher | "
        "nginx ohne Server |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {names[row['fault']]} | {row['requests']} | {row['failed']} "
            f"{json.dumps(row['failed_statuses']) if row['failed'] else ''} | {row['in_flight_at_fault']} | "
            f"{row['failed_beyond_in_flight']} ({row['failed_beyond_in_flight_pct']} %) | "
            f"{row['longest_wait_after_fault_s']} s | {row['latency_p50_s']} / {row['latency_p95_s']} s | "
            f"{row['conversations_with_store_problems']} | {row['nginx_no_live_upstreams']} |")
    lines += ["", "Die drei langsamsten Anfragen je Störung (Dauer, Beginn relativ zum Beginn der Störung, HTTP-Status). "
              "Die ersten Nachrichten nach dem Start warten bis zu 2 s, bis ein frisches Redis Locks vergibt "
              "(stores/lock_store.py).", ""]
    lines += [f"- {names[row['fault']]}: {'; '.join(row['slowest'])}" for row in rows]
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("faults", nargs="*", help=f"faults to inject, in this order (default: {' '.join(FAULTS)})")
    parser.add_argument("--conversations", type=int, default=10)
    parser.add_argument("--messages", type=int, default=150)
    parser.add_argument("--after", type=float, default=4.0)
    parser.add_argument("--paired", type=int, default=2, help="conversations that send two messages at once")
    parser.add_argument("--outage", type=float, default=5.0, help="seconds a stopped service stays down")
    parser.add_argument("--write", action="store_true", help=f"write {REPORT.relative_to(ROOT)}")
    args = parser.parse_args()
    args.faults = args.faults or list(FAULTS)
    unknown = [f for f in args.faults if f not in FAULTS]
    if unknown:
        parser.error(f"unknown fault {', '.join(unknown)}; known: {', '.join(FAULTS)}")
    started = time.monotonic()
    rows = []
    with scale.running(servers=2) as stack:
        for fault in args.faults:
            rows.append(measure(stack, fault, args))
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    if args.write:
        write_report(rows, args, time.monotonic() - started)


if __name__ == "__main__":
    main()
