"""The records the store holds. Activities are immutable: a write replaces the record."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from operator import attrgetter
from typing import Any

# The kinds of record an activity links to (`deal_id`, `person_id`, ...), each a small pool per company.
ENTITY_KINDS = ("deal", "person", "org", "project", "lead")
LOCATION_KEYS = ("value", "country", "admin_area_level_1", "admin_area_level_2", "locality",
                 "sublocality", "route", "street_number", "subpremise", "postal_code")


@dataclass(slots=True)
class User:
    id: int
    company_id: int
    name: str
    email: str
    token: str
    is_admin: bool


@dataclass(slots=True)
class ActivityType:
    """A type an activity's `type` names by `key_string`; times in v1's `YYYY-MM-DD HH:MM:SS` (UTC)."""
    id: int
    key_string: str
    name: str
    active_flag: bool = True
    order_nr: int = 0
    icon_key: str = "task"
    color: str | None = None
    is_custom_flag: bool = False
    add_time: str | None = None
    update_time: str | None = None


@dataclass(slots=True)
class Entity:
    """A person, organization, deal, lead or project an activity can link to."""
    id: Any  # int, but a lead's id is a UUID string
    name: str
    org_id: int | None = None
    email: str | None = None


@dataclass(slots=True)
class SavedFilter:
    """A saved filter: every condition (field, operator, value) must hold.

    Operators are `eq`, `lt` and `gte`; the value `"today"` means the clock's current UTC date.
    """
    id: int
    name: str
    conditions: tuple[tuple[str, str, Any], ...]


@dataclass(slots=True, eq=False)
class Activity:
    id: int
    company_id: int
    subject: str
    type: str
    owner_id: int
    creator_user_id: int
    update_user_id: int | None
    add_time: datetime
    update_time: datetime
    deal_id: int | None = None
    lead_id: str | None = None
    person_id: int | None = None
    org_id: int | None = None
    project_id: int | None = None
    due_date: str | None = None
    due_time: str | None = None
    duration: str | None = None
    busy: bool = False
    done: bool = False
    marked_as_done_time: datetime | None = None
    location: dict[str, str | None] | None = None
    participants: tuple[dict[str, Any], ...] = ()
    attendees: tuple[dict[str, Any], ...] = ()
    conference_meeting_client: str | None = None
    conference_meeting_url: str | None = None
    conference_meeting_id: str | None = None
    public_description: str | None = None
    priority: int | None = None
    outcome: int | None = None  # an option id of the `outcome` activity field (Node client 33.x)
    note: str | None = None
    source_timezone: str | None = None
    deleted_time: datetime | None = None
    # Serialized views of this (immutable) record, made on first use. Slots, not a dict: 150 bytes a
    # record less. Not init fields, so a record made by `dataclasses.replace` starts without them.
    json_v2: bytes | None = field(default=None, init=False, repr=False, compare=False)
    json_v2_attendees: bytes | None = field(default=None, init=False, repr=False, compare=False)
    json_v1: bytes | None = field(default=None, init=False, repr=False, compare=False)
    json_snapshot: bytes | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_time is not None


_ACTIVITY_FIELDS = tuple(f.name for f in fields(Activity) if f.init)
_activity_values = attrgetter(*_ACTIVITY_FIELDS)


def replaced(activity: Activity, **changes: Any) -> Activity:
    """A new record: `activity` with `changes`, as `dataclasses.replace` makes it, in half its time (every
    update and delete makes one)."""
    values = dict(zip(_ACTIVITY_FIELDS, _activity_values(activity)))
    values.update(changes)
    return Activity(**values)
