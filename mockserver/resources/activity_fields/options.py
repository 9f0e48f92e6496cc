"""The option sets of the `priority` and `outcome` activity fields, and the check of a body against them.

Pipedrive's own ids are not published; these are the mock's (README fidelity notes), the same in every
company, stated in openapi.yaml: the schemas `Priority` and `Outcome` list the ids (`enum`) and their labels
(`x-options`). The seed uses them, activityFields lists them, and an add or update must use one of them.
"""
from __future__ import annotations

from typing import Any

from ...contract import load_spec
from ...errors import BadRequest


def _options(schema: str) -> dict[int, str]:
    labels = load_spec()["components"]["schemas"][schema]["x-options"]
    return {int(option_id): str(label) for option_id, label in labels.items()}


PRIORITY_OPTIONS: dict[int, str] = _options("Priority")
OUTCOME_OPTIONS: dict[int, str] = _options("Outcome")
OPTION_SETS: dict[str, dict[int, str]] = {"priority": PRIORITY_OPTIONS, "outcome": OUTCOME_OPTIONS}


def check_options(fields: dict[str, Any]) -> None:
    """A 400 naming the field and its allowed ids when `priority` or `outcome` is no option id (null clears)."""
    for name, options in OPTION_SETS.items():
        value = fields.get(name)
        if value is not None and value not in options:
            allowed = ", ".join(f"{option_id} ({label})" for option_id, label in options.items())
            raise BadRequest(f"Invalid value for field '{name}': {value} is not an option id of the "
                             f"'{name}' activity field (allowed: {allowed}; GET /api/v2/activityFields/{name})")
