"""Drift: record a live target's responses (tokens stripped), then check them against the contract.

A recording is a JSON file of exchanges; `check` validates each response body against the spec's
schema for its operation and status, and each required header, naming every field that drifted
by its JSON path.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import jsonschema_rs
import requests

from pipedrive_mock.contract import Contract, dereference, load_spec

TOKEN_HEADER = "x-api-token"
SECRET_HEADERS = frozenset({TOKEN_HEADER, "authorization", "cookie", "set-cookie"})
SECRET_QUERY = frozenset({"api_token"})
REQUEST_TIMEOUT = 30
FORMAT_VERSION = 1
MISSING_ID = 2147483647  # the largest id the contract allows; no seeded or real activity has it


@dataclass
class Exchange:
    """One recorded call: which operation, the request sent (no secrets) and the response."""
    operation_id: str
    method: str
    path: str            # the spec's path template, e.g. /api/v2/activities/{id}
    url: str             # the URL called, without api_token
    status: int
    headers: dict[str, str]
    body: Any


@dataclass
class Recording:
    base_url: str
    exchanges: list[Exchange] = field(default_factory=list)

    def save(self, path: str | Path) -> None:
        data = {"format": FORMAT_VERSION, "base_url": self.base_url,
                "exchanges": [asdict(exchange) for exchange in self.exchanges]}
        Path(path).write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Recording:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(data["base_url"], [Exchange(**exchange) for exchange in data["exchanges"]])


@dataclass(frozen=True)
class Drift:
    """One field of one recorded response that the contract does not allow."""
    operation_id: str
    status: int
    url: str
    location: str        # JSON path in the body ($.data[0].due_time) or `headers.NAME`
    problem: str

    def line(self) -> str:
        return f"{self.operation_id} {self.status} {self.url}: {self.location}: {self.problem}"


def strip_secrets(url: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in SECRET_QUERY]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


class _Recorder:
    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers[TOKEN_HEADER] = token
        self.recording = Recording(self.base_url)

    def call(self, operation_id: str, params: dict[str, Any] | None = None,
             *, path_args: dict[str, Any] | None = None, token: bool = True) -> Any:
        """GET one operation of the contract (its path comes from the contract) and record the answer."""
        path = _contract().by_id[operation_id].path
        url = self.base_url + path.format(**(path_args or {}))
        headers = None if token else {TOKEN_HEADER: ""}
        response = self.session.get(url, params=params, headers=headers, timeout=REQUEST_TIMEOUT)
        try:
            body = response.json()
        except ValueError:
            body = response.text
        kept = {k.lower(): v for k, v in response.headers.items() if k.lower() not in SECRET_HEADERS}
        self.recording.exchanges.append(Exchange(operation_id, "GET", path, strip_secrets(response.url),
                                                 response.status_code, kept, body))
        return body


def record(base_url: str, api_token: str) -> Recording:
    """Read-only calls covering the contract's read operations: pages, the last page, one of each, errors; then
    every other read operation once with its examples (an admin-only one records a regular user's 403)."""
    rec = _Recorder(base_url, api_token)
    first = rec.call("getActivities", {"limit": 2})
    cursor = first.get("additional_data", {}).get("next_cursor") if isinstance(first, dict) else None
    if cursor:
        rec.call("getActivities", {"limit": 2, "cursor": cursor})
    rec.call("getActivities", {"limit": 2, "sort_by": "id", "sort_direction": "desc", "include_fields": "attendees"})
    rec.call("getActivities", {"updated_since": "2999-01-01T00:00:00Z"})  # empty page
    rec.call("getActivities", {"limit": 0})  # 400
    rec.call("getActivities", token=False)  # 401
    data = first.get("data") if isinstance(first, dict) else None
    if data:
        rec.call("getActivity", path_args={"id": data[0]["id"]})
        rec.call("getActivity", {"include_fields": "attendees"}, path_args={"id": data[0]["id"]})
    rec.call("getActivity", path_args={"id": MISSING_ID})  # 404
    rec.call("getActivitiesCollection", {"limit": 2})
    rec.call("getActivityFieldsV1", {"limit": 5})
    fields = rec.call("getActivityFields", {"limit": 5, "include_fields": "ui_visibility"})
    cursor = fields.get("additional_data", {}).get("next_cursor") if isinstance(fields, dict) else None
    if cursor:
        rec.call("getActivityFields", {"limit": 5, "cursor": cursor})
    rec.call("getActivityField", path_args={"field_code": "priority"})
    rec.call("getActivityField", path_args={"field_code": "no_such_field"})  # 404
    me = rec.call("getCurrentUser")
    user_id = me.get("data", {}).get("id") if isinstance(me, dict) else None
    if user_id:
        rec.call("getUser", path_args={"id": user_id})
    _call_the_rest(rec)
    return rec.recording


def _call_the_rest(rec: _Recorder) -> None:
    """Each read operation of the contract the script above did not call, once, with the contract's examples
    (a path parameter without one is `MISSING_ID`, a 404 whose shape is still checked). A v1 operation served
    at /api/v1/ too is the one at /v1/."""
    contract = _contract()
    called = {exchange.operation_id for exchange in rec.recording.exchanges}
    for operation in contract:
        twin = operation.path.startswith("/api/v1/") and contract.find(operation.flask_rule[4:], "GET")
        if operation.method != "GET" or operation.operation_id in called or twin:
            continue
        examples = operation.examples()
        path_args = {p.name: examples.get(p.name, MISSING_ID) for p in operation.parameters if p.location == "path"}
        query = {p.name: examples[p.name] for p in operation.parameters if p.location == "query" and p.name in examples}
        rec.call(operation.operation_id, query, path_args=path_args)


@cache
def _contract() -> Contract:
    return Contract()


@cache
def _operations() -> dict[str, dict[str, Any]]:
    document = load_spec()
    found = {}
    for item in document["paths"].values():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                found[operation["operationId"]] = dereference(operation, document)
    return found


def _json_path(parts: Any) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def check_exchange(exchange: Exchange) -> list[Drift]:
    """Every way this recorded response differs from what the contract allows."""
    def drift(location: str, problem: str) -> Drift:
        return Drift(exchange.operation_id, exchange.status, exchange.url, location, problem)

    operation = _operations().get(exchange.operation_id)
    if operation is None:
        return [drift("$", f"operation {exchange.operation_id!r} is not in the contract")]
    responses = operation["responses"]
    spec = responses.get(str(exchange.status)) or responses.get("default")
    if spec is None:
        return [drift("status", f"status {exchange.status} is not documented (allowed: {', '.join(responses)})")]
    found = [drift(f"headers.{name}", "required header is missing")
             for name, header in spec.get("headers", {}).items()
             if header.get("required") and name.lower() not in exchange.headers]
    schema = spec.get("content", {}).get("application/json", {}).get("schema")
    if schema is not None:
        validator = jsonschema_rs.Draft202012Validator(schema, validate_formats=True)
        found += [drift(_json_path(error.instance_path), error.message)
                  for error in validator.iter_errors(exchange.body)]
    return found


def check(recording: Recording) -> list[Drift]:
    return [drift for exchange in recording.exchanges for drift in check_exchange(exchange)]
