"""The way through for every Pipedrive call: auth, rate limit, faults, validation (validation.py), then the view.

Runs as Flask's before_request (`check`); the state file, the rate-limit headers and the journal follow in
after_request (`persist`, `finish`). The dispatcher (dispatch.py) runs the same steps for the calls it serves
without Flask's request context. It knows operations of the contract, never a resource: what an operation
costs, which parameters and body it takes, all come from openapi.yaml. What a request carries through it is
one `RequestContext`, at `flask.g.ctx` (the dispatcher's own for its calls: `current()` finds either).
"""
from __future__ import annotations

import calendar
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import orjson
from flask import Request, Response, g, request
from werkzeug.exceptions import RequestEntityTooLarge

from .constants import (ANSWER_DELAY, ANSWER_HOLD, API_PROFILE_CURRENT, JOURNAL_ENTRY, REQUEST_BODY,
                        SERVER_HOLDS_ANSWERS)
# `current` is here for the views, which find their call by it (`from ...pipeline import current`).
from .context import RequestContext, current, real, state  # noqa: F401
from .errors import ApiError, BadRequest, Gone, Unauthorized, error_response
from .journal import Journal, RawEntry, mask_token
from .resources.oauth.messages import SCOPE_MISMATCH, oauth_error
from .resources.oauth.server import looks_like_access_token
from .validation import parsed_query, validate

if TYPE_CHECKING:
    from .company import Company
    from .contract import Operation
    from .model import User
    from .state import MockState
    from .statefile import StateFile

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPE = "application/x-www-form-urlencoded"
# The security schemes of openapi.yaml a user's token comes by; OAUTH_SCHEME's requirements carry scopes.
OAUTH_SCHEME = "oauth2"
USER_SCHEMES = frozenset({"api_key_header", "api_key_query", OAUTH_SCHEME})
def is_api_path(path: str) -> bool:
    return not path.startswith("/_mock") and path != "/openapi.yaml"


def token_from_request(req: Request, ctx: RequestContext) -> tuple[str | None, bool]:
    """The token and whether it came as OAuth: header, then bearer, then query (facts page, "Authentication")."""
    # Read from the WSGI environ, as request.headers would, without its key normalising on each call.
    environ = req.environ
    token = environ.get("HTTP_X_API_TOKEN")
    if token:
        return token, False
    authorization = environ.get("HTTP_AUTHORIZATION", "")
    if authorization[:7].lower() == "bearer " and authorization[7:].strip():
        return authorization[7:].strip(), True
    # The first value, as request.args.get gives it.
    values = parsed_query(req, ctx).get("api_token")
    return (values[0] if values else None) or None, False


def before_request() -> None:
    req = real(request)
    if not is_api_path(req.path):
        return
    g.ctx = ctx = RequestContext()
    check(req, state(), ctx)


def check(req: Request, st: MockState, ctx: RequestContext) -> None:
    """Everything before the view: the operation, auth, rate limit, faults, validation (ApiError to refuse).

    `req` is Flask's request, or the dispatcher's `Call` with the same attributes (dispatch.py)."""
    rule = req.url_rule
    # HEAD is GET without the body (Flask routes it to the GET view): same auth, cost and checks.
    method = "GET" if req.method == "HEAD" else req.method
    operation = ctx.operation = (st.contract.find(rule.rule, method) or st.oauth_contract.find(rule.rule, method)
                                 if rule is not None else None)
    if operation is None:
        return  # routing answers 404/405; the journal notes the violation
    ctx.api_profile = st.api_profile
    if operation.deprecated and ctx.api_profile == API_PROFILE_CURRENT:
        raise _gone(operation, st)
    # An operation no user token may call (the OAuth server's: its views authenticate the app) spends nothing.
    if not operation.schemes.isdisjoint(USER_SCHEMES):
        now = st.clock.time()
        company, _ = ctx.company, ctx.user = _authenticate(st, operation, ctx, now, req)
        company.purge(now)
        ctx.rate_headers = st.rate_limit.spend(company.id, ctx.token or "", operation.token_cost or 0, now,
                                               ctx.oauth)
    fault = st.faults.take(req.method, req.path)
    if fault is not None:
        req.environ[ANSWER_DELAY] = fault.delay  # MockFlask.wsgi_app holds the answer back
        fault.raise_status()
    validate(req, ctx, st)
    if ctx.violations:
        raise BadRequest("; ".join(ctx.violations))
    ctx.now, ctx.strict_links = st.clock.now(), st.store.strict_links


def _authenticate(st: MockState, operation: Operation, ctx: RequestContext, now: float,
                  req: Request) -> tuple[Company, User]:
    """The caller's company and user; an API token works however it is sent.

    An OAuth access token must be current, and its grant must hold the scopes of one of the
    operation's `oauth2` alternatives in openapi.yaml (403 "Scope and URL mismatch" otherwise).
    """
    token, bearer = token_from_request(req, ctx)
    ctx.token = token
    found = st.store.authenticate(token)
    if found is not None:
        return found
    if not (bearer and token and looks_like_access_token(token)):
        raise Unauthorized()
    company, user, grant = st.oauth.bearer(token, now)
    granted = set(grant.scopes)
    if not any(scopes <= granted for scopes in operation.scopes(OAUTH_SCHEME)):
        raise oauth_error(SCOPE_MISMATCH, status=403)
    ctx.oauth = True
    return company, user


