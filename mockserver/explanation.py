"""Each contract violation of a journaled request, explained: in plain words, and the part of openapi.yaml it
breaks (its place, its line numbers and the lines themselves), for the dashboard.

The violations are worded in one place (violations.py and contract.py); this module reads those messages
back, so it never changes what a request costs: the work is done only when someone opens an entry.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from .contract import Contract, Operation, dereference, load_spec, spec_text

# Longest excerpt of openapi.yaml shown for one violation.
EXCERPT_LINES = 24
Place = tuple[Any, ...]

_PARAMETER = re.compile(r"^(?:Invalid value for parameter|Missing required parameter) '([^']+)'")
_FIELD = re.compile(r"^Invalid value for field '([^']+)'")
_UNKNOWN_FIELD = re.compile(r"^Unknown field (.+?)(?: in '([^']+)')? in the request body$")
_NO_OPERATION = re.compile(r"^No operation of the contract matches (\S+) (\S+)$")


@dataclass(frozen=True)
class Explanation:
    message: str          # the violation as the journal has it
    explanation: str      # what it means, in plain words
    spec_path: str        # where in openapi.yaml, e.g. paths > /api/v2/activities > get > parameters > limit
    first_line: int | None  # 1-based lines of that part in openapi.yaml
    last_line: int | None
    excerpt: str          # those lines (at most EXCERPT_LINES)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def explain(contract: Contract, operation_id: str | None, method: str, path: str,
            violations: list[str]) -> list[Explanation]:
    """One explanation per violation of a request to `method path`, answered by `operation_id`."""
    operation = contract.by_id.get(operation_id) if operation_id else None
    return [_explain(contract.document, operation, method, path, message) for message in violations]


def _explain(document: dict[str, Any], operation: Operation | None, method: str, path: str,
             message: str) -> Explanation:
    if operation is None:
        return _no_operation(document, method, path, message)
    where: Place = ("paths", operation.path, operation.method.lower())
    words, place = _words_and_place(document, operation, where, message)
    return _located(message, words, place)


def _words_and_place(document: dict[str, Any], operation: Operation, where: Place, message: str
                     ) -> tuple[str, Place]:
    label = f"{operation.operation_id} ({operation.method} {operation.path})"
    if match := _PARAMETER.match(message):
        name = match.group(1)
        place, parameter = _parameter(document, where, name)
        if parameter is None:
            return f"{label} has no parameter '{name}'.", where
        schema = dereference(parameter.get("schema", {}), document)
        required = " It is required." if parameter.get("required") else ""
        once = " Give it once." if "times, expected once" in message else ""
        return (f"The {parameter.get('in', 'query')} parameter '{name}' of {label} must be "
                f"{describe_schema(schema)}.{required}{once}", place)
    body_place = (*where, "requestBody", "content", "application/json", "schema")
    if match := _UNKNOWN_FIELD.match(message):
        inside = match.group(2)
        place, schema = _field(document, body_place, inside.split(".") if inside else [], follow=True)
        allowed = ", ".join(sorted(schema.get("properties", {}))) if schema else ""
        where_words = f"The body field '{inside}'" if inside else "The request body"
        return (f"{where_words} of {label} allows only the fields the contract lists "
                f"(additionalProperties: false): {allowed}.", place)
    if match := _FIELD.match(message):
        name = match.group(1)
        place, schema = _field(document, body_place, name.split("."))
        if schema is None:
            return f"The request body of {label} has no field '{name}'.", body_place
        return f"The body field '{name}' of {label} must be {describe_schema(schema)}.", place
    if message.startswith("The request body"):
        return (f"{label} takes a JSON object (Content-Type: application/json) as its body, as its "
                f"requestBody says; a body that is missing, not UTF-8, not JSON or nested too deep breaks it.",
                (*where, "requestBody"))
    if message.startswith("Invalid request body") or message.startswith("The request body must be a JSON"):
        return f"The body of {label} must match its request schema.", body_place
    return f"{label} does not allow this request.", where


def _no_operation(document: dict[str, Any], method: str, path: str, message: str) -> Explanation:
    item = _path_item(document, path)
    if item is not None:
        template, methods = item
        allowed = ", ".join(m.upper() for m in methods)
        words = (f"openapi.yaml has the path {template} with the methods {allowed}, not {method}: "
                 f"the mock answers 405.")
        return _located(message, words, ("paths", template))
    known = ", ".join(document.get("paths", {}))
    return _located(message, f"openapi.yaml has no operation at {path}; its paths are {known}. "
                             f"The mock answers 404.", ("paths",))


def _path_item(document: dict[str, Any], path: str) -> tuple[str, list[str]] | None:
    for template, item in document.get("paths", {}).items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            return template, [m for m in item if m not in ("parameters", "summary", "description")]
    return None


def _parameter(document: dict[str, Any], where: Place, name: str) -> tuple[Place, dict[str, Any] | None]:
    """The place of the parameter `name` of an operation (its component when it is a $ref), and it."""
    for level in (where, where[:-1]):
        for index, raw in enumerate(_at(document, (*level, "parameters")) or []):
            place: Place = (*level, "parameters", index)
            if "$ref" in raw:
                place = _ref_place(raw["$ref"])
            parameter = dereference(raw, document)
            if parameter.get("name") == name:
                return place, parameter
    return where, None


def _field(document: dict[str, Any], place: Place, parts: list[str], follow: bool = False
           ) -> tuple[Place, dict[str, Any] | None]:
    """The place of a body field given as dotted parts (an array index for items), and its schema;
    with `follow`, the place of the schema a $ref there points at."""
    node = _at(document, place)
    for part in parts:
        node, place = _resolve(document, node, place)
        if node is None:
            return place, None
        if part.isdigit() and "items" in node:
            place, node = (*place, "items"), node["items"]
        elif part in node.get("properties", {}):
            place, node = (*place, "properties", part), node["properties"][part]
        else:
            return place, None
    if node is None:
        return place, None
    resolved, target = _resolve(document, node, place)
    return target if follow else place, dereference(resolved, document) if resolved is not None else None


def _resolve(document: dict[str, Any], node: Any, place: Place) -> tuple[Any, Place]:
    while isinstance(node, dict) and "$ref" in node:
        place = _ref_place(node["$ref"])
        node = _at(document, place)
    return node, place


def _ref_place(ref: str) -> Place:
    return tuple(part.replace("~1", "/").replace("~0", "~") for part in ref.lstrip("#/").split("/"))


def _at(document: Any, place: Place) -> Any:
    node = document
    for part in place:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def describe_schema(schema: dict[str, Any]) -> str:
    """A JSON Schema in plain words: 'an integer from 1 to 500', 'one of: asc, desc', 'a date, or null'."""
    kinds = schema.get("type", [])
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    nullable = "null" in kinds or (schema.get("enum") and None in schema["enum"])
    kinds = [k for k in kinds if k != "null"]
    if "enum" in schema:
        words = "one of: " + ", ".join(str(v) for v in schema["enum"] if v is not None)
    elif "const" in schema:
        words = f"exactly {schema['const']!r}"
    else:
        words = " or ".join(_kind_words(kind, schema) for kind in kinds) or "any JSON value"
    return words + (", or null" if nullable else "")


_FORMATS = {"date": "a date (YYYY-MM-DD)", "date-time": "an RFC 3339 date-time (e.g. 2025-01-15T09:00:00Z)",
            "uuid": "a UUID"}


def _kind_words(kind: str, schema: dict[str, Any]) -> str:
    if kind in ("integer", "number"):
        words = "an integer" if kind == "integer" else "a number"
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None and high is not None:
            return f"{words} from {low} to {high}"
        return f"{words} of at least {low}" if low is not None else \
            f"{words} of at most {high}" if high is not None else words
    if kind == "string":
        words = _FORMATS.get(schema.get("format", ""), "a string")
        limits = [f"at least {schema['minLength']}" if "minLength" in schema else "",
                  f"at most {schema['maxLength']}" if "maxLength" in schema else ""]
        limits = [limit for limit in limits if limit]
        if limits:
            words += f" of {' and '.join(limits)} characters"
        if "pattern" in schema:
            words += f" matching {schema['pattern']}"
        return words
    if kind == "array":
        items = describe_schema(schema.get("items", {}))
        most = f" of at most {schema['maxItems']} items" if "maxItems" in schema else ""
        return f"a list{most}, comma-separated in a query, each item {items}"
    if kind == "boolean":
        return "true or false (JSON booleans, not 0/1 or strings)"
    if kind == "object":
        return "a JSON object"
    return kind


def _located(message: str, words: str, place: Place) -> Explanation:
    lines = _lines().get(place)
    path = " > ".join(str(part) for part in place)
    if lines is None:
        return Explanation(message, words, path, None, None, "")
    first, last = lines
    text = spec_text().decode().splitlines()[first - 1:min(last, first - 1 + EXCERPT_LINES)]
    return Explanation(message, words, path, first, last, "\n".join(text))


@cache
def _lines() -> dict[Place, tuple[int, int]]:
    """Every place in openapi.yaml and its first and last line (1-based), from the YAML node tree."""
    import yaml  # here, not at the top: only an explanation needs the node tree, never a start

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    root = yaml.compose(spec_text(), Loader=loader)  # noqa: S506 - a safe loader
    found: dict[Place, tuple[int, int]] = {}

    def walk(node: Any, place: Place, start: int) -> int:
        """Records the node's lines; returns its last line."""
        # By the node's id, not its class: the C loader makes nodes of the yaml.nodes it was first imported
        # with, which a re-import of yaml (pytester's in-process runs restore sys.modules) does not share.
        if node.id in ("mapping", "sequence") and not node.flow_style and node.value:
            pairs = node.value if node.id == "mapping" else [(item, item) for item in node.value]
            last = start
            for index, (key, value) in enumerate(pairs):
                part = key.value if node.id == "mapping" else index
                last = walk(value, (*place, part), key.start_mark.line + 1)
        else:
            # A scalar or flow collection ends where its end mark is (at column 0: the line before).
            last = node.end_mark.line + (0 if node.end_mark.column == 0 else 1)
        found[place] = (start, max(last, start))
        return max(last, start)

    if root is not None:  # an empty document has no places
        walk(root, (), 1)
    load_spec()  # the same document the places point into
    return found
