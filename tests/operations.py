"""The contract's operations, for tests that need "every operation": taken from the compiled openapi.yaml.

A test names an operation by its operationId. What a successful call sends (path and query values, a body)
is the contract's `example` of each; what must exist first is made by `arrange`, by a rule, not a table.
An operation the contract gains is in every such test at once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipedrive_mock import ADMIN_TOKEN
from pipedrive_mock.contract import Contract, Operation, load_spec

CONTRACT = Contract()
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Sample:
    """What a successful call of an operation sends beyond its path, from the contract: the `example` of each
    path and query parameter that has one, and the request body's `example`."""
    query: str = ""
    body: dict[str, Any] | None = None
    path_args: dict[str, str] = field(default_factory=dict)


def canonical(operation: Operation) -> Operation:
    """The operation itself, or for a v1 operation at /api/v1/... the same one at /v1/... (one view serves both)."""
    if operation.path.startswith("/api/v1/"):
        return CONTRACT.operations[(operation.flask_rule[4:], operation.method)]
    return operation


def operations() -> list[Operation]:
    """Every operation of the contract, both prefixes of v1 included."""
    return list(CONTRACT)


def distinct_operations() -> list[Operation]:
    """Every operation once: a v1 operation served at two prefixes counts once."""
    return [op for op in CONTRACT if canonical(op) is op]


def sample(operation: Operation) -> Sample:
    operation = canonical(operation)
    examples = operation.examples()
    query = "&".join(f"{p.name}={examples[p.name]}" for p in operation.parameters
                     if p.location == "query" and p.name in examples)
    path_args = {p.name: examples[p.name] for p in operation.parameters if p.location == "path" and p.name in examples}
    return Sample(query, operation.body_example, path_args)


def creator(operation: Operation) -> Operation | None:
    """For a DELETE of `/x/{id}` whose id has an example: the POST of `/x`, which makes what it deletes."""
    operation = canonical(operation)
    if operation.method != "DELETE" or not operation.path.endswith("}") or not sample(operation).path_args:
        return None
    return CONTRACT.operations.get((operation.flask_rule.rsplit("/", 1)[0], "POST"))


def arrange(operation: Operation, app: Any) -> None:
    """Make what a successful call of the operation needs in the app's company 1: a DELETE of `/x/{id}` comes
    after the POST of `/x` with its example body (as an admin), so that the example id exists."""
    made_by = creator(operation)
    if made_by is not None:
        response = app.test_client().post(made_by.path, json=made_by.body_example,
                                          headers={"x-api-token": ADMIN_TOKEN})
        assert response.status_code < 300, response.get_json()


def success_status(operation: Operation) -> int:
    """The status a successful call answers: the operation's documented 2xx (200, or 201 for a webhook)."""
    return min(int(status) for status in documented_statuses(operation) if status.startswith("2"))


def writes(operation: Operation) -> bool:
    return operation.method not in SAFE_METHODS


def documented_statuses(operation: Operation) -> set[str]:
    """The response statuses openapi.yaml documents for the operation."""
    item = load_spec()["paths"][operation.path][operation.method.lower()]
    return set(item["responses"])


def request_path(operation: Operation, object_id: int | str, query: str | None = None) -> str:
    """A concrete path of the operation, with the contract's examples; a required parameter without one (the
    activity ids, left to the caller) is `object_id`. `query`, when given, is the whole query string."""
    spec = sample(operation)
    path = operation.path
    chosen = []
    for parameter in operation.parameters:
        if parameter.location == "path":
            path = path.replace("{" + parameter.name + "}", spec.path_args.get(parameter.name, str(object_id)))
        elif parameter.location == "query" and parameter.required and parameter.example is None:
            chosen.append(f"{parameter.name}={object_id}")
    if query is None:
        query = "&".join(part for part in (spec.query, *chosen) if part)
    return f"{path}?{query}" if query else path
