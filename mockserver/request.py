"""The way through for every Pipedrive call: auth, rate limit, faults, validation, then the view.

Runs as Flask's before_request; the journal and the rate-limit headers are added in after_request.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import parse_qsl

from flask import Request, Response, current_app, g, request
from marshmallow import ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from .company import Company
from .errors import ApiError, BadRequest, Unauthorized, error_response
from .journal import RawEntry, mask_token
from .model import User
from .schemas import ActivityInputSchema

if TYPE_CHECKING:
    from .app import MockState

log = logging.getLogger(__name__)

# The journal keeps this much of a body it could not parse.
JOURNAL_BODY_CHARS = 2000
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The WSGI environ key of the seconds an injected fault holds the answer back, and the key a server
# sets when it holds answers back itself (asgi.py); otherwise the app sleeps (MockFlask.wsgi_app).
ANSWER_DELAY = "mockserver.answer_delay"
SERVER_HOLDS_ANSWERS = "mockserver.server_holds_answers"
_INPUT = ActivityInputSchema()
# Partial only at the top level: `partial=True` would reach into nested attendees and participants
# and skip their defaults, so an update would store an attendee without `name` or a participant
# without `primary`, which the v2 response schema requires.
_INPUT_PARTIAL = ActivityInputSchema(partial=tuple(ActivityInputSchema._declared_fields))


class CallContext(NamedTuple):
    """Who is calling and when, for the views (a tuple: made on every request)."""
    company: Company
    user: User
    now: datetime
    strict_links: bool


def state() -> MockState:
    return _real(current_app).extensions["pipedrive_mock"]


def current() -> CallContext:
    return g.call


def is_api_path(path: str) -> bool:
    return not path.startswith("/_mock") and path != "/openapi.yaml"


def token_from_request() -> tuple[str | None, bool]:
    """The token and whether it came as OAuth: header, then bearer, then query (facts page, "Authentication")."""
    # Read from the WSGI environ, as request.headers would, without its key normalising on each call.
    environ = _real(request).environ
    token = environ.get("HTTP_X_API_TOKEN")
    if token:
        return token, False
    authorization = environ.get("HTTP_AUTHORIZATION", "")
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


def _real(proxy: Any) -> Any:
    """The object behind a Flask context proxy: one lookup per hook instead of one per attribute."""
    return proxy._get_current_object()


def before_request() -> None:
    req, call = _real(request), _real(g)
    if not is_api_path(req.path):
        return
    st = state()
    rule = req.url_rule
    # HEAD is GET without the body (Flask routes it to the GET view): same auth, cost and checks.
    method = "GET" if req.method == "HEAD" else req.method
    operation = st.contract.find(rule.rule, method) if rule is not None else None
    call.operation = operation
    if operation is None:
        return  # routing answers 404/405; the journal notes the violation
    token, oauth = token_from_request()
    call.token = token
    found = st.store.authenticate(token)
    if found is None:
        raise Unauthorized()
    company, user = found
    call.company_id = company.id
    now = st.clock.time()
    company.purge(now)
    call.rate_headers = st.rate_limit.spend(company.id, token or "", operation.token_cost, now, oauth)
    fault = st.faults.take(req.method, req.path)
    if fault is not None:
        req.environ[ANSWER_DELAY] = fault.delay  # MockFlask.wsgi_app holds the answer back
        fault.raise_status()
    _validate()
    if call.violations:
        raise BadRequest("; ".join(call.violations))
    call.call = CallContext(company, user, st.clock.now(), st.store.strict_links)


def _query(req: Request, call: Any) -> dict[str, list[str]]:
    """The query string as lists of values, parsed once per request (validation and journal share it)."""
    query = call.get("query")
    if query is None:
        query = call.query = _parse_query(req.query_string) if req.query_string else {}
    return query


def _parse_query(raw: bytes) -> dict[str, list[str]]:
    """What `request.args.to_dict(flat=False)` gives, without building the MultiDict first."""
    query: dict[str, list[str]] = {}
    for key, value in parse_qsl(raw.decode(), keep_blank_values=True, errors="werkzeug.url_quote"):
        query.setdefault(key, []).append(value)
    return query


def _validate() -> None:
    req, call = _real(request), _real(g)
    operation = call.operation
    params, violations = operation.check_parameters(req.view_args or {}, _query(req, call))
    body, body_violations = (operation.check_body(req.content_type, req.get_data(cache=True))
                             if operation.has_body else (None, []))
    call.params, call.body, call.violations = params, body, violations + body_violations


def after_request(response: Response) -> Response:
    st = state()
    response = _persist(response, st)
    req, call = _real(request), _real(g)
    if not is_api_path(req.path):
        return response
    headers = call.get("rate_headers")
    # The rate-limit headers come all together: a 429 carries its own, every other response gets these.
    # Only a refused charge answers 429 with them, so a request that was charged needs no look.
    if headers is None:
        headers = st.rate_limit.peek(call.get("company_id"), call.get("token"), st.clock.time())
        if headers[0][0] in response.headers:
            headers = []
    # Straight onto werkzeug's header list: Headers.extend checks each value for newlines, and these
    # are digits the mock formatted itself (the check costs about 2 us a request).
    response.headers._list.extend(headers)
    st.journal.record(_journal_entry(req, call, response.status_code, st))
    return response


def _persist(response: Response, st: MockState) -> Response:
    """Save an acknowledged write to the state file before the client hears of it.

    A write that cannot be saved is answered 500: the client must not count on it surviving a restart.
    """
    state_file = st.state_file
    if state_file is None or request.method in SAFE_METHODS or response.status_code >= 400 \
            or request.url_rule is None:
        return response
    try:
        state_file.save(st.store)
    except OSError as exc:
        log.error("could not save the state file %s: %s", state_file.path, exc)
        return error_response(ApiError(f"The write was applied in memory but could not be saved to the "
                                       f"state file {state_file.path}: {exc.strerror}", status=500))
    return response


def _journal_entry(req: Request, call: Any, status: int, st: MockState) -> RawEntry:
    operation = call.get("operation")
    if operation is None:
        violations = [f"No operation of the contract matches {req.method} {req.path}"]
    else:
        if "violations" not in call:
            try:
                _validate()
            except RequestEntityTooLarge:
                call.violations, call.body = [], None  # the size violation is noted with the body below
        violations = list(call.violations)
    body = call.get("body")
    if body is None and req.environ.get("CONTENT_LENGTH") and req.content_length:
        if req.content_length > (current_app.config["MAX_CONTENT_LENGTH"] or req.content_length):
            violations.append(f"The request body ({req.content_length} bytes) is over the size limit")
        else:
            body = req.get_data(cache=True)[:JOURNAL_BODY_CHARS].decode("utf-8", "replace")
    token, _ = token_from_request() if "token" not in call else (call.token, False)
    return RawEntry(st.clock.time(), req.method, req.path, _query(req, call), body, status,
                    operation.operation_id if operation else None, mask_token(token), violations,
                    call.get("company_id"))
