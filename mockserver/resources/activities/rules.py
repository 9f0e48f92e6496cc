"""The activity rules a write must pass, and what a write implies, apart from storage."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...constants import API_PROFILE_CURRENT
from ...errors import BadRequest
from ...model import ENTITY_KINDS, Activity
from ..activity_fields.options import check_options

if TYPE_CHECKING:
    from ...company import Company


# The live API's answer to `person_id` in a v2 add or update body (facts page, "The living API"), word for word.
PERSON_ID_READ_ONLY = "'person_id' is a read-only field. Add a primary participant to set 'person_id' instead."


def check_profile(fields: dict[str, Any], api_profile: str) -> None:
    """Under the `current` API profile a body may not set `person_id`; under `seed` it becomes the primary
    participant (see link_primary_person)."""
    if api_profile == API_PROFILE_CURRENT and "person_id" in fields:
        raise BadRequest(PERSON_ID_READ_ONLY)


def check_fields(company: Company, fields: dict[str, Any], strict_links: bool) -> None:
    """A 400 naming the field when a written value does not fit the company's data or an option set."""
    check_options(fields)
    if "type" in fields:
        activity_type = company.activity_types.get(fields["type"])
        if activity_type is None or not activity_type.active_flag:
            allowed = ", ".join(k for k, t in company.activity_types.items() if t.active_flag)
            state = "an inactive" if activity_type is not None else "not an active"
            raise BadRequest(f"Invalid value for field 'type': '{fields['type']}' is {state} activity type "
                             f"of this company (allowed: {allowed})")
    if "owner_id" in fields and fields["owner_id"] not in company.users:
        raise BadRequest(f"Invalid value for field 'owner_id': {fields['owner_id']} is not a user "
                         f"of this company")
    if strict_links:
        for kind in ENTITY_KINDS:
            value = fields.get(f"{kind}_id")
            if value is not None and value not in company.entities[kind]:
                raise BadRequest(f"Invalid value for field '{kind}_id': {kind} {value} does not exist")
        for participant in fields.get("participants") or ():
            if participant["person_id"] not in company.entities["person"]:
                raise BadRequest("Invalid value for field 'participants': person "
                                 f"{participant['person_id']} does not exist")


def link_primary_person(values: dict[str, Any], current: Activity | None) -> None:
    """Keep `person_id` and the primary participant the same person.

    A `person_id` in a body becomes the primary participant (facts page, decisions); a participants
    list without `person_id` makes its primary participant the activity's person.
    """
    if "person_id" in values:
        person_id = values["person_id"]
        base = values.get("participants", current.participants if current else ())
        others = tuple({"person_id": p["person_id"], "primary": False} for p in base
                       if p["person_id"] != person_id)
        values["participants"] = ((({"person_id": person_id, "primary": True},) if person_id else ())
                                  + others)
    elif "participants" in values:
        participants = tuple({"person_id": p["person_id"], "primary": bool(p.get("primary"))}
                             for p in values["participants"])
        values["participants"] = participants
        values["person_id"] = next((p["person_id"] for p in participants if p["primary"]), None)
