"""The mock obeys its contract: every operation, every check, positive and negative, plus the stateful phase."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from pipedrive_mock.contracts.report import Report
from pipedrive_mock.contracts.runner import CHECKS, Target, build_config, run
from pipedrive_mock.contracts.profiles import DEFAULT_SEED, current_profile
from pipedrive_mock import ADMIN_TOKEN, LiveServer, create_app
from pipedrive_mock.contract import Contract

OPERATIONS = sorted(f"{op.method} {op.path}" for op in Contract().operations.values())
ADD = "POST /api/v2/activities"
LINKED = ("GET /api/v2/activities/{id}", "PATCH /api/v2/activities/{id}", "DELETE /api/v2/activities/{id}")
SEEDED_ACTIVITIES = 30


@pytest.fixture(scope="module")
def report() -> Iterator[Report]:
    app = create_app(seed=DEFAULT_SEED, activities=SEEDED_ACTIVITIES)
    with LiveServer(app) as server:  # uvicorn, as `mockserver serve` and the plugin serve it
        url = server.url
        # A throwaway mock: writes may reach seeded activities too, so updates and deletes of them are checked.
        yield run(Target(url, ADMIN_TOKEN, allow_writes=True), profile=current_profile(), confine_writes=False)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_mock_operation_passes_every_check(report: Report, operation: str) -> None:
    assert report.cases[operation] > 0
    failures = report.failures(operation)
    assert not failures, failures


def test_mock_contract_run_has_no_errors(report: Report) -> None:
    assert not report.errors, "\n".join(report.errors)
    coverage = ["coverage"] if current_profile().coverage else []
    assert set(report.phases) >= {"examples", "fuzzing", "stateful", *coverage}


@pytest.mark.parametrize("linked", LINKED)
def test_mock_stateful_phase_follows_links_from_add(report: Report, linked: str) -> None:
    assert report.transitions[f"{ADD} -> {linked}"] > 0


def test_contract_config_enables_every_listed_check_in_both_modes() -> None:
    config = build_config(Target("http://127.0.0.1:1", ADMIN_TOKEN, True), current_profile(), DEFAULT_SEED)
    enabled = {name for name in CHECKS if config.projects.default.checks.get_by_name(name=name).enabled}
    assert enabled == set(CHECKS) and len(CHECKS) == 12
    assert {mode.value for mode in config.projects.default.generation.modes} == {"positive", "negative"}
