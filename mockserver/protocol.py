"""uvicorn's HTTP protocol (httptools) with a bound on each request's head.

httptools keeps a header's bytes until the header ends, and uvicorn sets no limit of its own on the
request line and headers (only h11 has one): a client could send a header of any size and the server
would hold it all. This protocol counts the bytes of each head as they arrive and answers 431, closing
the connection, once a head passes `MAX_HEAD_BYTES` (the request line, a URL of any length included).
"""
from __future__ import annotations

from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .constants import MAX_HEAD_BYTES

# How long a refused connection is read (and dropped) before it is closed.
REFUSED_LINGER_SECONDS = 5
_TOO_LARGE = (b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: application/json\r\n"
              b"connection: close\r\ncontent-length: %d\r\n\r\n%s")


def _body(limit: int) -> bytes:
    message = (b'{"success":false,"error":"Request head too large: the request line and headers may take '
               b'%d bytes","errorCode":431}' % limit)
    return _TOO_LARGE % (len(message), message)


class BoundedHttpTools(HttpToolsProtocol):
    """HttpToolsProtocol, refusing (431) a request line and headers over `MAX_HEAD_BYTES`."""

    max_head = MAX_HEAD_BYTES

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_bytes = 0
        self._in_head = True  # bytes before a message begins count as its head
        self._refused = False

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # read and dropped until the client leaves, so that it gets the 431 (no reset)
        if self._in_head:
            self._head_bytes += len(data)
        super().data_received(data)
        if self._in_head and self._head_bytes > self.max_head and not self.transport.is_closing():
            self._refuse()

    def _refuse(self) -> None:
        self.logger.debug("refused a request head over %d bytes", self.max_head)
        self._refused = True
        self.transport.write(_body(self.max_head))
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(REFUSED_LINGER_SECONDS, self.transport.close)

    def on_message_begin(self) -> None:
        self._in_head, self._head_bytes = True, 0
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head = True
