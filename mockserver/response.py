"""JSON responses: the one `json_response` every answer of the mock goes through, errors included, and
the success envelopes, built from bytes (a record's JSON is made once and kept)."""
from __future__ import annotations

from typing import Any

import orjson
from flask import Response
from werkzeug.datastructures import Headers

_LIST_HEAD = b'{"success":true,"data":['
JSON_TYPE = "application/json"
_STATUS_LINES: dict[int, str] = {}  # werkzeug's own status line of each code, made once


class JsonResponse(Response):
    """A Flask response of JSON bytes in hand, made directly: werkzeug's constructor looks the content type
    up, parses the status and sets each header through its checks (about 5 us of every request). The same
    status, headers and body as `Response(data, status=status, mimetype="application/json")`."""

    def __init__(self, data: bytes, status: int = 200) -> None:  # noqa: super().__init__ on purpose not called
        headers = self.headers = Headers()
        headers._list = [("Content-Type", JSON_TYPE), ("Content-Length", str(len(data)))]
        line = _STATUS_LINES.get(status)
        if line is None:
            self.status = status
            line = _STATUS_LINES[status] = self.status
        else:
            self._status, self._status_code = line, status
        self.direct_passthrough = False
        self._on_close = []
        self.response = [data]


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """`body` as a JSON response: bytes are sent as they are (JSON already), anything else is dumped."""
    response = JsonResponse(body if isinstance(body, bytes) else orjson.dumps(body), status)
    if headers:
        response.headers.update(headers)
    return response


def envelope(data: bytes, additional_data: dict[str, Any] | None = None) -> Response:
    """`{"success": true, "data": ..., "additional_data": {...}}`; additional_data is never null."""
    if additional_data is None:
        return json_response(b'{"success":true,"data":%b}' % data)
    # One join: a list page is tens of kilobytes, so each concatenation would copy all of it.
    return json_response(b"".join((b'{"success":true,"data":', data, b',"additional_data":',
                                   orjson.dumps(additional_data), b"}")))


def list_body(items: list[bytes], additional_data: dict[str, Any]) -> bytes:
    """The envelope of a JSON array of `items`, in one copy: a list page is tens of kilobytes."""
    tail = b'],"additional_data":' + orjson.dumps(additional_data) + b"}"
    if not items:
        return _LIST_HEAD + tail
    parts = list(items)
    parts[0] = _LIST_HEAD + parts[0]
    parts[-1] = parts[-1] + tail
    return b",".join(parts)
