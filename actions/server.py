"""The action server: rasa_sdk's own server, plus a shared secret between Rasa and it.

    python -m actions.server --port 5055 --actions actions   # same options as `rasa run actions`

rasa_sdk 3.6 answers every caller that can reach it. The action server only listens on
loopback or a private network (``SANIC_HOST``), and with ``ACTION_SERVER_TOKEN`` set it
also refuses calls to ``/webhook`` that do not carry that token in the
``X-Action-Token`` header (401). Rasa sends the header from ``endpoints.yml``. Without
the variable (or with it empty) nothing is checked, as in rasa_sdk. ``/health`` stays
open for health checks; it tells nothing about conversations.

``make run`` and ``make scale`` pick a random token for each start; for compose and
Kubernetes, set the same ``ACTION_SERVER_TOKEN`` for the Rasa server and the action
server (docs/sicherheit.md).
"""
from __future__ import annotations

import hmac
import os
from typing import Any, Callable, Optional

from rasa_sdk import endpoint
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

TOKEN_HEADER = "X-Action-Token"
OPEN_PATHS = ("/health",)

_create_app: Callable[..., Sanic] = endpoint.create_app


def token_check(token: str) -> Callable[[Request], Any]:
    """Sanic request middleware: 401 unless the request carries ``token``."""
    expected = token.encode()

    async def check(request: Request) -> Optional[HTTPResponse]:
        if request.path in OPEN_PATHS:
            return None
        given = (request.headers.get(TOKEN_HEADER) or "").encode()
        if not hmac.compare_digest(given, expected):
            return response.json({"error": "missing or wrong action server token"}, status=401)
        return None

    return check


def create_app(*args: Any, **kwargs: Any) -> Sanic:
    """rasa_sdk's app; with ``ACTION_SERVER_TOKEN`` set, only callers with the token get through."""
    app = _create_app(*args, **kwargs)
    token = os.environ.get("ACTION_SERVER_TOKEN", "")
    if token:
        app.register_middleware(token_check(token), "request")
    return app


def main() -> None:
    """``rasa run actions`` (rasa_sdk's command line), with the token check in its app."""
    import rasa_sdk.__main__

    endpoint.create_app = create_app  # rasa_sdk's run() builds the app through this name
    rasa_sdk.__main__.main()


if __name__ == "__main__":
    main()
