"""contracts.strategies: every value fits the spec (the edge cases and a fuzzed client: test_contracts_edges.py)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import given, settings

from pipedrive_mock.contracts import strategies
from pipedrive_mock.contracts.profiles import current_profile

PROFILE = settings.get_profile(f"contracts-{current_profile().name}")
STRATEGIES = [
    (strategies.add_bodies, "ActivityAddRequest"),
    (strategies.update_bodies, "ActivityUpdateRequest"),
    (strategies.v2_activities, "ActivityV2"),
    (strategies.v1_items, "ActivityV1"),
    (strategies.list_responses, "ActivityListResponse"),
    (strategies.collection_responses, "ActivityCollectionResponse"),
    (strategies.activity_responses, "ActivityResponse"),
    (strategies.error_responses, "Error"),
]


@pytest.mark.parametrize(("strategy", "component"), STRATEGIES, ids=[c for _, c in STRATEGIES])
def test_strategy_values_are_valid_under_the_spec(strategy: Callable[[], Any], component: str) -> None:
    validator = jsonschema_rs.Draft202012Validator(strategies.component(component), validate_formats=True)

    @PROFILE
    @given(strategy())
    def check(value: Any) -> None:
        assert [e.message for e in validator.iter_errors(value)] == []

    check()
