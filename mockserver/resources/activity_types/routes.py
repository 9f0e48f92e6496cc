"""The activity type views: reads for every user, writes for global admins (README fidelity notes)."""
from __future__ import annotations

import orjson
from flask import Blueprint, Response

from ...errors import Forbidden
from ...loader import compile_load
from ...pipeline import current
from ...response import envelope
from ...validation import load_body
from ..resource import Resource
from . import rules
from .schemas import ActivityTypeInputSchema, ActivityTypeV1Schema

blueprint = Blueprint("activity_types", __name__)
RESOURCE = Resource("activity_types", (blueprint,), direct=True)
_V1 = ActivityTypeV1Schema()
_INPUT = compile_load(ActivityTypeInputSchema())


def _admin_only() -> None:
    if not current().user.is_admin:
        raise Forbidden()


@blueprint.get("/v1/activityTypes")
@blueprint.get("/api/v1/activityTypes")
def get_activity_types() -> Response:
    types = sorted(current().company.activity_types.values(), key=lambda t: (t.order_nr, t.id))
    return envelope(orjson.dumps(_V1.dump(types, many=True)))


@blueprint.post("/v1/activityTypes")
@blueprint.post("/api/v1/activityTypes")
def add_activity_type() -> Response:
    _admin_only()
    ctx = current()
    return envelope(orjson.dumps(_V1.dump(rules.add(ctx.company, load_body(_INPUT), ctx.now))))


@blueprint.put("/v1/activityTypes/<id>")
@blueprint.put("/api/v1/activityTypes/<id>")
def update_activity_type(id: str) -> Response:
    _admin_only()
    ctx = current()
    changed = rules.update(ctx.company, ctx.params["id"], load_body(_INPUT), ctx.now)
    return envelope(orjson.dumps(_V1.dump(changed)))


@blueprint.delete("/v1/activityTypes/<id>")
@blueprint.delete("/api/v1/activityTypes/<id>")
def delete_activity_type(id: str) -> Response:
    _admin_only()
    ctx = current()
    return envelope(orjson.dumps(_V1.dump(rules.deactivate(ctx.company, ctx.params["id"], ctx.now))))
