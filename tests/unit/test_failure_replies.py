"""What the user gets when a message cannot be handled (channels/failure.py, channels/rest.py)."""
from __future__ import annotations

import asyncio
import socket
from typing import Any, List, Tuple

import aiohttp
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from sanic import Sanic

from channels import failure
from channels.rest import RestInput


def test_the_error_reply_is_in_the_language_of_the_message() -> None:
    assert failure.error_text("Wo gibt es einen Deutschkurs?").startswith("Entschuldigung, gerade gibt es eine technische Störung")
    assert failure.error_text("Где есть курсы немецкого?").startswith("Извините")
    assert failure.error_text("") == failure.error_text("xqz")  # unknown: German
    assert "noch einmal" in failure.error_text("")


def test_a_failing_message_gets_the_error_reply_and_the_server_goes_on() -> None:
    async def broken(_: UserMessage) -> None:
        raise ConnectionError("database down")

    output = CollectingOutputChannel()
    result = asyncio.run(failure.reporting_failures(broken)(UserMessage("Hello, where is a German course?", output, "u1")))
    assert result is None
    assert [m["text"] for m in output.messages] == [failure.error_text("Hello, where is a German course?")]
    assert output.messages[0]["text"].startswith("Sorry, there is a technical problem")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post_to_rest(cases: List[Tuple[Any, str]]) -> List[Tuple[int, Any, str]]:
    """POST each message to a Sanic app with our REST channel, its messages handled by the case's handler.
    (Sanic prepares an app only once per process: one app and server for all cases.)"""
    handler: List[Any] = [None]
    app = Sanic("rest_channel_test")
    app.blueprint(RestInput().blueprint(lambda message: handler[0](message)), url_prefix="/webhooks/rest")
    port = _free_port()

    async def main() -> List[Tuple[int, Any, str]]:
        server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
        await server.startup()
        results = []
        try:
            async with aiohttp.ClientSession() as session:
                for handle, message in cases:
                    handler[0] = handle
                    async with session.post(f"http://127.0.0.1:{port}/webhooks/rest/webhook",
                                            json={"sender": "u1", "message": message}) as answer:
                        results.append((answer.status, await answer.json(), answer.headers.get("Retry-After", "")))
        finally:
            server.close()
            await server.wait_closed()
        return results

    return asyncio.run(main())


def test_rest_answers_503_with_the_error_reply_when_a_message_fails_and_as_rasa_otherwise() -> None:
    seen: List[str] = []

    async def broken(_: UserMessage) -> None:
        raise ConnectionError("database down")

    async def echo(message: UserMessage) -> None:
        seen.append(message.text or "")
        await message.output_channel.send_text_message(message.sender_id, "Hallo!")

    failed, answered = post_to_rest([(broken, "Wo gibt es einen Deutschkurs?"), (echo, "Hallo")])
    assert failed == (503, [{"recipient_id": "u1", "text": failure.error_text("Wo gibt es einen Deutschkurs?")}],
                      str(failure.RETRY_AFTER_S))
    assert answered[:2] == (200, [{"recipient_id": "u1", "text": "Hallo!"}]) and seen == ["Hallo"]
