"""One HTTP/1.1 POST at a time to one receiver, on an asyncio loop, over a kept-alive connection.

A protocol with httptools' C parser rather than a client library: a delivery costs the loop a write
and a parse, so deliveries take little from the requests served on the same loop.
"""
from __future__ import annotations

import asyncio
import base64
import ssl
from typing import Any
from urllib.parse import SplitResult

import httptools

from .targets import SCHEMES, TargetRefused, Targets

USER_AGENT = "Pipedrive-Webhooks (pipedrive-mock)"
# A receiver's answer is read and dropped; one that sends more than this is cut off.
MAX_RESPONSE_BYTES = 64 * 1024


class DeliveryError(Exception):
    """The delivery did not get an HTTP answer (refused, reset, timed out, refused target)."""


class _Response(asyncio.Protocol):
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.answer: asyncio.Future[int] | None = None
        self.received = 0
        self.keep_alive = False

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.received += len(data)
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(DeliveryError(f"the receiver's answer is not HTTP ({exc})"))
            return
        if self.received > MAX_RESPONSE_BYTES:
            self._fail(DeliveryError(f"the receiver's answer is over {MAX_RESPONSE_BYTES} bytes"))

    def on_message_complete(self) -> None:
        self.keep_alive = self.parser.should_keep_alive()
        if self.answer is not None and not self.answer.done():
            self.answer.set_result(self.parser.get_status_code())

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self._fail(DeliveryError(f"the receiver closed the connection ({exc or 'no answer'})"))

    def _fail(self, error: Exception) -> None:
        if self.answer is not None and not self.answer.done():
            self.answer.set_exception(error)
        if self.transport is not None:
            self.transport.close()

    def post(self, request: bytes) -> asyncio.Future[int]:
        self.answer = self.loop.create_future()
        self.received = 0
        self.keep_alive = False
        self.parser = httptools.HttpResponseParser(self)
        assert self.transport is not None
        self.transport.write(request)
        return self.answer

    @property
    def usable(self) -> bool:
        return self.transport is not None and not self.transport.is_closing() and self.keep_alive


class Sender:
    """Posts JSON bodies to one subscription URL, one at a time, reusing the connection."""

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
        self._protocol: _Response | None = None

    async def post(self, body: bytes, timeout: float) -> int:
        """The HTTP status of the receiver's answer; raises DeliveryError without one."""
        request = b"%s%d\r\n\r\n%s" % (self._head, len(body), body)
        try:
            return await asyncio.wait_for(self._post(request), timeout)
        except TimeoutError:
            self.close()
            raise DeliveryError(f"no answer within {timeout:g} s") from None
        except TargetRefused as exc:
            raise DeliveryError(str(exc)) from None
        except OSError as exc:
            self.close()
            raise DeliveryError(f"cannot connect to {self.host}:{self.port} ({exc.strerror or exc})") from None

    async def _post(self, request: bytes) -> int:
        protocol = self._protocol
        if protocol is not None and protocol.usable:
            try:
                return await protocol.post(request)
            except DeliveryError:
                if protocol.received:
                    raise
                # The receiver closed the idle connection before it read this request: once more, anew.
        protocol = self._protocol = await self._connect()
        try:
            return await protocol.post(request)
        finally:
            if not protocol.keep_alive:
                self.close()

    async def _connect(self) -> _Response:
        loop = asyncio.get_running_loop()
        address = await self.targets.connect_address(self.host, self.port)
        context = ssl.create_default_context() if self.url.scheme == "https" else None
        _, protocol = await loop.create_connection(lambda: _Response(loop), address, self.port, ssl=context,
                                                   server_hostname=self.host if context else None)
        return protocol

    def close(self) -> None:
        protocol, self._protocol = self._protocol, None
        if protocol is not None and protocol.transport is not None:
            protocol.transport.close()
