"""How a request's faults against the contract are worded: each names the parameter or field, the value
received and what the contract allows (style: "error messages are diagnostics")."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import jsonschema_rs
import orjson

if TYPE_CHECKING:
    from .contract import Parameter


def schema_type(schema: dict[str, Any]) -> str:
    kind = schema.get("type", "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    return kind


class Violation(str):
    """One thing the contract says is wrong with a request, worded for the person who sent it."""


class UnknownField(Violation):
    """Fields the body's schema does not know, at `path` (keys from the body's top): what
    `--unknown-fields ignore` drops."""

    path: tuple[str | int, ...]
    names: tuple[str, ...]

    def __new__(cls, text: str, path: tuple[str | int, ...], names: tuple[str, ...]) -> UnknownField:
        self = super().__new__(cls, text)
        self.path, self.names = path, names
        return self

    def __reduce__(self) -> tuple[type[UnknownField], tuple[str, tuple[str | int, ...], tuple[str, ...]]]:
        # copy, deepcopy and pickle rebuild it with its place (a journal entry is copied as a dataclass).
        return (UnknownField, (str(self), self.path, self.names))


def drop_unknown(body: Any, unknown: list[UnknownField]) -> Any:
    """A copy of `body` without the unknown fields (the body itself is left as it was sent)."""
    copy = orjson.loads(orjson.dumps(body))
    for violation in unknown:
        node = copy
        for part in violation.path:
            node = node[part]
        for name in violation.names:
            node.pop(name, None)
    return copy


def describe(value: Any) -> str:
    text = orjson.dumps(value).decode() if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def error_text(error: jsonschema_rs.ValidationError) -> str:
    """The validator's message with the offending value shortened, so a huge value is never echoed whole."""
    message: str = error.message
    try:
        full = orjson.dumps(error.instance).decode()
    except TypeError:
        return message
    return message.replace(full, describe(error.instance)) if len(full) > 60 else message


def parameter_message(parameter: Parameter, raw: str, error: jsonschema_rs.ValidationError) -> str:
    kind = schema_type(parameter.schema)
    if kind in ("integer", "boolean") and isinstance(error.instance, str):
        article = "an" if kind[0] in "aeiou" else "a"
        return f"Invalid value for parameter '{parameter.name}': {describe(raw)} is not {article} {kind}"
    if kind == "array" and isinstance(error.instance, str):
        return (f"Invalid value for parameter '{parameter.name}': {describe(raw)} is not a comma-separated "
                f"list of {schema_type(parameter.schema.get('items', {}))}s")
    if type(error.kind).__name__ == "Enum":
        allowed = ", ".join(str(v) for v in parameter.schema.get("enum", ()))
        return f"Invalid value for parameter '{parameter.name}': {describe(raw)} is not one of: {allowed}"
    return f"Invalid value for parameter '{parameter.name}': {error_text(error)}"


def not_json_message(raw: bytes, exc: orjson.JSONDecodeError) -> str:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as bad:
        return (f"The request body is not valid UTF-8: byte 0x{raw[bad.start]:02x} at position {bad.start} "
                f"(JSON must be UTF-8)")
    return f"The request body is not valid JSON: {exc}"


def body_violation(error: jsonschema_rs.ValidationError) -> Violation:
    kind = type(error.kind).__name__
    if kind == "AdditionalProperties":
        path = ".".join(str(part) for part in error.instance_path)
        names = tuple(getattr(error.kind, "unexpected", ()))
        where = f" in '{path}'" if path else ""
        return UnknownField(f"Unknown field {', '.join(repr(n) for n in names)}{where} in the request body",
                            tuple(error.instance_path), names)
    return Violation(body_message(error))


def body_message(error: jsonschema_rs.ValidationError) -> str:
    path = ".".join(str(part) for part in error.instance_path)
    kind = type(error.kind).__name__
    if not path:
        if kind == "Type":
            return "The request body must be a JSON object"
        return f"Invalid request body: {error_text(error)}"
    if kind == "Enum":
        # Name every allowed value, not the validator's "one of 1, 2 or 2 other candidates".
        allowed = ", ".join(orjson.dumps(option).decode() for option in getattr(error.kind, "options", ()))
        return f"Invalid value for field '{path}': {describe(error.instance)} is not one of the allowed {allowed}"
    return f"Invalid value for field '{path}': {error_text(error)}"


def floats_for_integers(schema: Any, value: Any, path: tuple[Any, ...]) -> list[Violation]:
    """Where the spec says integer, a JSON number with a fraction part (even `5.0`) is a violation.

    JSON Schema counts 5.0 as an integer; Pipedrive's v2 API is strict, so the mock is too.
    """
    if not isinstance(schema, dict):
        return []
    if isinstance(value, float):
        kinds = schema.get("type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if "integer" in kinds and "number" not in kinds and value.is_integer():
            where = ".".join(str(part) for part in path)
            return [Violation(f"Invalid value for field '{where}': {value!r} is not an integer")]
        return []
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        return [v for key, item in value.items() if key in properties
                for v in floats_for_integers(properties[key], item, (*path, key))]
    if isinstance(value, list):
        return [v for i, item in enumerate(value)
                for v in floats_for_integers(schema.get("items"), item, (*path, i))]
    return []
