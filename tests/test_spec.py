"""openapi.yaml is a valid contract, served as written, and names the fields the schemas dump and load."""
from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from operations import CONTRACT, arrange, canonical, operations, request_path, sample, success_status
from pipedrive_mock import ADMIN_TOKEN, create_app
from pipedrive_mock.contract import (CONTROL_SPEC_FILE, OAUTH_SPEC_FILE, SPEC_FILE, TOKEN_COST_KEY, Contract,
                                     ContractError, dereference, load_spec, spec_path)
from pipedrive_mock.resources.activities.schemas import (ActivityInputSchema, ActivityV1Schema, ActivityV2Schema, AttendeeSchema,
                                LocationSchema, ParticipantSchema)

ROOT = Path(__file__).resolve().parent.parent


def component(name: str) -> dict[str, Any]:
    spec = load_spec()
    return dereference(spec["components"]["schemas"][name], spec)


def test_openapi_yaml_is_a_valid_openapi_document() -> None:
    validate(yaml.safe_load((ROOT / "openapi.yaml").read_text()))


def test_packaged_spec_is_the_top_level_openapi_yaml() -> None:
    assert spec_path().read_bytes() == (ROOT / "openapi.yaml").read_bytes()


@pytest.mark.parametrize("schema, name", [
    (ActivityV2Schema, "ActivityV2"), (ActivityV1Schema, "ActivityV1"), (LocationSchema, "Location"),
    (ParticipantSchema, "Participant"), (AttendeeSchema, "Attendee"),
    (ActivityInputSchema, "ActivityAddRequest"), (ActivityInputSchema, "ActivityUpdateRequest"),
])
def test_marshmallow_schema_names_the_same_fields_as_the_spec(schema: Any, name: str) -> None:
    assert set(schema._declared_fields) == set(component(name)["properties"])


def test_every_spec_operation_is_served(api: Any) -> None:
    spec = load_spec()
    for path, item in spec["paths"].items():
        for method in (m for m in item if m != "parameters"):
            concrete = path.replace("{id}", "1")
            response = api(method.upper(), concrete, token=None)
            assert response.status_code == 401, (method, path)


def test_contract_without_a_token_cost_fails_at_start_naming_the_operation() -> None:
    document = copy.deepcopy(load_spec())
    del document["paths"]["/api/v2/activities/{id}"]["patch"][TOKEN_COST_KEY]
    with pytest.raises(ContractError, match=r"PATCH /api/v2/activities/\{id\} \(updateActivity\) has no valid"):
        Contract(document)


@pytest.mark.parametrize("name", [SPEC_FILE, CONTROL_SPEC_FILE, OAUTH_SPEC_FILE])
def test_contract_validators_of_every_operation_compile(name: str) -> None:
    # Compiled on an operation's first request (contract.py), so a schema jsonschema_rs refuses shows here.
    contract = Contract(load_spec(name), costs=name != CONTROL_SPEC_FILE)
    for operation in contract:
        assert operation._params_validator.is_valid({}) in (True, False)
        assert (operation._body_validator is None) == (not operation.has_body)


@pytest.mark.parametrize("cost", ["5", 2.5, -1, True, None])
def test_contract_with_a_token_cost_that_is_no_whole_number_fails_at_start(cost: Any) -> None:
    document = copy.deepcopy(load_spec())
    document["paths"]["/api/v2/activities"]["get"][TOKEN_COST_KEY] = cost
    with pytest.raises(ContractError, match="getActivities"):
        Contract(document)


@pytest.mark.parametrize("operation", operations(), ids=lambda op: op.operation_id)
def test_operation_charges_the_daily_budget_its_contract_token_cost(operation: Any) -> None:
    app = create_app(activities=3)
    arrange(operation, app)
    app.extensions["pipedrive_mock"].rate_limit.configure(daily_budget=1000)
    response = app.test_client().open(request_path(operation, 1), method=operation.method,
                                      headers={"x-api-token": ADMIN_TOKEN}, json=sample(operation).body)
    assert response.status_code == success_status(operation), response.get_json()
    assert int(response.headers["x-daily-ratelimit-token-remaining"]) == 1000 - operation.token_cost


_README_ROW = re.compile(r"^\| [^|]+ \| `(GET|POST|PUT|PATCH|DELETE) ([^`?]+)[^`]*`[^|]* \| (\d+) \|", re.M)


def test_readme_operation_tables_give_each_operation_its_contract_cost() -> None:
    rows = {(method, path): int(cost) for method, path, cost in _README_ROW.findall((ROOT / "README.md").read_text())}
    assert rows, "the README's operation tables were not found"
    for (method, path), cost in rows.items():
        operation = CONTRACT.operations[(re.sub(r"\{(\w+)\}", r"<\1>", path), method)]
        assert cost == operation.token_cost, (method, path)
    documented = {canonical(CONTRACT.operations[(re.sub(r"\{(\w+)\}", r"<\1>", p), m)]).operation_id
                  for m, p in rows}
    assert documented == {canonical(op).operation_id for op in CONTRACT}
