"""The way through for every Pipedrive call: auth, rate limit, faults, validation, then the view.

Runs as Flask's before_request; the journal and the rate-limit headers are added in after_request.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import Response, current_app, g, request
from marshmallow import ValidationError

from .company import Company
from .constants import TOKEN_COST
from .errors import BadRequest, Unauthorized
from .journal import JournalEntry, mask_token
from .model import User
from .schemas import ActivityInputSchema

if TYPE_CHECKING:
    from .app import MockState

_INPUT = ActivityInputSchema()
# Partial only at the top level: `partial=True` would reach into nested attendees and participants
# and skip their defaults, so an update would store an attendee without `name` or a participant
# without `primary`, which the v2 response schema requires.
_INPUT_PARTIAL = ActivityInputSchema(partial=tuple(ActivityInputSchema._declared_fields))


@dataclass(frozen=True)
class CallContext:
    company: Company
    user: User
    now: datetime
    strict_links: bool


def state() -> MockState:
    return current_app.extensions["pipedrive_mock"]


def current() -> CallContext:
    return g.call


def is_api_path(path: str) -> bool:
    return not path.startswith("/_mock") and path != "/openapi.yaml"


def token_from_request() -> tuple[str | None, bool]:
    """The token and whether it came as OAuth: header, then bearer, then query (facts page, "Authentication")."""
    token = request.headers.get("x-api-token")
    if token:
        return token, False
    authorization = request.headers.get("Authorization", "")
    if authorization[:7].lower() == "bearer " and authorization[7:].strip():
        return authorization[7:].strip(), True
    return request.args.get("api_token") or None, False


def load_body() -> dict[str, Any]:
    """The validated body as record fields, through marshmallow (v2 is strict: no 0/1, no 5.0)."""
    schema = _INPUT_PARTIAL if request.method == "PATCH" else _INPUT
    try:
        return schema.load(g.body)
    except ValidationError as exc:
        violations = [f"Invalid value for field '{field}': {problems}" for field, problems in _flatten(exc.messages)]
        g.violations = [*g.violations, *violations]
        raise BadRequest("; ".join(violations)) from None


def _flatten(messages: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(messages, dict):
        return [pair for key, value in messages.items()
                for pair in _flatten(value, f"{prefix}.{key}" if prefix else str(key))]
    return [(prefix or "body", " ".join(str(m) for m in messages))]


def before_request() -> None:
    if not is_api_path(request.path):
        return
    st = state()
    rule = request.url_rule
    operation = st.contract.find(rule.rule, request.method) if rule is not None else None
    g.operation = operation
    if operation is None:
        return  # routing answers 404/405; the journal notes the violation
    token, oauth = token_from_request()
    g.token = token
    found = st.store.authenticate(token)
    if found is None:
        raise Unauthorized()
    company, user = found
    g.company_id = company.id
    now = st.clock.time()
    company.purge(now)
    g.rate_headers = st.rate_limit.spend(company.id, token or "", TOKEN_COST[operation.operation_id], now, oauth)
    st.faults.apply(request.method, request.path)
    _validate()
    if g.violations:
        raise BadRequest("; ".join(g.violations))
    g.call = CallContext(company, user, st.clock.now(), st.store.strict_links)


def _validate() -> None:
    operation = g.operation
    params, violations = operation.check_parameters(request.view_args or {}, request.args.to_dict(flat=False))
    body, body_violations = operation.check_body(request.content_type, request.get_data(cache=True))
    g.params, g.body, g.violations = params, body, violations + body_violations


def after_request(response: Response) -> Response:
    if not is_api_path(request.path):
        return response
    st = state()
    headers = g.get("rate_headers") or st.rate_limit.peek(g.get("company_id"), g.get("token"), st.clock.time())
    for name, value in headers.items():
        response.headers.setdefault(name, value)
    st.journal.record(_journal_entry(response.status_code))
    return response


def _journal_entry(status: int) -> JournalEntry:
    operation = g.get("operation")
    if operation is None:
        violations = [f"No operation of the contract matches {request.method} {request.path}"]
    else:
        if "violations" not in g:
            try:
                _validate()
            except Exception:  # a body too large to read: nothing more to say about it
                g.violations, g.body = [], None
        violations = list(g.violations)
    query = {key: (mask_token(values[0]) if key == "api_token" else values[0] if len(values) == 1 else values)
             for key, values in request.args.to_dict(flat=False).items()}
    body = g.get("body")
    if body is None and request.content_length:
        raw = request.get_data(cache=True)[:2000]
        body = raw.decode("utf-8", "replace")
    token, _ = token_from_request() if "token" not in g else (g.token, False)
    return JournalEntry(time=state().clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"), method=request.method,
                        path=request.path, query=query, body=body, status=status,
                        operation=operation.operation_id if operation else None, token=mask_token(token),
                        violations=violations)
