"""openapi.yaml, compiled once into request validators.

The spec is the single source of truth for what a valid request is: parameters are coerced from
their strings by the type the spec gives them, then checked by JSON Schema validators compiled from
the spec's own schemas. Nothing here re-describes a rule by hand.
"""
from __future__ import annotations

import re
from datetime import date
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import jsonschema_rs
import orjson

from .errors import MockServerError
from .specs import (CONTROL_SPEC_FILE, OAUTH_SPEC_FILE, SPEC_FILE, dereference, dereferenced_paths,  # noqa: F401
                    load_spec, spec_path, spec_text)  # (re-exported: the contract's readers have always found them here)
from .violations import (Violation, body_violation, describe, floats_for_integers, not_json_message,
                         parameter_message, schema_type)

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_INTEGER = re.compile(r"^-?[0-9]+$")
_BOOLEANS = {"true": True, "false": False}
# No valid body nests deeper than 3 levels (participants[0].person_id); anything far deeper is refused
# before validation, whose recursion a hostile body could otherwise exhaust.
MAX_BODY_DEPTH = 32


# Pipedrive's own spec states each operation's rate-limit cost here (facts page, "The living API").
TOKEN_COST_KEY = "x-token-cost"

@dataclass(frozen=True)
class Parameter:
    name: str
    location: str
    schema: dict[str, Any]
    required: bool
    explode: bool
    # The contract's `example`: a value a successful call may send (tests and `record` call with it).
    example: Any = None

    @cached_property
    def kind(self) -> str:
        return schema_type(self.schema)

    def coerce(self, raw: str) -> Any:
        """The value the spec's type makes of a raw string; the raw string when it does not fit."""
        kind = self.kind
        if kind == "array":
            item = Parameter(self.name, self.location, self.schema.get("items", {}), True, True)
            return [item.coerce(part) for part in raw.split(",")] if raw != "" else raw
        if kind == "integer":
            return int(raw) if _INTEGER.match(raw) and len(raw) < 20 else raw
        if kind == "boolean":
            return _BOOLEANS.get(raw, raw)
        return raw


