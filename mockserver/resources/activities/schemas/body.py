"""A v2 add/update body, already validated against openapi.yaml, into record fields."""
from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, fields, post_load

from .v2 import LocationSchema


def _hh_mm(value: str | None) -> str | None:
    """`HH:MM:SS` is accepted on input; the API always answers `HH:MM` (facts page, decisions)."""
    return value[:5] if value else value


class _ParticipantIn(Schema):
    class Meta:
        unknown = RAISE

    person_id = fields.Integer(required=True, strict=True)
    primary = fields.Boolean(load_default=False)


class _AttendeeIn(Schema):
    class Meta:
        unknown = RAISE

    email = fields.String(required=True)
    name = fields.String(allow_none=True, load_default=None)
    status = fields.String(allow_none=True, load_default=None)
    is_organizer = fields.Boolean(load_default=False)
    person_id = fields.Integer(allow_none=True, strict=True, load_default=None)
    user_id = fields.Integer(allow_none=True, strict=True, load_default=None)


class _LocationIn(LocationSchema):
    class Meta:
        unknown = RAISE


class ActivityInputSchema(Schema):
    """Loads only the fields present (update is partial); unknown fields are an error."""

    class Meta:
        unknown = RAISE

    subject = fields.String()
    type = fields.String()
    owner_id = fields.Integer(strict=True)
    deal_id = fields.Integer(strict=True, allow_none=True)
    lead_id = fields.String(allow_none=True)
    person_id = fields.Integer(strict=True, allow_none=True)
    org_id = fields.Integer(strict=True, allow_none=True)
    project_id = fields.Integer(strict=True, allow_none=True)
    due_date = fields.String(allow_none=True)
    due_time = fields.String(allow_none=True)
    duration = fields.String(allow_none=True)
    busy = fields.Boolean(truthy={True}, falsy={False})
    done = fields.Boolean(truthy={True}, falsy={False})
    location = fields.Nested(_LocationIn, allow_none=True)
    participants = fields.List(fields.Nested(_ParticipantIn))
    attendees = fields.List(fields.Nested(_AttendeeIn))
    public_description = fields.String(allow_none=True)
    priority = fields.Integer(strict=True, allow_none=True)
    outcome = fields.Integer(strict=True, allow_none=True)
    note = fields.String(allow_none=True)

    @post_load
    def _normalize(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        for key in ("due_time", "duration"):
            if key in data:
                data[key] = _hh_mm(data[key])
        if data.get("location") is not None:
            data["location"] = {key: data["location"].get(key) for key in LocationSchema._declared_fields}
        for key in ("participants", "attendees"):
            if key in data:
                data[key] = tuple(data[key])
        return data


__all__ = ["ActivityInputSchema"]
