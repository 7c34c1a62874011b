"""The socket.io channel itself keeps the widget's session, answers through the Markdown-safe
output and refuses other origins (rasa_internals.socketio), whatever other channels are set."""
from __future__ import annotations

import asyncio
from typing import Any, List

from rasa.core.channels.channel import UserMessage

from channels.socketio import MarkdownSafeOutput, OriginCheckedSocketIO


def channel_with_blueprint(received: List[UserMessage]) -> OriginCheckedSocketIO:
    async def on_new_message(message: UserMessage) -> None:
        received.append(message)

    channel = OriginCheckedSocketIO(user_message_evt="user_uttered", bot_message_evt="bot_uttered",
                                    namespace=None, session_persistence=True)
    channel.blueprint(on_new_message)
    return channel


def test_session_request_awaits_enter_room_and_confirms_the_session() -> None:
    channel = channel_with_blueprint([])
    sio: Any = channel.sio
    entered, emitted = [], []

    async def enter_room(sid: str, room: str, namespace: str = "/") -> None:  # a coroutine, as in socketio 5
        entered.append((sid, room))

    async def emit(event: str, data: Any, room: str = "", namespace: str = "/") -> None:
        emitted.append((event, data, room))

    sio.enter_room, sio.emit = enter_room, emit
    asyncio.run(sio.handlers["/"]["session_request"]("sid-1", {"session_id": "abcdef123456"}))
    assert entered == [("sid-1", "abcdef123456")]
    assert emitted == [("session_confirm", "abcdef123456", "sid-1")]
    asyncio.run(sio.handlers["/"]["session_request"]("sid-2", {"session_id": "../x"}))  # odd id: a new one
    assert entered[-1][0] == "sid-2" and len(entered[-1][1]) == 32


def test_messages_are_answered_through_the_markdown_safe_output() -> None:
    received: List[UserMessage] = []
    channel = channel_with_blueprint(received)
    handler = channel.sio.handlers["/"]["user_uttered"]
    asyncio.run(handler("sid-1", {"message": "Hallo", "session_id": "abcdef123456"}))
    asyncio.run(handler("sid-1", {"message": "ohne Sitzung"}))  # ignored, as in Rasa
    assert [m.text for m in received] == ["Hallo"]
    assert isinstance(received[0].output_channel, MarkdownSafeOutput) and received[0].sender_id == "abcdef123456"


def test_bot_messages_say_their_language_for_the_widget() -> None:
    emitted = []

    class Server:
        async def emit(self, event: str, data: Any, room: str = "") -> None:
            emitted.append((event, data))

    output = MarkdownSafeOutput(Server(), "bot_uttered")  # type: ignore[arg-type]
    asyncio.run(output.send_text_message("u", "أين أجد دورة لغة ألمانية؟ https://example.org/x، شكرا"))
    asyncio.run(output.send_text_with_buttons("u", "Wählen Sie ein Thema oder schreiben Sie Ihre Frage:",
                                              [{"title": "Deutsch", "payload": "/ask_deutschkurs"}]))
    asyncio.run(output.send_text_message("u", "0800 111 0 111"))
    assert [event for event, _ in emitted] == ["bot_language", "bot_uttered", "bot_language", "bot_uttered",
                                               "bot_uttered"]  # no words: no language, the widget keeps its own
    assert [data["lang"] for event, data in emitted if event == "bot_language"] == ["ar", "de"]
    messages = [data for event, data in emitted if event == "bot_uttered"]
    # Rasa's format, which rasa-webchat needs exactly: text, and quick_replies with buttons
    assert [sorted(m) for m in messages] == [["text"], ["quick_replies", "text"], ["text"]]
    assert "<https://example.org/x>،" in messages[0]["text"]
