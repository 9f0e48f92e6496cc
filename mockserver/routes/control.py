"""The control API under /_mock/: thin views over MockState's objects, validated by control-openapi.yaml."""
from __future__ import annotations

import hmac
from typing import Any

from flask import Blueprint, Response, g, request

from .. import __version__, datafile, snapshot, times
from ..constants import DEFAULT_ACTIVITIES, DEFAULT_COMPANY_ID, DEFAULT_SEED
from ..contract import CONTROL_SPEC_FILE, spec_text
from ..errors import ApiError, BadRequest, NotFound
from ..model import User
from ..origin import is_loopback
from ..pipeline import RequestContext, current, state
from ..response import json_response

CONTROL_TOKEN_HEADER = "x-mock-control-token"

blueprint = Blueprint("control", __name__, url_prefix="/_mock")


def user_dict(user: User) -> dict[str, Any]:
    return {"id": user.id, "company_id": user.company_id, "name": user.name, "email": user.email,
            "token": user.token, "is_admin": user.is_admin}


@blueprint.before_request
def _authorize_and_validate() -> None:
    _authorize(state().control_token)
    rule = request.url_rule
    operation = state().control.find(rule.rule, request.method) if rule is not None else None
    ctx = g.ctx = RequestContext(operation=operation, violations=[])
    if operation is None:
        return
    params, violations = operation.check_parameters(request.view_args or {}, request.args.to_dict(flat=False))
    body, body_violations = operation.check_body(request.content_type, request.get_data(cache=True))
    if violations or body_violations:
        raise BadRequest("; ".join([*violations, *body_violations]))
    ctx.params, ctx.body = params, body


def _authorize(expected: str | None) -> None:
    """With a control token, the header must carry it; without one, only this machine may call."""
    if expected is not None:
        given = request.headers.get(CONTROL_TOKEN_HEADER, "")
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise ApiError(f"The control API needs the header {CONTROL_TOKEN_HEADER} with the server's "
                           f"--control-token", status=401)
        return
    if not is_loopback(request.remote_addr):
        raise ApiError("The control API answers only loopback clients unless the server runs with "
                       "--control-token", status=403)


@blueprint.get("/openapi.yaml")
def openapi() -> Response:
    return Response(spec_text(CONTROL_SPEC_FILE), mimetype="application/yaml")


@blueprint.get("/health")
def health() -> Response:
    """A JSON object other parts of the mock may add keys to (the spec leaves it open)."""
    companies = sum(1 for _ in state().store.companies())
    st = state()
    return json_response({"status": "ok", "version": __version__, "companies": companies,
                          "api_profile": st.api_profile, "unknown_fields": st.unknown_fields})


@blueprint.get("/users")
def list_users() -> Response:
    return json_response({"users": [user_dict(u) for u in state().store.users()]})


@blueprint.post("/companies")
def add_company() -> Response:
    body = current().body or {}
    company = state().store.create_company(seed=body.get("seed", DEFAULT_SEED),
                                           activities=body.get("activities", DEFAULT_ACTIVITIES))
    return json_response({"company_id": company.id, "users": [user_dict(u) for u in company.users.values()]},
                         201)


@blueprint.post("/reset")
def reset() -> Response:
    """MockState.reset, as the pytest plugin calls it: the data by default, or everything."""
    body = current().body or {}
    if body.get("everything") and "company_id" in body:
        raise BadRequest("Invalid request body: 'everything' resets every company; leave out 'company_id'")
    return json_response({"reset": state().reset(body.get("company_id"), everything=body.get("everything", False))})


@blueprint.post("/seed")
def seed() -> Response:
    body = current().body or {}
    store = state().store
    company = store.company(body.get("company_id", DEFAULT_COMPANY_ID))
    seed_value = body.get("seed", company.seed if company.seed is not None else DEFAULT_SEED)
    if "data" not in body:
        store.reseed(company.id, seed_value, body.get("activities", DEFAULT_ACTIVITIES))
        return json_response({"company_id": company.id, "seed": seed_value, "activities": len(company.activities)})
    try:  # seed data (README, "Your own seed data"): checked whole before anything changes
        document = datafile.validate(body["data"], "data")
        datafile.apply(store, document, source="data", company_id=company.id, reseed=seed_value)
    except datafile.DataFileError as exc:
        raise BadRequest(str(exc)) from None
    seeded = store.company(company.id)
    return json_response({"company_id": seeded.id, "seed": seed_value, "activities": len(seeded.activities)})


@blueprint.get("/snapshot")
def get_snapshot() -> Response:
    return Response(snapshot.dumps(state().store), mimetype="application/json")


@blueprint.put("/snapshot")
def put_snapshot() -> Response:
    snapshot.restore(state().store, current().body)
    return get_snapshot()


def _clock_body() -> Response:
    clock = state().clock
    return json_response({"now": times.format_whole(clock.now()), "frozen": clock.frozen})


@blueprint.get("/clock")
def get_clock() -> Response:
    return _clock_body()


@blueprint.post("/clock")
def set_clock() -> Response:
    """`now` sets and freezes, `advance` moves, `frozen` stops or restarts time; in that order."""
    clock, body = state().clock, current().body
    target = times.clock_instant(body["now"], "field 'now'") if "now" in body else clock.time()
    times.check_clock(target + body.get("advance", 0), "the clock after 'advance'")
    if "now" in body:
        clock.set(target)
    if "advance" in body:
        clock.advance(body["advance"])
    if body.get("frozen") is True:
        clock.freeze()
    elif body.get("frozen") is False:
        clock.unfreeze()
    return _clock_body()


@blueprint.get("/requests")
def list_requests() -> Response:
    entries = state().journal.entries(current().params.get("method"), current().params.get("path"))
    return json_response({"requests": [e.to_dict() for e in entries]})


@blueprint.delete("/requests")
def clear_requests() -> Response:
    journal = state().journal
    cleared = len(journal)
    journal.clear()
    return json_response({"cleared": cleared})


@blueprint.get("/faults")
def list_faults() -> Response:
    return json_response({"faults": [f.to_dict() for f in state().faults.list()]})


@blueprint.post("/faults")
def add_fault() -> Response:
    body = dict(current().body)
    if body.get("method"):
        body["method"] = body["method"].upper()
    return json_response(state().faults.add(**body).to_dict(), 201)


@blueprint.delete("/faults")
def clear_faults() -> Response:
    faults = state().faults
    cleared = len(faults.list())
    faults.clear()
    return json_response({"cleared": cleared})


@blueprint.delete("/faults/<id>")
def clear_fault(id: str) -> Response:
    if not state().faults.clear(current().params["id"]):
        raise NotFound(f"Fault {current().params['id']} was not found (GET /_mock/faults lists them)")
    return json_response({"cleared": 1})


@blueprint.get("/webhooks/deliveries")
def list_webhook_deliveries() -> Response:
    params = current().params
    entries = state().deliveries.log.entries(params.get("webhook_id"), params.get("company_id"))
    return json_response({"deliveries": [e.to_dict() for e in entries]})


@blueprint.delete("/webhooks/deliveries")
def clear_webhook_deliveries() -> Response:
    return json_response({"cleared": state().deliveries.log.clear()})


@blueprint.post("/webhooks/flush")
def flush_webhooks() -> Response:
    return json_response({"flushed": state().deliveries.flush()})


@blueprint.get("/rate-limit")
def get_rate_limit() -> Response:
    return json_response(state().rate_limit.settings.to_dict())


@blueprint.post("/rate-limit")
def set_rate_limit() -> Response:
    return json_response(state().rate_limit.configure(**current().body).to_dict())