def _gone(operation: Operation, st: MockState) -> Gone:
    """410 for a deprecated operation under the `current` profile: `Deprecation` (RFC 9745, the date the
    contract gives) and a `Link` to the operation that replaces it. What the real API answers is unknown."""
    headers: dict[str, str] = {}
    if operation.deprecated_since:
        headers["Deprecation"] = f"@{calendar.timegm(operation.deprecated_since.timetuple())}"
    message = (f"{operation.method} {operation.path} is gone from the API as known today"
               + (f" (deprecated since {operation.deprecated_since})" if operation.deprecated_since else ""))
    successor = st.contract.by_id.get(operation.successor or "")
    if successor is not None:
        headers["Link"] = f'<{successor.path}>; rel="successor-version"'
        message += f"; use {successor.method} {successor.path}"
    return Gone(message, headers=headers)


def after_request(response: Response) -> Response:
    req = real(request)
    st = state()
    ctx: RequestContext | None = g.get("ctx")
    response = persist(response, st, req, ctx, lambda: g.pop("holds_state_file", None))
    if not is_api_path(req.path):
        return response
    return finish(response, req, st, ctx or RequestContext())


def finish(response: Response, req: Request, st: MockState, ctx: RequestContext) -> Response:
    """After the view (its state file write persisted): the rate-limit headers, the journal entry."""
    headers = ctx.rate_headers
    # The rate-limit headers come all together: a 429 carries its own, every other response gets these.
    # Only a refused charge answers 429 with them, so a request that was charged needs no look.
    if headers is None:
        headers = st.rate_limit.peek(ctx.company_id, ctx.token, st.clock.time())
        if headers[0][0] in response.headers:
            headers = []
    # Straight onto werkzeug's header list: Headers.extend checks each value for newlines, and these
    # are digits the mock formatted itself (the check costs about 2 us a request).
    response.headers._list.extend(headers)
    entry = _journal_entry(req, ctx, response.status_code, st)
    st.journal.record(entry)
    req.environ[JOURNAL_ENTRY] = entry  # for the access log (accesslog.py)
    return response


def persist(response: Response, st: MockState, req: Request, ctx: RequestContext | None,
            release: Callable[[], StateFile | None]) -> Response:
    """Log an acknowledged write to the state file, on disk before the client hears of it.

    A write that cannot be saved is answered 500 and undone: the client must not count on it. An answer
    that may show a write not yet on disk waits for it too. On a server that holds answers (asgi.py)
    the wait is the server's, on its event loop; elsewhere this thread waits.
    """
    state_file = st.state_file
    if state_file is None:
        return response
    # A GET writes only when its view says so (GET /oauth/authorize makes a code).
    wrote = not (req.method in SAFE_METHODS and not (ctx is not None and ctx.wrote)) \
        and response.status_code < 400 and req.url_rule is not None
    try:
        token = state_file.record(st.store, ctx.company if ctx is not None else None) if wrote \
            else state_file.pending()
        if not token:
            return response
        holder = release()
        if holder is not None:
            holder.writing.release()  # the record is in: other writes go on while this one waits
        environ = req.environ
        if environ.get(SERVER_HOLDS_ANSWERS):
            environ[ANSWER_HOLD] = lambda: _held(state_file, token, st.journal, environ)
            return response
        state_file.wait(token)
    except OSError as exc:
        return error_response(_not_saved(state_file, exc))
    return response


def _not_saved(state_file: StateFile, exc: OSError) -> ApiError:
    log.error("could not save the state file %s: %s", state_file.path, exc)
    return ApiError(f"The write was not applied (the mock is back at the last state saved): it could not be "
                    f"saved to the state file {state_file.path}: {exc.strerror}", status=500)


async def _held(state_file: StateFile, token: int, journal: Journal,
                environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes] | None:
    """The server's wait for `token` on disk: None, or the answer that replaces the one held (a 500), which
    the request's journal entry then says too."""
    exc = await state_file.durable(token)
    if exc is None:
        return None
    entry = environ.get(JOURNAL_ENTRY)
    if entry is not None:
        journal.restate(entry, 500)
    body = orjson.dumps(_not_saved(state_file, exc).body())
    return "500 INTERNAL SERVER ERROR", [("Content-Type", "application/json"),
                                         ("Content-Length", str(len(body)))], body


def _journal_entry(req: Request, ctx: RequestContext, status: int, st: MockState) -> RawEntry:
    operation = ctx.operation
    if operation is None:
        violations = [f"No operation of the contract matches {req.method} {req.path}"]
    else:
        if ctx.violations is None:
            try:
                validate(req, ctx, st)
            except RequestEntityTooLarge:
                ctx.violations, ctx.body = [], None  # the size violation is noted with the body below
        violations = [*(ctx.violations or ()), *ctx.ignored]
    body = None
    environ = req.environ
    raw = environ.get(REQUEST_BODY)
    if raw and environ.get("CONTENT_LENGTH") == str(len(raw)) and len(raw) <= (req.max_content_length or len(raw)) \
            and environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower() != FORM_TYPE:
        body = raw  # as the server read it (asgi.py): werkzeug's stream and header parsing cost a write ~10 us
    elif environ.get("CONTENT_LENGTH") and req.content_length:
        if req.content_length > (req.max_content_length or req.content_length):
            violations.append(f"The request body ({req.content_length} bytes) is over the size limit")
        elif req.mimetype == FORM_TYPE:
            body = orjson.dumps(req.form.to_dict())  # secrets masked when the journal is read
        else:
            body = req.get_data(cache=True)
    token = ctx.token if ctx.token is not None else token_from_request(req, ctx)[0]
    return RawEntry.of(st.clock.time(), req.method, req.path, req.query_string, body, status,
                       operation.operation_id if operation else None, mask_token(token), violations,
                       ctx.company_id)
