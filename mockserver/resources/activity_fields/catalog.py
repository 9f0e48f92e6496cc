"""Every field of an activity, as activityFields describes it: the v2 activity's properties in openapi.yaml.

Names and Pipedrive field types come from the table below; a property the table does not know gets a name
made from its code and a type from its JSON schema, so a field the contract gains is listed at once.
"""
from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from ...contract import dereference, load_spec
from .options import OPTION_SETS

if TYPE_CHECKING:
    from ...company import Company

# field_code: (field_name, field_type); Pipedrive's names where it has them.
KNOWN: dict[str, tuple[str, str]] = {
    "id": ("ID", "int"), "subject": ("Subject", "varchar"), "type": ("Type", "enum"),
    "owner_id": ("Owner", "user"), "creator_user_id": ("Creator", "user"), "is_deleted": ("Deleted", "boolean"),
    "add_time": ("Add time", "date"), "update_time": ("Update time", "date"), "deal_id": ("Deal", "deal"),
    "lead_id": ("Lead", "lead"), "person_id": ("Contact person", "people"), "org_id": ("Organization", "org"),
    "project_id": ("Project", "project"), "due_date": ("Due date", "date"), "due_time": ("Due time", "time"),
    "duration": ("Duration", "time"), "busy": ("Free/busy", "boolean"), "done": ("Done", "boolean"),
    "marked_as_done_time": ("Marked as done time", "date"), "location": ("Location", "address"),
    "participants": ("Participants", "people"), "public_description": ("Public description", "text"),
    "note": ("Note", "text"), "priority": ("Priority", "enum"), "outcome": ("Outcome", "enum"),
    "attendees": ("Attendees", "json"),
}
_BY_SCHEMA_TYPE = {"integer": "int", "number": "double", "boolean": "boolean", "string": "varchar",
                   "object": "json", "array": "json"}
# Fields a list answers only when asked (`include_fields=attendees`).
OPTIONAL_RESPONSE_FIELDS = frozenset({"attendees"})


def _schema_type(schema: dict[str, Any]) -> str:
    kind = schema.get("type", "string")
    kinds = [k for k in (kind if isinstance(kind, list) else [kind]) if k != "null"]
    return _BY_SCHEMA_TYPE.get(kinds[0] if kinds else "string", "varchar")


@cache
def fields() -> tuple[dict[str, Any], ...]:
    """The company-independent part of every field, in the contract's order; `id` counts from 1."""
    spec = load_spec()
    properties = dereference(spec["components"]["schemas"]["ActivityV2"], spec)["properties"]
    writable = set(spec["components"]["schemas"]["ActivityAddRequest"]["properties"])
    found = []
    for number, (code, schema) in enumerate(properties.items(), start=1):
        name, field_type = KNOWN.get(code, (code.replace("_", " ").capitalize(), _schema_type(schema)))
        subfields = None
        if code == "location":
            subfields = [{"field_code": f"location_{part}", "field_name": part.replace("_", " ").capitalize(),
                          "field_type": "varchar"} for part in schema.get("properties", {})]
        found.append({"id": number, "field_code": code, "field_name": name, "field_type": field_type,
                      "writable": code in writable, "subfields": subfields})
    return tuple(found)


def options(company: Company, code: str) -> list[dict[str, Any]] | None:
    """A field's options: the company's activity types for `type` (id = the key an activity's `type`
    holds), the option sets for `priority` and `outcome`, None for every other field."""
    if code == "type":
        return [{"id": t.key_string, "label": t.name, "color": t.color}
                for t in sorted(company.activity_types.values(), key=lambda t: (t.order_nr, t.id)) if t.active_flag]
    if code in OPTION_SETS:
        return [{"id": option_id, "label": label, "color": None} for option_id, label in OPTION_SETS[code].items()]
    return None


def v2_field(company: Company, field: dict[str, Any], ui_visibility: bool) -> dict[str, Any]:
    shaped = {"field_name": field["field_name"], "field_code": field["field_code"],
              "field_type": field["field_type"], "is_custom_field": False,
              "is_optional_response_field": field["field_code"] in OPTIONAL_RESPONSE_FIELDS,
              "options": options(company, field["field_code"]), "subfields": field["subfields"]}
    if ui_visibility:
        shaped["ui_visibility"] = {"add_visible_flag": field["writable"], "details_visible_flag": True}
    return shaped


def v1_field(company: Company, field: dict[str, Any], made: str) -> dict[str, Any]:
    writable = field["writable"]
    return {"id": field["id"], "key": field["field_code"], "name": field["field_name"], "order_nr": field["id"] - 1,
            "field_type": field["field_type"], "add_time": made, "update_time": made, "active_flag": True,
            "edit_flag": False, "index_visible_flag": True, "details_visible_flag": True,
            "add_visible_flag": writable, "important_flag": False, "bulk_edit_allowed": writable,
            "searchable_flag": field["field_code"] == "subject", "filtering_allowed": True,
            "sortable_flag": field["field_code"] in ("id", "add_time", "update_time", "due_date"),
            "mandatory_flag": False, "options": options(company, field["field_code"])}
