"""Scale-out: two Rasa servers behind nginx share conversations (PostgreSQL + Redis lock store).

Starts the whole local setup of `make scale` (scripts/scale.py), sends interleaved
conversations through the load balancer and reads every conversation back (Rasa's HTTP API
with the token, from each server, and the tracker store's table in PostgreSQL): no message,
reply or slot may be lost, duplicated or reordered.
"""
from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import requests

from scripts import faults, scale

ROOT = Path(__file__).resolve().parents[2]
#: Seconds to wait for nginx to write the access-log lines of requests already answered.
LOG_WAIT = 5.0

#: (message, substring the reply must contain or None) per step; final slots (place, topic).
Script = Tuple[List[Tuple[str, Optional[str]]], Dict[str, str]]
SCRIPTS: List[Script] = [
    ([("Hallo", "kein Mensch"), ("Ich wohne in Gießen", "Gießen"),
      ("Wo gibt es Migrationsberatung?", "Angebote für Gießen"), ("und die Telefonnummer?", None),
      ("Menü", None)],
     {"place": "Gießen", "topic": "migrationsberatung"}),
    ([("Ich suche einen Deutschkurs", "In welcher Stadt"), ("Marburg", "Angebote für Marburg"),
      ("und die Telefonnummer?", None), ("Danke", None)],
     {"place": "Marburg", "topic": "deutschkurs"}),
    ([("Wo finde ich ein psychosoziales Zentrum in Kassel?", "Angebote für Kassel"), ("Adresse?", None),
      ("Ich suche einen Deutschkurs", "Angebote für Kassel"), ("Tschüss", None)],
     {"place": "Kassel", "topic": "deutschkurs"}),
]


class Conversation:
    """One user talking through the load balancer; remembers what was sent and answered."""

    def __init__(self, stack: scale.Stack, script: Script, name: str) -> None:
        self.stack, self.steps, self.slots = stack, script[0], script[1]
        self.sender = f"scale-{name}-{uuid.uuid4().hex[:8]}"
        self.sent: List[str] = []
        self.replies: List[List[str]] = []

    def say(self, index: int) -> None:
        message, expected = self.steps[index]
        response = requests.post(self.stack.webhook, json={"sender": self.sender, "message": message},
                                 headers={"X-Request-Id": f"{self.sender}:{index}"}, timeout=120)
        response.raise_for_status()
        texts = [r.get("text") or "" for r in response.json()]
        assert texts, f"no reply to {message!r}"
        if expected:
            assert expected in "\n".join(texts), f"{message!r} -> {texts}"
        self.sent.append(message)
        self.replies.append(texts)

    def run(self) -> None:
        for index in range(len(self.steps)):
            self.say(index)


def tracker(url: str, sender: str, token: str) -> Dict[str, Any]:
    response = requests.get(f"{url}/conversations/{sender}/tracker", params={"token": token}, timeout=30)
    response.raise_for_status()
    return response.json()


def turns(events: List[Dict[str, Any]]) -> List[Tuple[str, List[str]]]:
    """The conversation as (user text, [bot texts that followed]) in stored order."""
    result: List[Tuple[str, List[str]]] = []
    for event in events:
        if event["event"] == "user":
            result.append((event.get("text") or "", []))
        elif event["event"] == "bot" and result:
            result[-1][1].append(event.get("text") or "")
    return result


def db_events(env: Dict[str, str], sender: str) -> List[Tuple[str, Optional[str]]]:
    """(type, text) of the stored user and bot events, in insertion order, straight from PostgreSQL."""
    return [(e["event"], e.get("text")) for e in faults.stored_events(env, sender) if e["event"] in ("user", "bot")]


def check_stored(stack: scale.Stack, conv: Conversation) -> None:
    """Every server and the database hold exactly what was said, in order, with the right slots."""
    trackers = [tracker(url, conv.sender, stack.token) for url in [stack.url, *stack.rasa_urls]]
    expected = list(zip(conv.sent, conv.replies))
    for t in trackers:
        assert turns(t["events"]) == [(m, r) for m, r in expected], conv.sender
        for slot, value in conv.slots.items():
            assert t["slots"][slot] == value, (conv.sender, slot, t["slots"][slot])
    stored = [e for e in trackers[0]["events"] if e["event"] in ("user", "bot")]
    assert db_events(stack.env, conv.sender) == [(e["event"], e.get("text")) for e in stored]


