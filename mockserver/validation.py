"""A Pipedrive call checked against its operation in the contract, for the pipeline (pipeline.py).

`validate` checks the path and query parameters and the body (under `--unknown-fields ignore` an unknown
field is dropped and the body checked again without it) and notes what is wrong on the request's
`RequestContext`; `load_body` is a view's load of the validated body through its resource's marshmallow
schema. The query string is parsed once per request (`parsed_query`), the body read as the server read it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from flask import Request
from marshmallow import ValidationError

from .constants import REQUEST_BODY, UNKNOWN_FIELDS_IGNORE
from .context import RequestContext, current
from .errors import BadRequest
from .loader import Load
from .violations import UnknownField, drop_unknown

if TYPE_CHECKING:
    from .state import MockState


def load_body(load: Load) -> dict[str, Any]:
    """The validated body through a resource's marshmallow schema, compiled (`loader.compile_load`); its
    complaints answer 400 naming the field."""
    ctx = current()
    try:
        return load(ctx.body)
    except ValidationError as exc:
        violations = [f"Invalid value for field '{field}': {problems}" for field, problems in _flatten(exc.messages)]
        ctx.violations = [*(ctx.violations or ()), *violations]
        raise BadRequest("; ".join(violations)) from None


def _flatten(messages: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(messages, dict):
        return [pair for key, value in messages.items()
                for pair in _flatten(value, f"{prefix}.{key}" if prefix else str(key))]
    return [(prefix or "body", " ".join(str(m) for m in messages))]


def parsed_query(req: Request, ctx: RequestContext) -> dict[str, list[str]]:
    """The query string as lists of values, parsed once per request (validation and journal share it)."""
    if ctx.query is None:
        ctx.query = _parse_query(req.query_string) if req.query_string else {}
    return ctx.query


def _parse_query(raw: bytes) -> dict[str, list[str]]:
    """What `request.args.to_dict(flat=False)` gives, without building the MultiDict first."""
    query: dict[str, list[str]] = {}
    for key, value in parse_qsl(raw.decode(), keep_blank_values=True, errors="werkzeug.url_quote"):
        query.setdefault(key, []).append(value)
    return query


def validate(req: Request, ctx: RequestContext, st: MockState) -> None:
    operation = ctx.operation
    assert operation is not None
    params, violations = operation.check_parameters(req.view_args or {}, parsed_query(req, ctx))
    body, body_violations = (operation.check_body(req.content_type, _raw_body(req))
                             if operation.has_body else (None, []))
    unknown = [v for v in body_violations if isinstance(v, UnknownField)]
    if unknown and st.unknown_fields == UNKNOWN_FIELDS_IGNORE:
        # Dropped, and validated again without them; the journal still records them as violations.
        body = drop_unknown(body, unknown)
        body_violations = operation.check_json(body)
        ctx.ignored = [f"{v} (dropped: --unknown-fields ignore)" for v in unknown]
    ctx.params, ctx.body, ctx.violations = params, body, [*violations, *body_violations]


def _raw_body(req: Request) -> bytes:
    """The request body: as the server read it (asgi.py) when it is the length announced and within the
    limit, without werkzeug's stream around it (a tenth of an add's CPU); else werkzeug's, which answers
    a body over the limit with 413."""
    environ = req.environ
    raw = environ.get(REQUEST_BODY)
    if raw is not None and environ.get("CONTENT_LENGTH") == str(len(raw)) \
            and len(raw) <= (req.max_content_length or len(raw)):
        return raw
    return req.get_data(cache=True)
