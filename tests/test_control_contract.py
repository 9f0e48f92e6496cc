"""The control API obeys its own OpenAPI document: schemathesis' engine over every operation, in-process
(WSGI), deterministic, fuzzing in positive and negative modes (and the coverage phase in the profiles that
have it; the document gives no examples for an examples phase).

One module-wide run, asserted per operation (as tests/test_contracts_mock.py does): schemathesis' pytest
integration (`schema.parametrize()`) gave every operation's test the same node id under pytest 9, so
`pytest -n 2 --dist loadfile` ran only the first operation of each test; and it built every operation's
hypothesis test while pytest collected, on every worker.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from pipedrive_mock import create_app
from pipedrive_mock.contract import CONTROL_SPEC_FILE, load_spec, spec_path
from pipedrive_mock.contracts.profiles import current_profile
from pipedrive_mock.contracts.report import Report

SEED = 20240601
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_schema_conformance", "negative_data_rejection")
METHODS = ("get", "put", "post", "patch", "delete")
OPERATIONS = sorted(f"{method.upper()} {path}" for path, item in load_spec(CONTROL_SPEC_FILE)["paths"].items()
                    for method in item if method in METHODS)
SNAPSHOT_PUT = ("PUT", "/_mock/snapshot")


@pytest.fixture(scope="module")
def report() -> Iterator[Report]:
    import schemathesis
    from schemathesis.config import SchemathesisConfig

    from pipedrive_mock.contracts.runner import execute

    profile = current_profile()
    config = SchemathesisConfig.from_dict({
        "seed": SEED,
        "generation": {"mode": "all", "max-examples": profile.control_examples, "deterministic": True,
                       "database": "none"},
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
        "phases": {"coverage": {"enabled": profile.coverage}, "stateful": {"enabled": False}},
        # snapshot bodies are large: generating them dominates the run
        "operations": [{"include-method": SNAPSHOT_PUT[0], "include-path": SNAPSHOT_PUT[1],
                        "generation": {"max-examples": max(1, profile.control_examples // 5)}}],
    })
    schema = schemathesis.openapi.from_path(str(spec_path(CONTROL_SPEC_FILE)), config=config)
    schema.app = create_app(activities=5)
    yield execute(schema)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_control_operation_conforms_to_its_openapi(report: Report, operation: str) -> None:
    assert report.cases[operation] > 0
    failures = report.failures(operation)
    assert not failures, failures


def test_control_contract_run_has_no_errors_and_answers_both_modes(report: Report) -> None:
    assert not report.errors, "\n".join(report.errors)
    coverage = ["coverage"] if current_profile().coverage else []
    assert set(report.phases) >= {"fuzzing", *coverage}
    # positive cases answered 2xx, negative ones rejected with a 400
    assert report.statuses[200] > 0 and report.statuses[400] > 0
