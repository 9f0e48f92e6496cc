"""`GET|POST /v1/webhooks` and `DELETE /v1/webhooks/{id}`, at /v1 and /api/v1. Views are thin: the
request is authenticated, charged and validated by the pipeline; the rules are in subscriptions.py."""
from __future__ import annotations

import re

from flask import Blueprint, Response, g

from ...errors import BadRequest, FieldErrors, error_response
from ...pipeline import current, state
from ...response import json_response
from ..resource import Resource
from . import subscriptions

blueprint = Blueprint("webhooks", __name__)

# The field a contract violation names ("Invalid value for field 'name': ...", "Unknown field 'x' ...").
_NAMED = re.compile(r"(?:field|parameter) '([^']+)'|\"([^\"]+)\" is a required property")


@blueprint.errorhandler(BadRequest)
def _field_errors(error: BadRequest) -> Response:
    """The webhooks API answers a bad request in its own shape: messages by field (facts page)."""
    ctx = g.get("ctx")
    messages = list(ctx.violations or []) if ctx is not None else []
    messages = messages or error.message.split("; ")
    errors: dict[str, list[str]] = {}
    for message in messages:
        named = _NAMED.search(message)
        field = (named.group(1) or named.group(2)).split(".")[0] if named else "body"
        errors.setdefault(field, []).append(str(message))
    return error_response(FieldErrors(errors))


@blueprint.get("/v1/webhooks")
@blueprint.get("/api/v1/webhooks")
def get_webhooks() -> Response:
    ctx = current()
    subscriptions.check_admin(ctx.user)
    data = [subscriptions.webhook_dict(w) for w in subscriptions.webhooks(ctx.company)]
    return json_response({"status": "ok", "success": True, "data": data})


@blueprint.post("/v1/webhooks")
@blueprint.post("/api/v1/webhooks")
def add_webhook() -> Response:
    ctx = current()
    st = state()
    webhook = subscriptions.subscribe(ctx.company, ctx.user, ctx.body, st.clock.time(), st.deliveries.targets)
    return json_response({"status": "ok", "success": True, "data": subscriptions.webhook_dict(webhook)}, 201)


@blueprint.delete("/v1/webhooks/<id>")
@blueprint.delete("/api/v1/webhooks/<id>")
def delete_webhook(id: str) -> Response:
    ctx = current()
    subscriptions.unsubscribe(ctx.company, ctx.user, ctx.params["id"])
    return json_response({"status": "ok", "success": True})


# Subscriptions are each company's own state: reset, snapshots and the state file carry them.
RESOURCE = Resource("webhooks", (blueprint,), company_state=subscriptions.Subscriptions.load)
