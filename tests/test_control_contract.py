"""The control API obeys its own OpenAPI document (schemathesis, in-process, a quick deterministic run)."""
from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (content_type_conformance, negative_data_rejection,
                                               response_schema_conformance, status_code_conformance)
from schemathesis.checks import not_a_server_error

from pipedrive_mock import create_app
from pipedrive_mock.contract import CONTROL_SPEC_FILE, spec_path
from pipedrive_mock.contracts.profiles import current_profile

EXAMPLES = current_profile().control_examples
SEED = 20240601

# The coverage phase's cases are made as explicit examples while pytest collects: the quick profile, which
# leaves that phase out, collects this module in a second instead of seconds.
schema = schemathesis.openapi.from_path(spec_path(CONTROL_SPEC_FILE), config=SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"enabled": current_profile().coverage}}}))
schema.app = create_app(activities=5)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]


SNAPSHOT_EXAMPLES = max(1, EXAMPLES // 5)  # snapshot bodies are large: generating them dominates the run
_QUICK = settings(derandomize=True, database=None, deadline=None, phases=[Phase.explicit, Phase.generate],
                     suppress_health_check=list(HealthCheck))


@schema.exclude(method="PUT", path="/_mock/snapshot").parametrize()
@settings(_QUICK, max_examples=EXAMPLES)
def test_control_api_conforms_to_its_openapi(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)


@schema.include(method="PUT", path="/_mock/snapshot").parametrize()
@settings(_QUICK, max_examples=SNAPSHOT_EXAMPLES)
def test_control_snapshot_put_conforms_to_its_openapi(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)
