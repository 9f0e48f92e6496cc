"""openapi.yaml as a contract: check the mock or any live target, fuzz a client, and see drift.

- `pipedrive-contracts --base-url URL` (runner): schemathesis over every operation.
- `pipedrive_mock.contracts.strategies`: hypothesis strategies derived from the spec's schemas, with
  client-breaking edge cases.
- `pipedrive-contracts record` / `check-recording` (recording): responses recorded, then checked.

Needs the `contracts` extra (`pip install 'pipedrive-activities-mock[contracts]'`): schemathesis and
hypothesis-jsonschema. The names below load on first use, so `--help` needs neither.
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__all__ = ["CHECKS", "PROFILES", "Drift", "Finding", "Profile", "Recording", "Report", "Target", "check",
           "current_profile", "record", "run"]

_HOMES = {"CHECKS": "runner", "PROFILES": "profiles", "Drift": "recording", "Finding": "report",
          "Profile": "profiles", "Recording": "recording", "Report": "report", "Target": "runner",
          "check": "recording", "current_profile": "profiles", "record": "recording", "run": "runner"}

if TYPE_CHECKING:
    from .profiles import PROFILES, Profile, current_profile
    from .recording import Drift, Recording, check, record
    from .report import Finding, Report
    from .runner import CHECKS, Target, run


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_HOMES[name]}", __name__), name)
