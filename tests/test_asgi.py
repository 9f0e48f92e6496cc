"""The inline WSGI-on-ASGI adapter uvicorn serves the mock through (mockserver/asgi.py), driven directly."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import orjson

from pipedrive_mock import ADMIN_TOKEN, create_app
from pipedrive_mock.asgi import InlineWSGI
from pipedrive_mock.constants import MAX_BODY_BYTES


def _scope(method: str = "GET", path: str = "/", raw_path: bytes | None = None, query: bytes = b"",
           headers: list[tuple[bytes, bytes]] | None = None) -> dict[str, Any]:
    return {"type": "http", "http_version": "1.1", "method": method, "path": path,
            "raw_path": raw_path if raw_path is not None else path.encode(), "query_string": query,
            "root_path": "", "scheme": "http", "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 50000),
            "headers": headers or []}


def _receiver(chunks: list[bytes], disconnect: bool = False) -> tuple[Callable[[], Any], list[int]]:
    """An ASGI receive giving `chunks` as the body, and a list counting the calls."""
    calls: list[int] = []

    async def receive() -> dict[str, Any]:
        calls.append(1)
        index = len(calls) - 1
        if index < len(chunks):
            return {"type": "http.request", "body": chunks[index], "more_body": index < len(chunks) - 1 or disconnect}
        return {"type": "http.disconnect"}

    return receive, calls


def _call(app: InlineWSGI, scope: dict[str, Any], chunks: list[bytes] | None = None,
          disconnect: bool = False) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    receive, _ = _receiver(chunks if chunks is not None else [b""], disconnect)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


def _echo_environ(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    shown = {key: value for key, value in environ.items() if isinstance(value, str)}
    shown["body"] = environ["wsgi.input"].read().decode("latin-1")
    write = start_response("201 Created", [("Content-Type", "application/json"), ("X-Two", "a")])
    write(b"")  # the old write() callable still works
    return [orjson.dumps(shown)]


def test_environ_holds_raw_path_bytes_query_joined_headers_and_body() -> None:
    sent = _call(InlineWSGI(_echo_environ), _scope(
        "POST", path="/a\ufffdb", raw_path=b"/a%FFb%20c", query=b"x=1&y=%C3%A9",
        headers=[(b"content-type", b"application/json"), (b"content-length", b"7"),
                 (b"x-dup", b"1"), (b"x-dup", b"2"), (b"x-api-token", b"t")]), [b'{"a":', b"1}"])
    start, body = sent
    assert start["status"] == 201 and (b"x-two", b"a") in start["headers"]
    environ = orjson.loads(body["body"])
    assert environ["PATH_INFO"] == "/a\xffb c"  # the raw bytes, as latin-1 (PEP 3333)
    assert environ["QUERY_STRING"] == "x=1&y=%C3%A9"
    assert environ["CONTENT_TYPE"] == "application/json" and environ["CONTENT_LENGTH"] == "7"
    assert environ["HTTP_X_DUP"] == "1,2" and environ["HTTP_X_API_TOKEN"] == "t"
    assert environ["body"] == '{"a":1}'
    assert environ["REQUEST_METHOD"] == "POST" and environ["SERVER_PROTOCOL"] == "HTTP/1.1"


def test_a_client_gone_before_its_body_is_whole_gets_nothing_and_the_app_is_not_called() -> None:
    called: list[int] = []

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        called.append(1)
        return []

    assert _call(InlineWSGI(app), _scope("POST"), [b"half"], disconnect=True) == []
    assert called == []


def test_a_body_over_the_limit_is_not_read_to_the_end_and_is_refused_413() -> None:
    app = create_app(activities=5)
    adapter = InlineWSGI(app, max_body=MAX_BODY_BYTES)
    chunk = b"x" * 65536
    chunks = [b'{"note": "'] + [chunk] * (MAX_BODY_BYTES // len(chunk) * 4)  # four times the limit
    receive, calls = _receiver(chunks)
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = _scope("POST", "/api/v2/activities", headers=[(b"content-type", b"application/json"),
                                                         (b"x-api-token", ADMIN_TOKEN.encode())])  # chunked
    asyncio.run(adapter(scope, receive, send))
    assert len(calls) < len(chunks) // 2  # it stopped reading soon after the limit
    assert sent[0]["status"] == 413
    assert orjson.loads(sent[1]["body"])["success"] is False


def test_a_delayed_answer_waits_on_the_loop_while_another_is_answered() -> None:
    app = create_app(activities=5)
    app.extensions["pipedrive_mock"].faults.add(path="/api/v2/activities/1", latency_ms=200)
    adapter = InlineWSGI(app)
    order: list[str] = []

    async def request(path: str) -> None:
        receive, _ = _receiver([b""])

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                order.append(f"{path} {message['status']}")

        await adapter(_scope(path=path, headers=[(b"x-api-token", ADMIN_TOKEN.encode())]), receive, send)

    async def both() -> None:
        await asyncio.gather(request("/api/v2/activities/1"), request("/api/v2/activities/2"))

    asyncio.run(both())
    assert order == ["/api/v2/activities/2 200", "/api/v2/activities/1 200"]  # the delayed one comes last
