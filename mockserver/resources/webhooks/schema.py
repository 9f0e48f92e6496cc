"""The JSON Schemas of the delivery bodies (payload-v2.schema.json, payload-v1.schema.json), for tests
and users who validate what their receiver gets."""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SCHEMA_FILES = {"2.0": HERE / "payload-v2.schema.json", "1.0": HERE / "payload-v1.schema.json"}


@cache
def payload_schema(version: str = "2.0") -> dict[str, Any]:
    """The JSON Schema of a delivery body of webhook `version` ("2.0" or "1.0")."""
    return json.loads(SCHEMA_FILES[version].read_text())


def payload_errors(body: dict[str, Any], version: str = "2.0") -> list[str]:
    """Every way `body` breaks the schema of its version; empty when it conforms."""
    validator = _validator(version)
    return [f"{'/'.join(map(str, error.instance_path)) or '(body)'}: {error.message}"
            for error in validator.iter_errors(body)]


@cache
def _validator(version: str) -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for(payload_schema(version))
