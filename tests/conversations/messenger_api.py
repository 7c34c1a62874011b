"""A stand-in for the Telegram Bot API and Facebook's Graph API on loopback.

The bot's Telegram and Facebook connectors are pointed at this server (``api_url`` /
``graph_url``), so every HTTP call they make to the outside world arrives here and is
recorded: the tests see exactly what the connectors would send to Telegram or Facebook.
It answers like the real APIs do (the fields the connectors read).
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional
from urllib.parse import parse_qs, urlsplit

TELEGRAM_BOT_NAME = "hessen_test_bot"


class Call(dict):
    """One recorded request: method, path, query, body (JSON or form fields)."""


class MessengerApi:
    """Records calls; ``calls_for`` waits until the bot has sent what a test expects."""

    def __init__(self) -> None:
        self.calls: List[Call] = []
        self.lock = threading.Lock()
        self.message_id = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "MessengerApi":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()

    def _record(self, call: Call) -> Dict[str, Any]:
        with self.lock:
            self.calls.append(call)
            self.message_id += 1
            message_id = self.message_id
        path, body = call["path"], call["body"]
        if path.endswith("/getMe"):
            return {"ok": True, "result": {"id": 42, "is_bot": True, "first_name": "Hessen",
                                           "username": TELEGRAM_BOT_NAME}}
        if path.endswith("/setWebhook"):
            return {"ok": True, "result": True}
        if path.endswith("/sendMessage"):
            return {"ok": True, "result": {"message_id": message_id, "date": int(time.time()),
                                           "chat": {"id": int(body.get("chat_id", 0)), "type": "private"},
                                           "text": body.get("text", "")}}
        if "/bot" in path:
            return {"ok": True, "result": True}
        recipient = (body.get("recipient") or {}).get("id", "")
        return {"recipient_id": recipient, "message_id": f"m_{message_id}"}

    def _handler(self) -> type:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8") if length else ""
                parts = urlsplit(self.path)
                if "json" in (self.headers.get("Content-Type") or ""):
                    body = json.loads(raw or "{}")
                else:
                    body = {k: v[-1] for k, v in parse_qs(raw).items()}
                call = Call(method="POST", path=parts.path, query=parse_qs(parts.query), body=body)
                answer = json.dumps(api._record(call)).encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_GET = do_POST

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    def calls_for(self, predicate: Any, count: int = 1, timeout: float = 60.0,
                  quiet: float = 1.0) -> List[Call]:
        """The calls matching ``predicate`` once at least ``count`` have arrived and no
        further matching call came for ``quiet`` seconds (the bot has finished its turn)."""
        deadline = time.time() + timeout
        seen: Optional[int] = None
        settled = time.time()
        while time.time() < deadline:
            with self.lock:
                matching = [c for c in self.calls if predicate(c)]
            if len(matching) != seen:
                seen, settled = len(matching), time.time()
            elif len(matching) >= count and time.time() - settled >= quiet:
                return matching
            time.sleep(0.1)
        raise AssertionError(f"expected {count} calls, got {seen}: {matching}")


def telegram_sent(chat_id: int) -> Any:
    """Predicate: sendMessage calls to this Telegram chat."""
    return lambda c: c["path"].endswith("/sendMessage") and str(c["body"].get("chat_id")) == str(chat_id)


def facebook_sent(psid: str) -> Any:
    """Predicate: Messenger Send API messages (not sender actions) to this user."""
    return lambda c: (c["path"].endswith("/me/messages") and "message" in c["body"]
                      and (c["body"].get("recipient") or {}).get("id") == psid)
