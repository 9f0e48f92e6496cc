"""The activity operations: v2 at /api/v2/activities, and v1 (collection, bulk delete) at /v1 and /api/v1.

Views are thin: the pipeline has authenticated and validated the request, the company applies the rules.
"""
from __future__ import annotations

import orjson
from flask import Blueprint, Response

from ...company import page_key
from ...loader import compile_load
from ...pipeline import current
from ...response import envelope, json_response, list_body
from ...validation import load_body
from . import listing, rules
from ..resource import Resource
from .render import v1_json, v2_json, v2_json_items
from .schemas import ActivityInputSchema

blueprint = Blueprint("activities", __name__)
RESOURCE = Resource("activities", (blueprint,), direct=True)
_INPUT = compile_load(ActivityInputSchema())
# Partial only at the top level: `partial=True` would reach into nested attendees and participants
# and skip their defaults, so an update would store an attendee without `name` or a participant
# without `primary`, which the v2 response schema requires.
_INPUT_PARTIAL = compile_load(ActivityInputSchema(partial=tuple(ActivityInputSchema._declared_fields)))


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
    fields = load_body(_INPUT)
    rules.check_profile(fields, ctx.api_profile)
    activity = ctx.company.add(ctx.user, fields, ctx.now, ctx.strict_links)
    more = ctx.company.more_scheduled_in_context(activity)
    # Add and update answers carry `attendees` always: the official response schema and example do.
    return envelope(v2_json(activity, attendees=True), {"more_activities_scheduled_in_context": more})


@blueprint.patch("/api/v2/activities/<id>")
def update_activity(id: str) -> Response:
    ctx = current()
    fields = load_body(_INPUT_PARTIAL)
    rules.check_profile(fields, ctx.api_profile)
    activity = ctx.company.update(ctx.user, ctx.params["id"], fields, ctx.now, ctx.strict_links)
    more = ctx.company.more_scheduled_in_context(activity)
    return envelope(v2_json(activity, attendees=True), {"more_activities_scheduled_in_context": more})


@blueprint.delete("/api/v2/activities/<id>")
def delete_activity(id: str) -> Response:
    ctx = current()
    activity = ctx.company.delete(ctx.user, ctx.params["id"], ctx.now)
    return envelope(b'{"id":%d}' % activity.id)


@blueprint.get("/v1/activities/collection")
@blueprint.get("/api/v1/activities/collection")
def get_activities_collection() -> Response:
    ctx = current()
    listing.check_collection_access(ctx.user)

    def render() -> bytes:
        found, next_cursor = listing.collection_v1(ctx.company, ctx.params)
        return list_body([v1_json(a) for a in found], {"next_cursor": next_cursor})
    return json_response(ctx.company.page_body(page_key("v1", ctx.params), render))


@blueprint.delete("/v1/activities")
@blueprint.delete("/api/v1/activities")
def delete_activities() -> Response:
    ctx = current()
    deleted = ctx.company.delete_many(ctx.user, ctx.params["ids"], ctx.now)
    return envelope(orjson.dumps({"id": deleted}))
