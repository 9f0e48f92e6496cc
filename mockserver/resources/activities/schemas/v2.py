"""The v2 activity object (facts page, "The v2 activity object")."""
from __future__ import annotations

from marshmallow import Schema, fields

RFC3339 = "%Y-%m-%dT%H:%M:%SZ"


class LocationSchema(Schema):
    value = fields.String(allow_none=True)
    country = fields.String(allow_none=True)
    admin_area_level_1 = fields.String(allow_none=True)
    admin_area_level_2 = fields.String(allow_none=True)
    locality = fields.String(allow_none=True)
    sublocality = fields.String(allow_none=True)
    route = fields.String(allow_none=True)
    street_number = fields.String(allow_none=True)
    subpremise = fields.String(allow_none=True)
    postal_code = fields.String(allow_none=True)


class ParticipantSchema(Schema):
    person_id = fields.Integer(strict=True)
    primary = fields.Boolean()


class AttendeeSchema(Schema):
    email = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    status = fields.String(allow_none=True)
    is_organizer = fields.Boolean()
    person_id = fields.Integer(allow_none=True, strict=True)
    user_id = fields.Integer(allow_none=True, strict=True)


class ActivityV2Schema(Schema):
    """Dumps a record; `attendees` is left out unless the schema is built with it."""

    id = fields.Integer()
    subject = fields.String()
    type = fields.String()
    owner_id = fields.Integer()
    creator_user_id = fields.Integer()
    is_deleted = fields.Boolean()
    add_time = fields.DateTime(format=RFC3339)
    update_time = fields.DateTime(format=RFC3339)
    deal_id = fields.Integer(allow_none=True)
    lead_id = fields.String(allow_none=True)
    person_id = fields.Integer(allow_none=True)
    org_id = fields.Integer(allow_none=True)
    project_id = fields.Integer(allow_none=True)
    due_date = fields.String(allow_none=True)
    due_time = fields.String(allow_none=True)
    duration = fields.String(allow_none=True)
    busy = fields.Boolean()
    done = fields.Boolean()
    marked_as_done_time = fields.DateTime(format=RFC3339, allow_none=True)
    location = fields.Nested(LocationSchema, allow_none=True)
    participants = fields.List(fields.Nested(ParticipantSchema))
    conference_meeting_client = fields.String(allow_none=True)
    conference_meeting_url = fields.String(allow_none=True)
    conference_meeting_id = fields.String(allow_none=True)
    public_description = fields.String(allow_none=True)
    priority = fields.Integer(allow_none=True)
    outcome = fields.Integer(allow_none=True)
    note = fields.String(allow_none=True)
    attendees = fields.List(fields.Nested(AttendeeSchema))
