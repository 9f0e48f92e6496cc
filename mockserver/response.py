"""JSON responses: the one `json_response` every answer of the mock goes through, errors included, and
the success envelopes, built from bytes (a record's JSON is made once and kept)."""
from __future__ import annotations

from typing import Any

import orjson
from flask import Response

_LIST_HEAD = b'{"success":true,"data":['


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """`body` as a JSON response: bytes are sent as they are (JSON already), anything else is dumped."""
    data = body if isinstance(body, bytes) else orjson.dumps(body)
    response = Response(data, status=status, mimetype="application/json")
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
