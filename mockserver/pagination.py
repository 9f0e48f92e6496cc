"""Opaque keyset cursors: v2 carries {field, fieldValue, sortDirection, id}, v1 the next id.

Both are what the facts page describes; clients treat them as opaque strings.
"""
from __future__ import annotations

import base64
import binascii
from typing import Any

import orjson

from .errors import BadRequest


def _bad_cursor(cursor: str, why: str) -> BadRequest:
    shown = repr(cursor if len(cursor) <= 40 else cursor[:40] + "...")  # repr: control characters escaped
    return BadRequest(f"Invalid value for parameter 'cursor': {shown} {why}")


def _decode_json(cursor: str, altchars: bytes | None) -> Any:
    padded = cursor + "=" * (-len(cursor) % 4)
    try:
        raw = base64.b64decode(padded, altchars=altchars, validate=True)
        return orjson.loads(raw)
    except (binascii.Error, ValueError):
        raise _bad_cursor(cursor, "is not a cursor this API issued") from None


def encode_v2(field: str, value: Any, direction: str, activity_id: int) -> str:
    payload = orjson.dumps({"field": field, "fieldValue": value, "sortDirection": direction,
                            "id": activity_id})
    return base64.urlsafe_b64encode(payload).rstrip(b"=").decode()


def decode_v2(cursor: str, field: str, direction: str) -> tuple[Any, int]:
    """The (fieldValue, id) after which the next page starts; 400 unless it fits this query."""
    data = _decode_json(cursor, b"-_")
    if not isinstance(data, dict) or set(data) != {"field", "fieldValue", "sortDirection", "id"}:
        raise _bad_cursor(cursor, "is not a cursor this API issued")
    activity_id = data["id"]
    if type(activity_id) is not int or activity_id < 0:
        raise _bad_cursor(cursor, "carries no valid id")
    if data["field"] != field or data["sortDirection"] != direction:
        raise _bad_cursor(cursor, f"was issued for sort_by={data['field']} "
                                  f"sort_direction={data['sortDirection']}, not {field} {direction}")
    return data["fieldValue"], activity_id


def encode_v1(next_id: int) -> str:
    return base64.b64encode(orjson.dumps({"next_id": next_id})).decode()


def decode_v1(cursor: str) -> int:
    data = _decode_json(cursor, None)
    if not isinstance(data, dict) or set(data) != {"next_id"}:
        raise _bad_cursor(cursor, "is not a cursor this API issued")
    next_id = data["next_id"]
    if type(next_id) is not int or next_id < 1:
        raise _bad_cursor(cursor, "carries no valid id")
    return next_id
