"""openapi.yaml is a valid contract, served as written, and names the fields the schemas dump and load."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from pipedrive_mock.contract import dereference, load_spec, spec_path
from pipedrive_mock.schemas import (ActivityInputSchema, ActivityV1Schema, ActivityV2Schema, AttendeeSchema,
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
