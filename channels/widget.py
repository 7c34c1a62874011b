"""Serves the website chat widget (widget/) from the Rasa server.

Enabled in credentials.yml with the line ``channels.widget.WidgetChannel:``. The files are
then at ``/webhooks/widget/<file>``:

    hessen-chat.js, hessen-chat.css   the widget (vanilla JS, no build step)
    socket.io.min.js (+ .map)         socket.io-client from widget/node_modules (``npm ci``)
    demo.html, demo.css               a demo page with the widget embedded

This channel only serves files. Messages go through Rasa's socket.io channel
(``channels.socketio.OriginCheckedSocketIO:`` in credentials.yml), which the widget connects to. Only the files listed in ``FILES`` are
served: the file name is a dictionary key, never a path, so ``..`` and the like give 404.

It also repairs a bug of Rasa 3.6 that otherwise silences the widget: with
``session_persistence: true`` Rasa's ``session_request`` handler calls
``sio.enter_room(...)`` without ``await`` (RasaHQ/rasa#13027). Since python-socketio 5.x that
is a coroutine, so the socket never joins the session's room and every bot reply (sent to
that room) is lost. At server start this channel re-registers ``session_request`` on the
socket.io server of the configured ``socketio`` channel with an awaited ``enter_room``; the
protocol (``session_request`` -> ``session_confirm``) is unchanged.
"""
from __future__ import annotations

import inspect
import logging
import re
import uuid
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

WIDGET_DIR = Path(__file__).resolve().parents[1] / "widget"
SOCKET_IO_DIST = WIDGET_DIR / "node_modules" / "socket.io-client" / "dist"

# URL file name -> (file on disk, content type)
FILES: Dict[str, Tuple[Path, str]] = {
    "hessen-chat.js": (WIDGET_DIR / "hessen-chat.js", "text/javascript; charset=utf-8"),
    "hessen-chat.css": (WIDGET_DIR / "hessen-chat.css", "text/css; charset=utf-8"),
    "demo.html": (WIDGET_DIR / "demo.html", "text/html; charset=utf-8"),
    "demo.css": (WIDGET_DIR / "demo.css", "text/css; charset=utf-8"),
    "socket.io.min.js": (SOCKET_IO_DIST / "socket.io.min.js", "text/javascript; charset=utf-8"),
    "socket.io.min.js.map": (SOCKET_IO_DIST / "socket.io.min.js.map", "application/json; charset=utf-8"),
}

# The demo page may load only its own files and talk only to its own server.
DEMO_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")

# A session id sent by a client: Rasa and the widget use uuid4().hex; anything else odd -> new id
SESSION_ID = re.compile(r"[A-Za-z0-9_.:-]{8,128}")

logger = logging.getLogger(__name__)


def repair_session_request(channel: SocketIOInput) -> bool:
    """Re-register ``session_request`` on ``channel``'s server so that it awaits enter_room."""
    sio = channel.sio
    if sio is None or not channel.session_persistence:
        return False
    namespace = channel.namespace or "/"

    async def session_request(sid: Text, data: Optional[Dict[Text, Any]] = None) -> None:
        session_id = data.get("session_id") if isinstance(data, dict) else None
        if not isinstance(session_id, str) or not SESSION_ID.fullmatch(session_id):
            session_id = uuid.uuid4().hex
        entered = sio.enter_room(sid, session_id, namespace=namespace)
        if inspect.isawaitable(entered):
            await entered
        await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)

    sio.on("session_request", session_request, namespace=channel.namespace)
    return True


class WidgetChannel(InputChannel):
    """Static files of the chat widget; handles no messages itself."""

    @classmethod
    def name(cls) -> Text:
        return "widget"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        widget = Blueprint("widget_static", __name__)

        @widget.listener("before_server_start")
        async def repair_socketio(app: Sanic, _: Any) -> None:
            for channel in getattr(app.ctx, "input_channels", None) or []:
                if isinstance(channel, SocketIOInput) and repair_session_request(channel):
                    logger.info("widget: socket.io session_request now awaits enter_room")

        @widget.route("/<filename:str>", methods=["GET", "HEAD"])
        async def serve(request: Request, filename: str) -> HTTPResponse:
            entry = FILES.get(filename)
            if entry is None:
                return response.text("Not found", status=404)
            path, content_type = entry
            if not path.is_file():
                hint = " (run `npm ci` in widget/)" if path.is_relative_to(SOCKET_IO_DIST) else ""
                return response.text(f"{filename} is not installed{hint}", status=404)
            headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
            if filename == "demo.html":
                headers["Content-Security-Policy"] = DEMO_CSP
            if request.method == "HEAD":
                return response.empty(status=200, headers={**headers, "Content-Type": content_type})
            return await response.file(path, mime_type=content_type, headers=headers)

        return widget
