"""The bodies of webhook deliveries: v2 `{meta, data, previous}` and v1 `{v, meta, current, previous, ...}`.

Shapes from the facts page ("Webhooks"); the JSON Schemas beside this module describe them, and the
tests validate every delivery they see against them.
"""
from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import orjson
from marshmallow import Schema, fields

from ...dumper import compile_schema
from ...model import Activity
from ..activities.render import v1_dict
from ..activities.schemas import LocationSchema
from ..activities.schemas.v2 import RFC3339
from .model import Change, Webhook

ENTITY = "activity"
EVENT_TYPE = "general"
# v1 names of the three actions (facts page: v1 `meta.action` is added|updated|deleted).
V1_ACTIONS = {"create": "added", "change": "updated", "delete": "deleted"}
# The mock has no user time zones: times of day are UTC (README, fidelity notes).
TIMEZONE = "UTC"


def _time_of_day(value: str | None) -> dict[str, Any] | None:
    return None if value is None else {"timezone_id": TIMEZONE, "value": value}


class WebhookActivitySchema(Schema):
    """The activity in a v2 delivery: the webhook's own names (the official v2 example's keys)."""

    id = fields.Integer()
    subject = fields.String()
    type = fields.String()
    owner_id = fields.Integer()
    deal_id = fields.Integer(allow_none=True)
    lead_id = fields.String(allow_none=True)
    person_id = fields.Integer(allow_none=True)
    org_id = fields.Integer(allow_none=True)
    due_date = fields.String(allow_none=True)
    due_time = fields.Function(lambda a: _time_of_day(a.due_time))
    duration = fields.Function(lambda a: _time_of_day(a.duration))
    done = fields.Boolean()
    busy_flag = fields.Boolean(attribute="busy")
    active_flag = fields.Function(lambda a: not a.is_deleted)
    add_time = fields.DateTime(format=RFC3339)
    update_time = fields.DateTime(format=RFC3339)
    update_user_id = fields.Integer(allow_none=True)
    public_description = fields.String(allow_none=True)
    location = fields.Nested(LocationSchema, allow_none=True)
    custom_fields = fields.Function(lambda a: {})


webhook_activity: Callable[[Activity], dict[str, Any]] = compile_schema(WebhookActivitySchema())


def iso_millis(seconds: float) -> str:
    """`2025-01-01T10:20:00.123Z`: v2 meta timestamps carry milliseconds (facts page)."""
    m = datetime.fromtimestamp(seconds, tz=timezone.utc)  # (strftime's %Y drops the zeros of a year < 1000)
    return (f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}."
            f"{m.microsecond // 1000:03d}Z")


def host(company_id: int) -> str:
    """The company's Pipedrive host as `meta.host` names it (the mock's companies have no domain)."""
    return f"company{company_id}.pipedrive.com"


def _parts_v2(change: Change) -> tuple[Any, Any, str]:
    """`data`, `previous` and `meta.timestamp` of a v2 delivery, shared by every webhook of the change."""
    parts = change.rendered.get("v2")
    if parts is None:
        after = webhook_activity(change.after)
        if change.action == "create":
            parts = (after, None)
        elif change.action == "delete":
            before = webhook_activity(change.before) if change.before is not None else after
            parts = (None, before)
        else:
            before = webhook_activity(change.before) if change.before is not None else {}
            parts = (after, {k: v for k, v in before.items() if after.get(k) != v})
        parts = change.rendered["v2"] = (orjson.Fragment(orjson.dumps(parts[0])),
                                         orjson.Fragment(orjson.dumps(parts[1])), iso_millis(change.time))
    return parts


class _WebhookText:
    """What every v2 delivery of one batch to one webhook says of the webhook, as text (made once a batch)."""

    __slots__ = ("company_id", "webhook_id", "owner_id", "host", "permitted")

    def __init__(self, webhook: Webhook, permitted: list[int]) -> None:
        self.company_id, self.webhook_id = str(webhook.company_id), str(webhook.id)
        self.owner_id, self.host = str(webhook.owner_id), host(webhook.company_id)
        self.permitted = [str(user_id) for user_id in permitted]


def _v2_body(hook: _WebhookText, change: Change, event_id: str, attempt: int) -> bytes:
    data, previous, timestamp = _parts_v2(change)
    meta = {
        "action": change.action,
        "entity": ENTITY,
        "entity_id": str(change.after.id),
        "company_id": hook.company_id,
        "user_id": str(change.user_id),
        "webhook_id": hook.webhook_id,
        "webhook_owner_id": hook.owner_id,
        "id": event_id,
        "correlation_id": change.correlation_id or event_id,
        "timestamp": timestamp,
        "type": EVENT_TYPE,
        "version": "2.0",
        "change_source": change.change_source,
        "is_bulk_edit": change.is_bulk_edit,
        "attempt": attempt,
        "host": hook.host,
        "permitted_user_ids": hook.permitted,
    }
    return orjson.dumps({"meta": meta, "data": data, "previous": previous})


def _v1_parts(change: Change) -> tuple[Any, Any]:
    parts = change.rendered.get("v1")
    if parts is None:
        after = None if change.action == "delete" else v1_dict(change.after)
        before = v1_dict(change.before) if change.before is not None else None
        parts = change.rendered["v1"] = (after, before)
    return parts


def v1_body(webhook: Webhook, change: Change, event_id: str, attempt: int, permitted: list[int]) -> bytes:
    """A v1 delivery: whole v1 objects in `current` and `previous`, integer ids, Unix timestamps."""
    current, previous = _v1_parts(change)
    action = V1_ACTIONS[change.action]
    matches: dict[str, list[Any]] = {"current": [], "previous": []}
    meta = {
        "v": 1,
        "action": action,
        "object": ENTITY,
        "id": change.after.id,
        "company_id": webhook.company_id,
        "user_id": change.user_id,
        "host": host(webhook.company_id),
        "timestamp": int(change.time),
        "timestamp_micro": int(change.time * 1_000_000),
        "permitted_user_ids": permitted,
        "trans_pending": False,
        "is_bulk_update": change.is_bulk_edit,
        "pipedrive_service_name": False,
        "matches_filters": matches,
        "webhook_id": str(webhook.id),
    }
    return orjson.dumps({"v": 1, "matches_filters": matches, "meta": meta, "current": current,
                         "previous": previous, "retry": attempt - 1, "event": f"{action}.{ENTITY}"})


def bodies(webhook: Webhook, events: list[tuple[Change, str, int]], permitted: list[int]) -> list[bytes]:
    """The body of each (change, event id, attempt) of a batch to `webhook`, in its version's shape."""
    if webhook.version == "1.0":
        return [v1_body(webhook, change, event_id, attempt, permitted) for change, event_id, attempt in events]
    hook = _WebhookText(webhook, permitted)
    return [_v2_body(hook, change, event_id, attempt) for change, event_id, attempt in events]


# Event ids need to be unique, not secret: a private generator (seeded from the system's randomness) gives
# version-4 UUIDs in a third of uuid4's time, and leaves the global `random` alone.
_ids = random.Random()
_VERSION_4 = (0x4000 << 64) | (0x8000 << 48)  # the version nibble 4 and the RFC 4122 variant bits 10
_NOT_VERSION = ~((0xF000 << 64) | (0xC000 << 48))


def new_event_id() -> str:
    """A random (version 4) UUID, as text."""
    h = f"{(_ids.getrandbits(128) & _NOT_VERSION) | _VERSION_4:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
