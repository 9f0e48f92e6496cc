"""The v1 operations, served at /v1/... and /api/v1/... as the real API does."""
from __future__ import annotations

import orjson
from flask import Blueprint, Response

from .. import listing
from ..company import page_key
from ..pipeline import current
from ..render import v1_json
from ..response import envelope, json_response, list_body

blueprint = Blueprint("v1", __name__)


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
