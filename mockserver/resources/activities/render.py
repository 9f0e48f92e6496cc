"""Records into response bodies. Each record's JSON is made once and kept with the (immutable) record."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

from ...dumper import compile_schema
from ...model import Activity
from .schemas import ActivityV1Schema, ActivityV2Schema

_V2 = compile_schema(ActivityV2Schema(exclude=("attendees",)))
_V2_WITH_ATTENDEES = compile_schema(ActivityV2Schema())
_V1 = compile_schema(ActivityV1Schema())


def v2_dict(activity: Activity, attendees: bool = False) -> dict[str, Any]:
    return (_V2_WITH_ATTENDEES if attendees else _V2)(activity)


def v1_dict(activity: Activity) -> dict[str, Any]:
    return _V1(activity)


def _kept(data: dict[str, Any]) -> bytes:
    """JSON to keep for the record's lifetime, in a bytes object of its own size.

    orjson's result keeps the capacity of its working buffer (about 8 KB for a 700-byte activity,
    measured with tracemalloc), so 100,000 cached activities would hold 800 MB; a copy holds 70 MB.
    """
    return memoryview(orjson.dumps(data)).tobytes()


def v2_json(activity: Activity, attendees: bool = False) -> bytes:
    if attendees:
        cached = activity.json_v2_attendees
        if cached is None:
            cached = activity.json_v2_attendees = _kept(v2_dict(activity, True))
        return cached
    cached = activity.json_v2
    if cached is None:
        cached = activity.json_v2 = _kept(v2_dict(activity))
    return cached


def v2_json_items(activities: Iterable[Activity], attendees: bool = False) -> list[bytes]:
    """Each activity's JSON, straight from its cached form where it has one."""
    if attendees:
        return [activity.json_v2_attendees or v2_json(activity, True) for activity in activities]
    return [activity.json_v2 or v2_json(activity) for activity in activities]


def v1_json(activity: Activity) -> bytes:
    cached = activity.json_v1
    if cached is None:
        cached = activity.json_v1 = _kept(v1_dict(activity))
    return cached
