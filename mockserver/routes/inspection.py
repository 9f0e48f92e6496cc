"""Control endpoints the dashboard reads, a page at a time (on the control blueprint: same token, same checks)."""
from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any

from flask import Response

from .. import inspection
from ..errors import NotFound
from ..explanation import explain
from ..model import Activity
from ..pipeline import current, state
from ..resources.webhooks import subscriptions
from ..response import json_response
from .. import times
from .control import blueprint, user_dict

_ACTIVITY_FIELDS = tuple(f.name for f in fields(Activity) if f.init and f.name != "company_id")


def activity_dict(activity: Activity) -> dict[str, Any]:
    """Every field of a stored activity (as a snapshot has it), times in RFC 3339."""
    values = {name: getattr(activity, name) for name in _ACTIVITY_FIELDS}
    return {name: times.format(value) if isinstance(value, datetime) else value for name, value in values.items()}


@blueprint.get("/journal")
def list_journal() -> Response:
    params = current().params
    query = inspection.JournalQuery(method=params.get("method"), path=params.get("path"),
                                    status=params.get("status"), violations=params.get("violations"),
                                    company_id=params.get("company_id"), activity_id=params.get("activity_id"))
    return json_response(inspection.journal_page(state().journal, query, params["limit"],
                                                 params.get("before"), params.get("after")))


@blueprint.get("/journal/<id>")
def get_journal_entry(id: str) -> Response:
    number = current().params["id"]
    entry = inspection.journal_entry(state().journal, number)
    if entry is None:
        raise NotFound(f"Journal entry {number} is not held (the journal keeps the newest entries; "
                       f"GET /_mock/journal lists them)")
    explanations = explain(state().contract, entry.operation, entry.method, entry.path, entry.violations)
    return json_response({"id": number, **entry.to_dict(), "explanations": [e.to_dict() for e in explanations]})


@blueprint.get("/companies")
def list_companies() -> Response:
    companies = sorted(state().store.companies(), key=lambda c: c.id)
    return json_response({"companies": [inspection.company_summary(c) for c in companies]})


@blueprint.get("/companies/<id>")
def get_company(id: str) -> Response:
    company = state().store.company(current().params["id"])
    return json_response({**inspection.company_summary(company),
                          "users": [user_dict(u) for u in company.users.values()],
                          "activity_types": [{"id": t.id, "key_string": t.key_string, "name": t.name,
                                             "active_flag": t.active_flag} for t in company.activity_types.values()]})


@blueprint.get("/companies/<id>/activities")
def list_company_activities(id: str) -> Response:
    params = current().params
    company = state().store.company(params["id"])
    query = inspection.ActivityQuery(sort_by=params["sort_by"], sort_direction=params["sort_direction"],
                                     deleted=params["deleted"], owner_id=params.get("owner_id"),
                                     type=params.get("type"), done=params.get("done"),
                                     subject=params.get("subject"))
    found, next_cursor = inspection.activity_page(company, query, params["limit"], params.get("cursor"))
    return json_response({"activities": [activity_dict(a) for a in found], "next_cursor": next_cursor})


@blueprint.get("/companies/<id>/webhooks")
def list_company_webhooks(id: str) -> Response:
    company = state().store.company(current().params["id"])
    return json_response({"webhooks": [inspection.webhook_health(w) for w in subscriptions.webhooks(company)]})


@blueprint.get("/rate-limit/usage")
def get_rate_limit_usage() -> Response:
    st = state()
    return json_response(inspection.rate_limit_usage(st.store, st.rate_limit))
