"""The activity field views: v1 with offset pages, v2 with cursor pages, and one v2 field by its code."""
from __future__ import annotations

import orjson
from flask import Blueprint, Response

from ... import pagination
from ...errors import NotFound
from ...pipeline import current
from ...response import envelope, json_response, list_body
from ...times import V1_FORMAT
from ..resource import Resource
from . import catalog

blueprint = Blueprint("activity_fields", __name__)
RESOURCE = Resource("activity_fields", (blueprint,), direct=True)


def _made() -> str:
    """The fields' add and update time: the company's, that of its oldest activity type."""
    ctx = current()
    return min((t.add_time for t in ctx.company.activity_types.values() if t.add_time),
               default=ctx.now.strftime(V1_FORMAT))


@blueprint.get("/v1/activityFields")
@blueprint.get("/api/v1/activityFields")
def get_activity_fields_v1() -> Response:
    ctx = current()
    start, limit = ctx.params["start"], ctx.params["limit"]
    every = catalog.fields()
    page = every[start:start + limit]
    more = start + limit < len(every)
    pagination_data = {"start": start, "limit": limit, "more_items_in_collection": more}
    if more:
        pagination_data["next_start"] = start + limit
    made = _made()
    items = [orjson.dumps(catalog.v1_field(ctx.company, f, made)) for f in page]
    return json_response(list_body(items, {"pagination": pagination_data}))


@blueprint.get("/api/v2/activityFields")
def get_activity_fields() -> Response:
    ctx = current()
    limit, cursor = ctx.params["limit"], ctx.params.get("cursor")
    # The fields' ids are their positions: a cursor is the keyset cursor of the last id given.
    after = pagination.decode_v2(cursor, "id", "asc") if cursor else 0
    every = [f for f in catalog.fields() if f["id"] > after]
    page = every[:limit]
    next_cursor = pagination.encode_v2("id", page[-1]["id"], "asc", page[-1]["id"]) if len(every) > limit else None
    ui = ctx.params.get("include_fields") == "ui_visibility"
    items = [orjson.dumps(catalog.v2_field(ctx.company, f, ui)) for f in page]
    return json_response(list_body(items, {"next_cursor": next_cursor}))


@blueprint.get("/api/v2/activityFields/<field_code>")
def get_activity_field(field_code: str) -> Response:
    ctx = current()
    code = ctx.params["field_code"]
    found = next((f for f in catalog.fields() if f["field_code"] == code), None)
    if found is None:
        raise NotFound(f"Activity field '{code}' was not found")
    ui = ctx.params.get("include_fields") == "ui_visibility"
    return envelope(orjson.dumps(catalog.v2_field(ctx.company, found, ui)))
