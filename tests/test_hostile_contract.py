"""Hostile input made from the contract: every parameter of every operation given a value of the wrong kind,
and every JSON body a form. Each gets a 400 Pipedrive-shaped JSON error naming the parameter, and changes
nothing; a new operation is tested so at once."""
from __future__ import annotations

import orjson
import pytest
from flask import Flask
from flask.testing import FlaskClient

from hostile_case import JSON, Case, app, assert_refused_and_unchanged, case_id, client  # noqa: F401 - fixtures
from operations import distinct_operations
from pipedrive_mock.contract import Operation, Parameter


# -- made from the contract: every parameter with a type, enum or format a value can miss, every JSON body --
# A value no parameter of its kind accepts; a free string (a cursor, a field code) has none.
_WRONG_BY_FORMAT = {"date-time": "yesterday", "date": "yesterday", "uuid": "not-a-uuid"}


def _wrong_value(parameter: Parameter) -> str | None:
    schema = parameter.schema
    if parameter.kind == "array":
        item = Parameter(parameter.name, parameter.location, schema.get("items", {}), True, True)
        wrong = _wrong_value(item)
        if wrong is None or "enum" in item.schema:
            return wrong
        return f"1,{wrong}"  # a good item first: the bad one is found among others
    if "enum" in schema:
        return "no-such-value"
    return {"integer": "ten", "boolean": "maybe"}.get(parameter.kind) or _WRONG_BY_FORMAT.get(schema.get("format", ""))


def _contract_url(operation: Operation, wrong: Parameter | None = None, value: str = "") -> str:
    """The operation's path and required query with their examples (or 1), `wrong` given `value` instead."""
    examples = operation.examples()
    path, query = operation.path, []
    for parameter in operation.parameters:
        given = value if parameter is wrong else examples.get(parameter.name, "1")
        if parameter.location == "path":
            path = path.replace("{" + parameter.name + "}", given)
        elif parameter is wrong or parameter.required:
            query.append(f"{parameter.name}={given}")
    return path + ("?" + "&".join(query) if query else "")


def contract_cases() -> list[Case]:
    """For every operation of the contract: each parameter given a value of the wrong kind (400 naming it), and
    a form body where it takes JSON (400). A new operation is in the corpus with these at once."""
    cases = []
    for op in distinct_operations():
        body = orjson.dumps(op.body_example if op.body_example is not None else {}) if op.has_body else None
        for parameter in op.parameters:
            value = _wrong_value(parameter)
            if value is not None:
                cases.append(Case(f"contract: {parameter.location} {parameter.name}={value}", op.operation_id, "",
                                  body, 400, f"'{parameter.name}'", JSON if body else None,
                                  _contract_url(op, parameter, value)))
        if op.has_body:
            cases.append(Case("contract: form body", op.operation_id, "", b"x=1", 400, "must be JSON",
                              "application/x-www-form-urlencoded", _contract_url(op)))
    return cases


CONTRACT_CASES = contract_cases()


@pytest.mark.parametrize("case", CONTRACT_CASES, ids=case_id)
def test_hostile_request_gets_json_error_naming_problem_and_changes_nothing(
        app: Flask, client: FlaskClient, case: Case) -> None:
    assert_refused_and_unchanged(app, client, case)
