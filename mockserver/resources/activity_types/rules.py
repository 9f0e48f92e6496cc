"""Writing activity types: a `key_string` made from the name, one per company; DELETE only deactivates."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ...errors import BadRequest, NotFound
from ...model import ActivityType
from ...times import V1_FORMAT

if TYPE_CHECKING:
    from ...company import Company

_NOT_KEY = re.compile(r"[^a-z0-9]+")
# A name with no letter or digit at all (e.g. "!!!") still gets a key.
EMPTY_KEY = "custom"


def key_string_for(name: str, taken: set[str]) -> str:
    """The key of a new type named `name`: lower case, each run of other characters one `_`, no `_` at
    either end ("Video call" -> `video_call`, the official spec's example); `_2`, `_3`... when taken."""
    base = _NOT_KEY.sub("_", name.lower()).strip("_") or EMPTY_KEY
    key, suffix = base, 2
    while key in taken:
        key, suffix = f"{base}_{suffix}", suffix + 1
    return key


def find(company: Company, type_id: int) -> ActivityType:
    for activity_type in company.activity_types.values():
        if activity_type.id == type_id:
            return activity_type
    raise NotFound(f"Activity type {type_id} was not found")


def add(company: Company, fields: dict[str, Any], now: datetime) -> ActivityType:
    """A new custom type, active, after the others in order."""
    with company.lock:
        types = company.activity_types
        made = now.strftime(V1_FORMAT)
        added = ActivityType(
            id=max((t.id for t in types.values()), default=0) + 1,
            key_string=key_string_for(fields["name"], set(types)), name=fields["name"], active_flag=True,
            order_nr=max((t.order_nr for t in types.values()), default=0) + 1, icon_key=fields["icon_key"],
            color=fields.get("color"), is_custom_flag=True, add_time=made, update_time=made)
        company.activity_types = {**types, added.key_string: added}
        return added


def update(company: Company, type_id: int, fields: dict[str, Any], now: datetime) -> ActivityType:
    """Name, icon, color or order changed; the key stays, so activities of the type keep it."""
    with company.lock:
        changed = replace(find(company, type_id), **fields, update_time=now.strftime(V1_FORMAT))
        company.activity_types = {**company.activity_types, changed.key_string: changed}
        return changed


def deactivate(company: Company, type_id: int, now: datetime) -> ActivityType:
    """DELETE: the type stays, inactive; deleting an inactive type again answers it as it is."""
    with company.lock:
        current = find(company, type_id)
        if not current.active_flag:
            return current
        if not any(t.active_flag for t in company.activity_types.values() if t.id != type_id):
            # An activity added without a type takes the first active one: one must remain.
            raise BadRequest(f"Activity type {type_id} is the company's last active type; add another first")
        changed = replace(current, active_flag=False, update_time=now.strftime(V1_FORMAT))
        company.activity_types = {**company.activity_types, changed.key_string: changed}
        return changed
