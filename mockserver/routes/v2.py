"""The v2 operations. Views are thin: the request is already authenticated and validated."""
from __future__ import annotations

from flask import Blueprint, Response, g

from .. import listing
from ..company import page_key
from ..render import envelope, json_response, list_body, v2_json, v2_json_items
from ..request import current, load_body

blueprint = Blueprint("v2", __name__)


@blueprint.get("/api/v2/activities")
def get_activities() -> Response:
    ctx = current()
    today = ctx.now.date().isoformat()  # saved filters may compare due dates with today

    def render() -> bytes:
        found, next_cursor = listing.list_v2(ctx.company, g.params, today)
        attendees = g.params.get("include_fields") == "attendees"
        return list_body(v2_json_items(found, attendees), {"next_cursor": next_cursor})
    return json_response(ctx.company.page_body(page_key("v2", g.params, today), render))


@blueprint.get("/api/v2/activities/<id>")
def get_activity(id: str) -> Response:
    ctx = current()
    activity = ctx.company.get(g.params["id"])
    return envelope(v2_json(activity, g.params.get("include_fields") == "attendees"))


@blueprint.post("/api/v2/activities")
def add_activity() -> Response:
    ctx = current()
    activity = ctx.company.add(ctx.user, load_body(), ctx.now, ctx.strict_links)
    more = ctx.company.more_scheduled_in_context(activity)
    # Add and update answers carry `attendees` always: the official response schema and example do.
    return envelope(v2_json(activity, attendees=True), {"more_activities_scheduled_in_context": more})


@blueprint.patch("/api/v2/activities/<id>")
def update_activity(id: str) -> Response:
    ctx = current()
    activity = ctx.company.update(ctx.user, g.params["id"], load_body(), ctx.now, ctx.strict_links)
    more = ctx.company.more_scheduled_in_context(activity)
    return envelope(v2_json(activity, attendees=True), {"more_activities_scheduled_in_context": more})


@blueprint.delete("/api/v2/activities/<id>")
def delete_activity(id: str) -> Response:
    ctx = current()
    activity = ctx.company.delete(ctx.user, g.params["id"], ctx.now)
    return envelope(b'{"id":%d}' % activity.id)
