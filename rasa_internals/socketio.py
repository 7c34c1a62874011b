"""Reach-ins into Rasa 3.6's socket.io channel (``rasa.core.channels.socketio``).

Used by ``channels.socketio.OriginCheckedSocketIO`` only, after Rasa's ``blueprint()`` has
created the socket.io server (``channel.sio``):

* ``await_enter_room``: with ``session_persistence: true`` Rasa's ``session_request``
  handler calls ``sio.enter_room(...)`` without ``await`` (RasaHQ/rasa#13027). Since
  python-socketio 5.x that is a coroutine, so the socket never joins the session's room and
  every bot reply (sent to that room) is lost. The handler is registered again with an
  awaited ``enter_room``; the protocol (``session_request`` -> ``session_confirm``) is unchanged.
* ``send_replies_through``: Rasa builds a ``SocketIOOutput`` inside its message handler and
  offers no hook for another output class; the handler is registered again, as Rasa's own
  (``handle_message``) with only the output class changed.
* ``check_origin``: Rasa creates the server with ``cors_allowed_origins=[]``, which switches
  off engine.io's origin check; engine.io's request handler is wrapped with a check.
"""
from __future__ import annotations

import inspect
import json
import logging
import re
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import response
from sanic.request import Request

from rasa_internals import check_version

logger = logging.getLogger(__name__)

# A session id sent by a client: Rasa and the widget use uuid4().hex; anything else odd -> new id
SESSION_ID = re.compile(r"[A-Za-z0-9_.:-]{8,128}")


def await_enter_room(channel: SocketIOInput) -> bool:
    """Re-register ``session_request`` on ``channel``'s server so that it awaits enter_room."""
    check_version()
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


def send_replies_through(channel: SocketIOInput, output: type,
                         on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
    """Re-register the user-message handler so that replies go through ``output``
    (a ``SocketIOOutput`` subclass)."""
    check_version()
    sio = channel.sio
    assert sio is not None, "call after SocketIOInput.blueprint()"

    async def handle_message(sid: Text, data: Dict) -> None:
        if channel.session_persistence:
            if not data.get("session_id"):
                logger.warning("socket.io: message without session_id ignored")
                return
            sender_id = data["session_id"]
        else:
            sender_id = sid
        metadata: Optional[Any] = data.get(channel.metadata_key, {})
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        await on_new_message(UserMessage(data.get("message", ""), output(sio, channel.bot_message_evt), sender_id,
                                         input_channel=channel.name(), metadata=metadata))

    sio.on(channel.user_message_evt, handle_message, namespace=channel.namespace)


def check_origin(channel: SocketIOInput, allowed: Callable[[Request], bool]) -> None:
    """Refuse engine.io requests for which ``allowed(request)`` is false (400)."""
    check_version()
    assert channel.sio is not None, "call after SocketIOInput.blueprint()"
    engine = channel.sio.eio
    handle = engine.handle_request  # the route is added from this attribute when the app starts

    async def handle_request(request: Request, *args: Any, **kwargs: Any) -> Any:
        if not allowed(request):
            logger.info("socket.io: request from a page of another origin refused")
            return response.text("Not an accepted origin.", status=400)
        return await handle(request, *args, **kwargs)

    engine.handle_request = handle_request
