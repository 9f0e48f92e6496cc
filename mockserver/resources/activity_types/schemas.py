"""The v1 shape of an activity type, and a validated add or update body into record fields."""
from __future__ import annotations

from marshmallow import RAISE, Schema, fields


class ActivityTypeV1Schema(Schema):
    id = fields.Integer()
    order_nr = fields.Integer()
    name = fields.String()
    key_string = fields.String()
    icon_key = fields.String()
    active_flag = fields.Boolean()
    color = fields.String(allow_none=True)
    is_custom_flag = fields.Boolean()
    add_time = fields.String()
    update_time = fields.String()


class ActivityTypeInputSchema(Schema):
    """Add and update (partial) bodies, already checked against openapi.yaml; colors in upper case."""

    class Meta:
        unknown = RAISE

    name = fields.String()
    icon_key = fields.String()
    color = fields.Function(deserialize=lambda value: value.upper())
    order_nr = fields.Integer(strict=True)
