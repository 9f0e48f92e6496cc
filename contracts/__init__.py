"""openapi.yaml as a contract: check the mock or any live target, fuzz a client, and see drift.

- `python -m contracts --base-url URL --api-token TOKEN` (contracts.runner): schemathesis over every operation.
- `contracts.strategies`: hypothesis strategies derived from the spec's schemas, with client-breaking edge cases.
- `python -m contracts record` / `check-recording` (contracts.recording): responses recorded, then checked.
"""
from __future__ import annotations

from .profiles import PROFILES, Profile, current_profile
from .recording import Drift, Recording, check, record
from .report import Finding, Report
from .runner import CHECKS, Target, run

__all__ = ["CHECKS", "PROFILES", "Drift", "Finding", "Profile", "Recording", "Report", "Target", "check",
           "current_profile", "record", "run"]