def _url_value(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(_url_value(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _shape(value: Any, limit: int) -> tuple[bool, bool]:
    """Whether `value` nests containers more than `limit` levels deep, and whether it holds a float.

    Iterative (no recursion to exhaust), one walk for both: most bodies hold no float, and then the
    contract's integers need no second look (`floats_for_integers`).
    """
    level: list[Any] = [value]
    floats = False
    for _ in range(limit + 1):
        below: list[Any] = []
        for node in level:
            if isinstance(node, dict):
                below.extend(node.values())
            elif isinstance(node, list):
                below.extend(node)
            elif type(node) is float:
                floats = True
        if not below:
            return False, floats
        level = below
    return True, floats


@dataclass
class Operation:
    """One operation of the contract, with its validators compiled."""

    operation_id: str
    method: str
    path: str
    parameters: list[Parameter]
    body_schema: dict[str, Any] | None
    body_required: bool
    # The rate-limit tokens one call spends (`x-token-cost`); None in a contract without costs (the control API).
    token_cost: int | None = None
    # The operation's `security` (else the spec's): alternatives, each {scheme name: scopes}.
    security: tuple[dict[str, tuple[str, ...]], ...] = ()
    # `deprecated: true` in the contract, since when (`x-deprecated-since`, a date) and the operationId
    # that replaces it (`x-successor`): what the `current` API profile answers 410 Gone for.
    deprecated: bool = False
    deprecated_since: date | None = None
    successor: str | None = None
    # The request body's `example` (its JSON media type's): a body a successful call may send.
    body_example: Any = None
    _defaults: list[tuple[str, Any]] = field(init=False, repr=False)
    _by_name: dict[str, Parameter] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._defaults = [(p.name, p.schema["default"]) for p in self.parameters if "default" in p.schema]
        self._by_name = {p.name: p for p in self.parameters}

    # The validators are compiled on an operation's first request, not at start: a session calls a few
    # of the ~70 operations of its three contracts, and compiling them all is a tenth of the plugin's start.
    @cached_property
    def _params_validator(self) -> Any:
        properties = {p.name: p.schema for p in self.parameters}
        required = [p.name for p in self.parameters if p.required]
        return jsonschema_rs.validator_for({"type": "object", "properties": properties, "required": required},
                                           validate_formats=True)

    @cached_property
    def _body_validator(self) -> Any:
        if self.body_schema is None:
            return None
        return jsonschema_rs.validator_for(self.body_schema, validate_formats=True)

    @cached_property
    def schemes(self) -> frozenset[str]:
        """The security schemes any alternative of this operation names."""
        return frozenset(name for requirement in self.security for name in requirement)

    def scopes(self, scheme: str) -> tuple[frozenset[str], ...]:
        """The scope sets `scheme` may bring, one per alternative naming it: any one of them is enough."""
        return tuple(frozenset(r[scheme]) for r in self.security if scheme in r)

    @property
    def has_body(self) -> bool:
        """Whether the contract describes a request body for this operation."""
        return self.body_schema is not None

    def examples(self) -> dict[str, str]:
        """Each path and query parameter's `example` that the contract gives, as sent in a URL (a list
        comma-separated, a boolean `true`/`false`)."""
        return {p.name: _url_value(p.example) for p in self.parameters if p.example is not None}

    @property
    def flask_rule(self) -> str:
        return re.sub(r"\{(\w+)\}", r"<\1>", self.path)

    def check_parameters(self, path_args: dict[str, str], query: dict[str, list[str]]
                         ) -> tuple[dict[str, Any], list[Violation]]:
        """Coerced parameter values, and every violation (a parameter given twice is one)."""
        values: dict[str, Any] = {}
        raws: dict[str, str] = {}
        violations: list[Violation] = []
        for parameter in self.parameters:
            name = parameter.name
            if parameter.location == "path":
                if name not in path_args:
                    continue
                given = [path_args[name]]
            else:
                given = query.get(name, []) if parameter.location == "query" else []
                if not given:
                    continue
                if len(given) > 1:
                    violations.append(Violation(f"Invalid value for parameter '{name}': given "
                                                f"{len(given)} times, expected once"))
                    continue
            raws[name] = given[0]
            values[name] = parameter.coerce(given[0])
        by_name = self._by_name
        # is_valid is the validator's fast path; errors are only gathered for a request that has some.
        errors = () if self._params_validator.is_valid(values) else self._params_validator.iter_errors(values)
        for error in errors:
            if error.instance_path:
                name = str(error.instance_path[0])
                violations.append(Violation(parameter_message(by_name[name], raws[name], error)))
            elif type(error.kind).__name__ == "Required":
                # A required parameter given twice is reported as such above, not also as missing.
                missing = [p.name for p in self.parameters if p.required and p.name not in values
                           and len(query.get(p.name, ())) < 2]
                if not missing:
                    continue
                violations.append(Violation(f"Missing required parameter '{missing[0]}'"))
        for name, default in self._defaults:
            values.setdefault(name, default)
        # Each bad item of a list yields the same message: say it once.
        return values, list(dict.fromkeys(violations))

    def check_body(self, content_type: str | None, raw: bytes) -> tuple[Any, list[Violation]]:
        """The parsed body and every violation; a non-JSON or malformed body is one violation."""
        if self._body_validator is None:
            return None, []
        if not raw:
            if self.body_required:
                return None, [Violation("The request body is required: a JSON object")]
            return None, []
        media_type = (content_type or "").split(";")[0].strip().lower()
        if media_type != "application/json":
            return None, [Violation(f"The request body must be JSON (Content-Type: application/json), "
                                    f"got Content-Type {describe(content_type or '')}")]
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            return None, [Violation(not_json_message(raw, exc))]
        too_deep, floats = _shape(body, MAX_BODY_DEPTH)
        if too_deep:
            return None, [Violation(f"The request body nests more than {MAX_BODY_DEPTH} levels deep")]
        return body, self.check_json(body, floats)

    def check_json(self, body: Any, floats: bool = True) -> list[Violation]:
        """Every violation of a parsed body; an unknown field is an `UnknownField`, which says where it is.
        `floats=False`: the body holds no float, so no integer can be one."""
        # is_valid is the validator's fast path; errors are only gathered for a body that has some.
        violations = ([] if self._body_validator.is_valid(body)
                      else [body_violation(e) for e in self._body_validator.iter_errors(body)])
        return violations + floats_for_integers(self.body_schema, body, ()) if floats else violations


class ContractError(MockServerError):
    """The contract itself is wrong (e.g. an operation without `x-token-cost`): the mock refuses to start."""


class Contract:
    """Every operation of a spec, found by the Flask rule and method that serve it.

    With `costs` (the Pipedrive contract), every operation must state its `x-token-cost`.
    """

    def __init__(self, document: dict[str, Any] | None = None, *, costs: bool = True, name: str = SPEC_FILE) -> None:
        """The operations of `document`, or of the spec shipped as `name` (the contract by default)."""
        if document is None:
            self.document, paths = load_spec(name), dereferenced_paths(name)
        else:
            self.document = document
            paths = {path: dereference(item, document) for path, item in document.get("paths", {}).items()}
        self.operations: dict[tuple[str, str], Operation] = {}
        self.by_id: dict[str, Operation] = {}
        for path, item in paths.items():
            shared = item.get("parameters", [])
            for method in HTTP_METHODS:
                if method not in item:
                    continue
                operation = self._compile(path, method, item[method], shared, costs,
                                          self.document.get("security", []))
                self.operations[(operation.flask_rule, method.upper())] = operation
                self.by_id[operation.operation_id] = operation

    @staticmethod
    def _compile(path: str, method: str, spec: dict[str, Any], shared: list[dict[str, Any]],
                 costs: bool, default_security: list[dict[str, list[str]]]) -> Operation:
        parameters = [
            Parameter(p["name"], p["in"], p.get("schema", {}), bool(p.get("required")),
                      bool(p.get("explode", p.get("style", "form") == "form")), p.get("example"))
            for p in [*shared, *spec.get("parameters", [])] if p["in"] in ("path", "query")
        ]
        body = spec.get("requestBody")
        # Only JSON bodies are validated here; an operation taking a form (POST /oauth/token) reads it itself,
        # as Pipedrive answers a wrong one in its own words.
        json_body = body["content"].get("application/json", {}) if body else {}
        body_schema = json_body.get("schema")
        cost = spec.get(TOKEN_COST_KEY)
        if costs and (not isinstance(cost, int) or isinstance(cost, bool) or cost < 0):
            raise ContractError(f"{method.upper()} {path} ({spec.get('operationId')}) has no valid "
                                f"{TOKEN_COST_KEY} (a whole number of tokens >= 0), got {cost!r}")
        since = spec.get("x-deprecated-since")
        try:
            since = date.fromisoformat(str(since)) if since is not None else None
        except ValueError:
            raise ContractError(f"{method.upper()} {path}: x-deprecated-since must be a date "
                                f"(YYYY-MM-DD), got {since!r}") from None
        security = tuple({name: tuple(scopes) for name, scopes in requirement.items()}
                         for requirement in spec.get("security", default_security))
        return Operation(spec["operationId"], method.upper(), path, parameters, body_schema,
                         bool(body and body.get("required")) and body_schema is not None, cost if costs else None,
                         security, bool(spec.get("deprecated")), since, spec.get("x-successor"),
                         json_body.get("example"))

    def find(self, rule: str, method: str) -> Operation | None:
        return self.operations.get((rule, method))

    def __iter__(self) -> Iterator[Operation]:
        """Every operation, in the contract's order."""
        return iter(self.operations.values())
