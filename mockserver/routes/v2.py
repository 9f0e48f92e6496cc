"""The v2 operations. Views are thin: the request is already authenticated and validated."""
from __future__ import annotations

from flask import Blueprint, Response

from .. import listing
from ..company import page_key
from ..pipeline import current, load_body
from ..render import v2_json, v2_json_items
from ..response import envelope, json_response, list_body
from ..schemas import ActivityInputSchema

blueprint = Blueprint("v2", __name__)
_INPUT = ActivityInputSchema()
# Partial only at the top level: `partial=True` would reach into nested attendees and participants
# and skip their defaults, so an update would store an attendee without `name` or a participant
# without `primary`, which the v2 response schema requires.
_INPUT_PARTIAL = ActivityInputSchema(partial=tuple(ActivityInputSchema._declared_fields))


@blueprint.get("/api/v2/activities")
def get_activities() -> Response:
    ctx = current()
    today = ctx.now.date().isoformat()  # saved filters may compare due dates with today

    def render() -> bytes:
        found, next_cursor = listing.list_v2(ctx.company, ctx.params, today)
        attendees = ctx.params.get("include_fields") == "attendees"
        return list_body(v2_json_items(found, attendees), {"next_cursor": next_cursor})
    return json_response(ctx.company.page_body(page_key("v2", ctx.params, today), render))


@blueprint.get("/api/v2/activities/<id>")
def get_activity(id: str) -> Response:
    ctx = current()
    activity = ctx.company.get(ctx.params["id"])
    return envelope(v2_json(activity, ctx.params.get("include_fields") == "attendees"))


@blueprint.post("/api/v2/activities")
def add_activity() -> Response:
    ctx = current()
    activity = ctx.company.add(ctx.user, load_body(_INPUT), ctx.now, ctx.strict_links)
    more = ctx.company.more_scheduled_in_context(activity)
    # Add and update answers carry `attendees` always: the official response schema and example do.
    return envelope(v2_json(activity, attendees=True), {"more_activities_scheduled_in_context": more})


@blueprint.patch("/api/v2/activities/<id>")
def update_activity(id: str) -> Response:
    ctx = current()
    activity = ctx.company.update(ctx.user, ctx.params["id"], load_body(_INPUT_PARTIAL), ctx.now, ctx.strict_links)
    more = ctx.company.more_scheduled_in_context(activity)
    return envelope(v2_json(activity, attendees=True), {"more_activities_scheduled_in_context": more})


@blueprint.delete("/api/v2/activities/<id>")
def delete_activity(id: str) -> Response:
    ctx = current()
    activity = ctx.company.delete(ctx.user, ctx.params["id"], ctx.now)
    return envelope(b'{"id":%d}' % activity.id)
