"""Serves the website chat widget (widget/) from the Rasa server.

Enabled in credentials.yml with the line ``channels.widget.WidgetChannel:``. The files are
then at ``/webhooks/widget/<file>``:

    hessen-chat.js, hessen-chat.css   the widget (vanilla JS, no build step)
    socket.io.min.js (+ .map)         socket.io-client from widget/node_modules (``npm ci``)
    demo.html, demo.css               a demo page with the widget embedded

This channel only serves files. Messages go through Rasa's socket.io channel
(``channels.socketio.OriginCheckedSocketIO:`` in credentials.yml), which the widget connects to. Only the files listed in ``FILES`` are
served: the file name is a dictionary key, never a path, so ``..`` and the like give 404.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
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

logger = logging.getLogger(__name__)


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
