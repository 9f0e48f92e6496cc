"""The v1 collection item (facts page, "The v1 collection item"): v1 names and formats."""
from __future__ import annotations

from datetime import datetime

from marshmallow import Schema, fields

from ....times import V1_FORMAT as V1_TIME


def _v1_time(value: datetime | None) -> str:
    return value.strftime(V1_TIME) if value is not None else ""


def _location_part(key: str) -> fields.Function:
    return fields.Function(lambda a: (a.location or {}).get(key))


class ActivityV1Schema(Schema):
    id = fields.Integer()
    company_id = fields.Integer()
    user_id = fields.Integer(attribute="owner_id")
    done = fields.Boolean()
    type = fields.String()
    subject = fields.String()
    conference_meeting_client = fields.String(allow_none=True)
    conference_meeting_url = fields.String(allow_none=True)
    conference_meeting_id = fields.String(allow_none=True)
    due_date = fields.String(allow_none=True)
    due_time = fields.Function(lambda a: a.due_time or "")
    duration = fields.Function(lambda a: a.duration or "")
    busy_flag = fields.Boolean(attribute="busy")
    add_time = fields.Function(lambda a: _v1_time(a.add_time))
    marked_as_done_time = fields.Function(lambda a: _v1_time(a.marked_as_done_time))
    update_time = fields.Function(lambda a: _v1_time(a.update_time))
    update_user_id = fields.Integer(allow_none=True)
    active_flag = fields.Function(lambda a: not a.is_deleted)
    public_description = fields.String(allow_none=True)
    location = fields.Function(lambda a: (a.location or {}).get("value"))
    org_id = fields.Integer(allow_none=True)
    person_id = fields.Integer(allow_none=True)
    deal_id = fields.Integer(allow_none=True)
    lead_id = fields.String(allow_none=True)
    project_id = fields.Integer(allow_none=True)
    source_timezone = fields.String(allow_none=True)
    location_subpremise = _location_part("subpremise")
    location_street_number = _location_part("street_number")
    location_route = _location_part("route")
    location_sublocality = _location_part("sublocality")
    location_locality = _location_part("locality")
    location_admin_area_level_1 = _location_part("admin_area_level_1")
    location_admin_area_level_2 = _location_part("admin_area_level_2")
    location_country = _location_part("country")
    location_postal_code = _location_part("postal_code")
    location_formatted_address = _location_part("value")

