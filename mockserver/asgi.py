"""The mock's WSGI app served by an ASGI server (uvicorn), called inline on the event loop.

Adapters such as a2wsgi run a WSGI app on a thread pool, because a WSGI app may block. The mock's app
never does: its work is in memory, and the one wait it has, the delay of an injected fault, is told
to the server in the environ (`ANSWER_DELAY`) rather than slept. So each request is called straight
from the loop: the whole body is read first (without blocking the loop), the app answers at once,
and a delayed answer waits on the loop while other requests go on. No lock is handed between threads
for each request, which on a small machine costs more than the mock's own work (README, "Performance").
"""
from __future__ import annotations

import asyncio
import io
import sys
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import unquote_to_bytes

from .accesslog import AccessLines, AccessLog
from .constants import ANSWER_DELAY, ANSWER_HOLD, REQUEST_BODY, SERVER_HOLDS_ANSWERS, body_limit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Any]

# Header names the WSGI environ holds without the HTTP_ prefix (PEP 3333).
_UNPREFIXED = {b"content-type": "CONTENT_TYPE", b"content-length": "CONTENT_LENGTH"}
# The app gets the body whole, with its length: no longer chunked.
_DROPPED = frozenset({b"transfer-encoding"})
_clock = time.perf_counter


class InlineWSGI:
    """An ASGI app that calls the WSGI app `app` on the event loop for each HTTP request.

    `max_body` bytes of a request body are read at most (the snapshot's PUT has a limit of its own,
    constants.body_limit); the app sees a body over its limit as
    longer than the limit and refuses it (413) without the rest being kept in memory.

    An app wrapped for its access log (accesslog.AccessLog) is called bare and its lines are written here,
    from the status this server sends: the wrapper's call and its start_response closure, per request, cost
    a get-one a few per cent, and the answers it would have to follow are held here anyway.
    """

    def __init__(self, app: WSGIApp, max_body: int | None = None) -> None:
        self.access: AccessLines | None = None
        if isinstance(app, AccessLog):
            self.access = app.lines
            app = app.app
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return  # websockets are not served, and serving.py turns lifespan events off
        body = await self._read_body(receive, body_limit(scope["method"], scope["path"], self.max_body))
        if body is None:
            return  # the client went away
        environ = _environ(scope, body)
        head: list[tuple[str, list[tuple[str, str]]]] = []
        written: list[bytes] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            head.append((status, headers))
            return written.append

        access = self.access
        started = _clock() if access is not None else 0.0
        result = self.app(environ, start_response)
        try:
            written.extend(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        hold = environ.get(ANSWER_HOLD)
        if hold is not None:
            try:
                replaced = await hold()
            except BaseException as exc:
                if access is not None:  # nothing is sent: "0", as for no answer
                    access.write(environ, "0", _clock() - started)
                if isinstance(exc, asyncio.CancelledError):
                    return  # the server is stopping before the write is on disk: it is not acknowledged
                raise
            if replaced is not None:
                head.append(replaced[:2])
                written[:] = [replaced[2]]
        if access is not None:  # the line says the 500 that replaced an answer whose write was not saved
            access.write(environ, head[-1][0] if head else "0", _clock() - started)
        delay = environ.get(ANSWER_DELAY)
        if delay:
            try:
                await asyncio.sleep(delay)
            except asyncio.CancelledError:
                # The server is stopping (SIGTERM, its grace period over): the answer goes out now, cut
                # short, rather than a traceback in the log; the stop itself goes on.
                pass
        status, headers = head[-1]
        await send({"type": "http.response.start", "status": int(status.split(" ", 1)[0]),
                    "headers": [(name.lower().encode("latin-1"), value.encode("latin-1"))
                                for name, value in headers]})
        await send({"type": "http.response.body", "body": b"".join(written)})

    async def _read_body(self, receive: Receive, limit: int | None) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            chunks.append(chunk)
            size += len(chunk)
            more = message.get("more_body", False)
            if limit is not None and size > limit:
                break  # enough to know it is too large
        return b"".join(chunks)


def _environ(scope: Scope, body: bytes) -> dict[str, Any]:
    """The WSGI environ of an ASGI HTTP scope (PEP 3333: strings hold the raw bytes as latin-1)."""
    server = scope.get("server") or ("127.0.0.1", 0)
    client = scope.get("client") or ("", 0)
    raw_path = scope.get("raw_path")
    path = unquote_to_bytes(raw_path) if raw_path is not None else scope["path"].encode("utf-8")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": scope.get("root_path", ""),
        "PATH_INFO": path.decode("latin-1"),
        "QUERY_STRING": scope["query_string"].decode("latin-1"),
        "SERVER_NAME": server[0],
        "SERVER_PORT": str(server[1]),
        "SERVER_PROTOCOL": f"HTTP/{scope['http_version']}",
        "REMOTE_ADDR": client[0],
        "REMOTE_PORT": str(client[1]),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        SERVER_HOLDS_ANSWERS: True,
        REQUEST_BODY: body,
    }
    for name, value in scope["headers"]:
        if name in _DROPPED:
            continue
        key = _UNPREFIXED.get(name) or "HTTP_" + name.decode("latin-1").upper().replace("-", "_")
        text = value.decode("latin-1")
        environ[key] = f"{environ[key]},{text}" if key in environ else text
    if body and "CONTENT_LENGTH" not in environ:
        # A chunked body is whole by now, so its length is known and the app's size limit sees it (a
        # body cut short just past the limit still says it is over).
        environ["CONTENT_LENGTH"] = str(len(body))
    return environ