def upstreams(stack: scale.Stack, conversations: List["Conversation"]) -> Dict[str, str]:
    """X-Request-Id -> Rasa server that answered, from nginx's access log.

    nginx writes a request's log line after it has sent the response, so the client may
    read the log first: wait (at most LOG_WAIT seconds) until every request is in it."""
    wanted = {f"{c.sender}:{i}" for c in conversations for i in range(len(c.steps))}
    deadline = time.monotonic() + LOG_WAIT
    while True:
        seen = {}
        for line in stack.access_log.read_text().splitlines():
            fields = line.split()
            if len(fields) >= 8 and fields[7] != "-":
                seen[fields[7]] = fields[5]
        if wanted <= set(seen) or time.monotonic() > deadline:
            return seen
        time.sleep(0.1)


def test_api_needs_the_token(stack: scale.Stack) -> None:
    response = requests.get(f"{stack.url}/conversations/anyone/tracker", timeout=30)
    assert response.status_code == 401


def test_health_through_the_load_balancer(stack: scale.Stack) -> None:
    response = requests.get(f"{stack.url}/webhooks/health/", timeout=30)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ok"


def test_socketio_through_the_load_balancer_accepts_only_known_pages(stack: scale.Stack) -> None:
    """The widget's pages at nginx's address get a socket.io handshake; pages of other sites get 400."""
    url, params = f"{stack.url}/socket.io/", {"EIO": "4", "transport": "polling"}
    own = requests.get(url, params=params, headers={"Origin": stack.url}, timeout=30)
    assert own.status_code == 200 and '"sid"' in own.text
    assert requests.get(url, params=params, headers={"Origin": "https://evil.example"}, timeout=30).status_code == 400


def test_interleaved_conversations_alternate_servers_and_lose_nothing(stack: scale.Stack) -> None:
    # Round-robin over 2 servers with 3 conversations taking turns: each conversation's next
    # message always goes to the other server than its previous one.
    conversations = [Conversation(stack, script, str(i)) for i, script in enumerate(SCRIPTS)]
    for index in range(max(len(c.steps) for c in conversations)):
        for conv in conversations:
            if index < len(conv.steps):
                conv.say(index)
    served = upstreams(stack, conversations)
    for conv in conversations:
        servers = [served[f"{conv.sender}:{i}"] for i in range(len(conv.steps))]
        assert all(a != b for a, b in zip(servers, servers[1:])), (conv.sender, servers)
        check_stored(stack, conv)


def test_concurrent_conversations_lose_nothing(stack: scale.Stack) -> None:
    conversations = [Conversation(stack, SCRIPTS[i % len(SCRIPTS)], f"c{i}") for i in range(9)]
    with ThreadPoolExecutor(len(conversations)) as pool:
        list(pool.map(Conversation.run, conversations))
    served = upstreams(stack, conversations)
    assert {served[f"{c.sender}:{i}"] for c in conversations for i in range(len(c.steps))} == {
        url.removeprefix("http://") for url in stack.rasa_urls}
    for conv in conversations:
        check_stored(stack, conv)


def test_simultaneous_messages_of_one_conversation_are_handled_one_after_another(stack: scale.Stack) -> None:
    # Four messages of the same conversation at once, spread over both servers: the Redis
    # lock store makes them wait for each other, so each reply directly follows its message.
    sender = f"scale-burst-{uuid.uuid4().hex[:8]}"
    messages = ["Hallo", "Bist du ein Bot?", "Menü", "Danke"]
    replies: Dict[str, List[str]] = {}
    start = threading.Barrier(len(messages))

    def send(message: str) -> None:
        start.wait()
        response = requests.post(stack.webhook, json={"sender": sender, "message": message}, timeout=120)
        response.raise_for_status()
        replies[message] = [r.get("text") or "" for r in response.json()]

    with ThreadPoolExecutor(len(messages)) as pool:
        list(pool.map(send, messages))
    stored = turns(tracker(stack.url, sender, stack.token)["events"])
    assert sorted(m for m, _ in stored) == sorted(messages)
    for message, bot_texts in stored:
        assert bot_texts == replies[message], message
