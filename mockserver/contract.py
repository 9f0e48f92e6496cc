"""openapi.yaml, compiled once into request validators.

The spec is the single source of truth for what a valid request is: parameters are coerced from
their strings by the type the spec gives them, then checked by JSON Schema validators compiled from
the spec's own schemas. Nothing here re-describes a rule by hand.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema_rs
import orjson
import yaml

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_INTEGER = re.compile(r"^-?[0-9]+$")
_BOOLEANS = {"true": True, "false": False}


def spec_path() -> Path:
    """The contract shipped with the package (the project's top-level openapi.yaml)."""
    return Path(str(resources.files("mockserver") / "openapi.yaml"))


@cache
def spec_text() -> bytes:
    return spec_path().read_bytes()


@cache
def load_spec() -> dict[str, Any]:
    return yaml.safe_load(spec_text())


def dereference(node: Any, root: dict[str, Any]) -> Any:
    """A copy of `node` with every local `$ref` replaced by what it points at (the spec has no cycles)."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = root
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            return dereference(target, root)
        return {key: dereference(value, root) for key, value in node.items()}
    if isinstance(node, list):
        return [dereference(item, root) for item in node]
    return node


def _schema_type(schema: dict[str, Any]) -> str:
    kind = schema.get("type", "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    return kind


class Violation(str):
    """One thing the contract says is wrong with a request, worded for the person who sent it."""


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str
    schema: dict[str, Any]
    required: bool
    explode: bool

    def coerce(self, raw: str) -> Any:
        """The value the spec's type makes of a raw string; the raw string when it does not fit."""
        kind = _schema_type(self.schema)
        if kind == "array":
            item = Parameter(self.name, self.location, self.schema.get("items", {}), True, True)
            return [item.coerce(part) for part in raw.split(",")] if raw != "" else []
        if kind == "integer":
            return int(raw) if _INTEGER.match(raw) and len(raw) < 20 else raw
        if kind == "boolean":
            return _BOOLEANS.get(raw, raw)
        return raw


def _describe(value: Any) -> str:
    text = orjson.dumps(value).decode() if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _parameter_message(parameter: Parameter, raw: str, error: jsonschema_rs.ValidationError) -> str:
    kind = _schema_type(parameter.schema)
    if kind in ("integer", "boolean") and isinstance(error.instance, str):
        return f"Invalid value for parameter '{parameter.name}': {_describe(raw)} is not a {kind}"
    if kind == "array" and isinstance(error.instance, str):
        return (f"Invalid value for parameter '{parameter.name}': {_describe(raw)} is not a comma-separated "
                f"list of {_schema_type(parameter.schema.get('items', {}))}s")
    if type(error.kind).__name__ == "Enum":
        allowed = ", ".join(str(v) for v in parameter.schema.get("enum", ()))
        return f"Invalid value for parameter '{parameter.name}': {_describe(raw)} is not one of: {allowed}"
    return f"Invalid value for parameter '{parameter.name}': {_describe(raw)}: {error.message}"


def _body_message(error: jsonschema_rs.ValidationError) -> str:
    path = ".".join(str(part) for part in error.instance_path)
    kind = type(error.kind).__name__
    if kind == "AdditionalProperties":
        unexpected = ", ".join(repr(name) for name in error.kind.unexpected)
        where = f" in '{path}'" if path else ""
        return f"Unknown field {unexpected}{where} in the request body"
    if not path:
        if kind == "Type":
            return "The request body must be a JSON object"
        return f"Invalid request body: {error.message}"
    return f"Invalid value for field '{path}': {error.message}"


@dataclass
class Operation:
    """One operation of the contract, with its validators compiled."""

    operation_id: str
    method: str
    path: str
    parameters: list[Parameter]
    body_schema: dict[str, Any] | None
    body_required: bool
    _params_validator: Any = field(init=False, repr=False)
    _body_validator: Any = field(init=False, repr=False)
    _defaults: list[tuple[str, Any]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        properties = {p.name: p.schema for p in self.parameters}
        required = [p.name for p in self.parameters if p.required]
        self._params_validator = jsonschema_rs.validator_for(
            {"type": "object", "properties": properties, "required": required}, validate_formats=True)
        self._body_validator = (jsonschema_rs.validator_for(self.body_schema, validate_formats=True)
                                if self.body_schema is not None else None)
        self._defaults = [(p.name, p.schema["default"]) for p in self.parameters if "default" in p.schema]

    @property
    def has_body(self) -> bool:
        """Whether the contract describes a request body for this operation."""
        return self._body_validator is not None

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
            given = [path_args[parameter.name]] if parameter.location == "path" and parameter.name in path_args \
                else query.get(parameter.name, []) if parameter.location == "query" else []
            if len(given) > 1:
                violations.append(Violation(f"Invalid value for parameter '{parameter.name}': given "
                                            f"{len(given)} times, expected once"))
                continue
            if given:
                raws[parameter.name] = given[0]
                values[parameter.name] = parameter.coerce(given[0])
        by_name = {p.name: p for p in self.parameters}
        # is_valid is the validator's fast path; errors are only gathered for a request that has some.
        errors = () if self._params_validator.is_valid(values) else self._params_validator.iter_errors(values)
        for error in errors:
            if error.instance_path:
                name = str(error.instance_path[0])
                violations.append(Violation(_parameter_message(by_name[name], raws[name], error)))
            elif type(error.kind).__name__ == "Required":
                missing = [p.name for p in self.parameters if p.required and p.name not in values]
                violations.append(Violation(f"Missing required parameter '{missing[0]}'" if missing
                                            else error.message))
        for name, default in self._defaults:
            values.setdefault(name, default)
        return values, violations

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
                                    f"got Content-Type {_describe(content_type or '')}")]
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            return None, [Violation(f"The request body is not valid JSON: {exc}")]
        return body, [Violation(_body_message(e)) for e in self._body_validator.iter_errors(body)]


class Contract:
    """Every operation of a spec, found by the Flask rule and method that serve it."""

    def __init__(self, document: dict[str, Any] | None = None) -> None:
        self.document = document if document is not None else load_spec()
        self.operations: dict[tuple[str, str], Operation] = {}
        self.by_id: dict[str, Operation] = {}
        for path, item in self.document.get("paths", {}).items():
            item = dereference(item, self.document)
            shared = item.get("parameters", [])
            for method in HTTP_METHODS:
                if method not in item:
                    continue
                operation = self._compile(path, method, item[method], shared)
                self.operations[(operation.flask_rule, method.upper())] = operation
                self.by_id[operation.operation_id] = operation

    @staticmethod
    def _compile(path: str, method: str, spec: dict[str, Any], shared: list[dict[str, Any]]) -> Operation:
        parameters = [
            Parameter(p["name"], p["in"], p.get("schema", {}), bool(p.get("required")),
                      bool(p.get("explode", p.get("style", "form") == "form")))
            for p in [*shared, *spec.get("parameters", [])] if p["in"] in ("path", "query")
        ]
        body = spec.get("requestBody")
        body_schema = body["content"]["application/json"]["schema"] if body else None
        return Operation(spec["operationId"], method.upper(), path, parameters, body_schema,
                         bool(body and body.get("required")))

    def find(self, rule: str, method: str) -> Operation | None:
        return self.operations.get((rule, method))
