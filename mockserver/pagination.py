"""Opaque keyset cursors: v2 carries {field, fieldValue, sortDirection, id}, v1 the next id.

Both are what the facts page describes; clients treat them as opaque strings. Decoding is the one
validated way a cursor becomes a position: whatever a client sends (any text, any base64 of any
JSON), the answer is a position of the right type for its sort, or a 400 naming the cursor.
"""
from __future__ import annotations

import base64
import binascii
import re
from datetime import date
from typing import Any

import orjson

from . import times
from .company.indexes import time_key
from .errors import BadRequest

# The contract's ids are 32-bit integers (openapi.yaml: maximum 2147483647).
_MAX_ID = 2**31 - 1
_V2_KEYS = frozenset({"field", "fieldValue", "sortDirection", "id"})
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A sort key: the position of an activity in the index of its sort field (company.sort_key).
SortKey = Any  # an int or a tuple: company.sort_key


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


def _is_id(value: Any) -> bool:
    return type(value) is int and 0 <= value <= _MAX_ID


def encode_v2(field: str, value: Any, direction: str, activity_id: int) -> str:
    payload = orjson.dumps({"field": field, "fieldValue": value, "sortDirection": direction,
                            "id": activity_id})
    return base64.urlsafe_b64encode(payload).rstrip(b"=").decode()


def decode_v2(cursor: str, field: str, direction: str) -> SortKey:
    """The sort key after which the next page starts; 400 unless the cursor fits this query."""
    data = _decode_json(cursor, b"-_")
    if not isinstance(data, dict) or set(data) != _V2_KEYS:
        raise _bad_cursor(cursor, "is not a cursor this API issued")
    activity_id = data["id"]
    if not _is_id(activity_id):
        raise _bad_cursor(cursor, "carries no valid id")
    if data["field"] != field or data["sortDirection"] != direction:
        raise _bad_cursor(cursor, f"was issued for sort_by={str(data['field'])[:40]} "
                                  f"sort_direction={str(data['sortDirection'])[:40]}, not {field} {direction}")
    return _v2_key(cursor, field, data["fieldValue"], activity_id)


def _v2_key(cursor: str, field: str, value: Any, activity_id: int) -> SortKey:
    """The position a cursor's value names, in the layout of company.sort_key for `field`."""
    if field == "id":
        if not _is_id(value):
            raise _bad_cursor(cursor, "carries no valid id")
        return value
    if field == "due_date":
        if value is None:
            return (True, "", activity_id)
        if not isinstance(value, str) or _DATE.fullmatch(value) is None or not _is_date(value):
            raise _bad_cursor(cursor, "carries no valid due_date")
        return (False, value, activity_id)
    if field in ("update_time", "add_time"):
        try:
            return time_key(int(times.seconds(value, "parameter 'cursor'")), activity_id)
        except BadRequest:
            raise _bad_cursor(cursor, f"carries no valid {field}") from None
    raise _bad_cursor(cursor, f"was issued for an unknown sort_by {field!r}")


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def encode_v1(next_id: int) -> str:
    return base64.b64encode(orjson.dumps({"next_id": next_id})).decode()


def decode_v1(cursor: str) -> int:
    """The first id of the next page; 400 unless the cursor is one the collection issues."""
    data = _decode_json(cursor, None)
    if not isinstance(data, dict) or set(data) != {"next_id"}:
        raise _bad_cursor(cursor, "is not a cursor this API issued")
    next_id = data["next_id"]
    if not _is_id(next_id) or next_id < 1:
        raise _bad_cursor(cursor, "carries no valid id")
    return next_id
