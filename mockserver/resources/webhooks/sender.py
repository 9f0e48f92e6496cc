"""HTTP/1.1 POSTs to one receiver, on an asyncio loop, over one kept-alive connection, pipelined.

A batch of deliveries is written back to back and the answers are read in order, so the receiver gets
them in the order sent, and a batch costs one round trip rather than one each. A protocol with
httptools' C parser rather than a client library: a delivery costs the loop a write and a parse, so
deliveries take little from the requests served on the same loop.
"""
from __future__ import annotations

import asyncio
import base64
import ssl
from collections import deque
from typing import Any
from urllib.parse import SplitResult

import httptools

from .targets import SCHEMES, TargetRefused, Targets

USER_AGENT = "Pipedrive-Webhooks (pipedrive-mock)"
# A receiver's answers are read and dropped; a connection that sends more than this is cut off.
MAX_RESPONSE_BYTES = 64 * 1024
# (HTTP status or the error that stood in for an answer, seconds from the batch's start to it)
Outcome = tuple["int | DeliveryError", float]


class DeliveryError(Exception):
    """The delivery got no HTTP answer (refused, reset, timed out, a target refused)."""


class _Unanswered(DeliveryError):
    """The connection closed before this request's answer: the request may never have been read."""


class _Connection(asyncio.Protocol):
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        # Each request's answer to come: its status and when it came (the loop's time).
        self.waiting: deque[asyncio.Future[tuple[int, float]]] = deque()
        self.received = 0  # bytes since the last answer
        self.answered = 0  # answers on this connection
        self.closing = False  # the receiver said Connection: close

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.received += len(data)
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail_all(DeliveryError(f"the receiver's answer is not HTTP ({exc})"))
            return
        if self.received > MAX_RESPONSE_BYTES:
            self._fail_all(DeliveryError(f"the receiver's answer is over {MAX_RESPONSE_BYTES} bytes"))

    def on_message_complete(self) -> None:
        self.received = 0
        self.answered += 1
        if not self.parser.should_keep_alive():
            self.closing = True
        if self.waiting:
            answer = self.waiting.popleft()
            if not answer.done():
                answer.set_result((self.parser.get_status_code(), self.loop.time()))

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self._fail_all(_Unanswered(f"the receiver closed the connection ({exc or 'no answer'})"))

    def _fail_all(self, error: Exception) -> None:
        while self.waiting:
            answer = self.waiting.popleft()
            if not answer.done():
                answer.set_exception(type(error)(*error.args))
        if self.transport is not None:
            self.transport.close()

    def post(self, requests: list[bytes]) -> list[asyncio.Future[tuple[int, float]]]:
        """Write `requests` back to back (one write: one system call for the batch); their answers to come."""
        answers = [self.loop.create_future() for _ in requests]
        self.waiting.extend(answers)
        assert self.transport is not None
        self.transport.write(b"".join(requests))
        return answers

    @property
    def usable(self) -> bool:
        return self.transport is not None and not self.transport.is_closing() and not self.closing


class Sender:
    """Posts JSON bodies to one subscription URL, in order, pipelined on one kept-alive connection."""

    def __init__(self, url: SplitResult, targets: Targets, user: str | None, password: str | None) -> None:
        self.url = url
        self.targets = targets
        self.host = url.hostname or ""
        self.port = url.port or SCHEMES[url.scheme]
        path = (url.path or "/") + (f"?{url.query}" if url.query else "")
        netloc = url.netloc.rsplit("@", 1)[-1]
        head = [f"POST {path} HTTP/1.1", f"Host: {netloc}", "Content-Type: application/json",
                f"User-Agent: {USER_AGENT}"]
        if user is not None or password is not None:
            token = base64.b64encode(f"{user or ''}:{password or ''}".encode()).decode()
            head.append(f"Authorization: Basic {token}")
        self._head = ("\r\n".join(head) + "\r\nContent-Length: ").encode("latin-1")
        self._connection: _Connection | None = None

    async def post(self, body: bytes, timeout: float) -> int:
        """The HTTP status of the answer to one body; raises DeliveryError without one."""
        result, _ = (await self.post_many([body], timeout))[0]
        if isinstance(result, DeliveryError):
            raise result
        return result

    async def post_many(self, bodies: list[bytes], timeout: float) -> list[Outcome]:
        """Each body's outcome, in order. The batch has `timeout` seconds for its answers; a request the
        connection closed on before answering is sent again on a new connection when the old one had
        made progress (answered something, or was an idle kept-alive one), so a receiver that closes
        after each answer is served one by one. A request whose answer was lost with its connection may
        have been read: the receiver can get it twice, as from any webhook sender (at least once)."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = started + timeout
        requests = [b"%s%d\r\n\r\n%s" % (self._head, len(body), body) for body in bodies]
        outcomes: list[Outcome] = []
        while len(outcomes) < len(requests):
            left = deadline - loop.time()
            try:
                connection, reused = await self._connection_for(left)
            except DeliveryError as exc:
                outcomes += [(exc, loop.time() - started)] * (len(requests) - len(outcomes))
                break
            before = connection.answered
            # A new connection carries one request until its answer shows the receiver keeps it alive: a
            # receiver that closes after each answer would reset the ones written behind it.
            sent = requests[len(outcomes):] if reused else requests[len(outcomes):len(outcomes) + 1]
            answers = connection.post(sent)
            # Answers are settled in order (pipelined answers come in order; a lost connection fails every
            # one waiting), so the batch is answered when its last request is.
            await asyncio.wait(answers[-1:], timeout=max(0.0, deadline - loop.time()))
            progress = reused or connection.answered > before
            for answer in answers:
                if not answer.done():
                    self.close()
                    outcomes.append((DeliveryError(f"no answer within {timeout:g} s"), loop.time() - started))
                    continue
                error = answer.exception()
                if isinstance(error, _Unanswered) and progress:
                    break  # sent again on a new connection, from this one on
                if error is not None:
                    outcomes.append((error if isinstance(error, DeliveryError) else DeliveryError(str(error)),
                                     loop.time() - started))
                    continue
                status, answered_at = answer.result()
                outcomes.append((status, answered_at - started))
            if not self.usable:
                self.close()
        return outcomes

    @property
    def usable(self) -> bool:
        return self._connection is not None and self._connection.usable

    async def _connection_for(self, timeout: float) -> tuple[_Connection, bool]:
        if self._connection is not None and self._connection.usable:
            return self._connection, True
        self.close()
        try:
            self._connection = await asyncio.wait_for(self._connect(), max(0.0, timeout))
        except TimeoutError:
            raise DeliveryError(f"cannot connect to {self.host}:{self.port} (timed out)") from None
        except TargetRefused as exc:
            raise DeliveryError(str(exc)) from None
        except OSError as exc:
            raise DeliveryError(f"cannot connect to {self.host}:{self.port} ({exc.strerror or exc})") from None
        return self._connection, False

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        address = await self.targets.connect_address(self.host, self.port)
        context = ssl.create_default_context() if self.url.scheme == "https" else None
        _, connection = await loop.create_connection(lambda: _Connection(loop), address, self.port, ssl=context,
                                                     server_hostname=self.host if context else None)
        return connection

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and connection.transport is not None:
            connection.transport.close()
