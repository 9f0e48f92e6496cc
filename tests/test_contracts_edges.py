"""contracts.strategies: the edge cases show up, and fuzzing catches a client's bug (in a module of its own,
so that `pytest -n 2 --dist loadfile` can give it to the worker the other strategy tests are not on)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis.errors import NoSuchExample

from pipedrive_mock.contracts import strategies
from pipedrive_mock.contracts.profiles import current_profile

PROFILE = settings.get_profile(f"contracts-{current_profile().name}")
# Shrinking pages of large nested activities takes minutes; these tests only need the first hit.
NO_SHRINK = settings(PROFILE, phases=(Phase.explicit, Phase.generate))
EDGE_SEARCH = 1000  # examples searched for one edge case before giving up


EDGE_CASES = [
    ("empty page", strategies.list_responses, lambda page: page["data"] == []),
    ("last page", strategies.list_responses,
     lambda page: page["data"] and page["additional_data"]["next_cursor"] is None),
    ("every nullable field null", strategies.v2_activities,
     lambda a: all(a[k] is None for k in strategies.nullable_fields("ActivityV2"))),
    ("non-ASCII text", strategies.v2_activities, lambda a: not a["subject"].isascii()),
    ("long text", strategies.v2_activities, lambda a: len(a["subject"]) >= strategies.LONG_STRING_SIZE // 2),
]


@pytest.mark.parametrize(("strategy", "condition"), [c[1:] for c in EDGE_CASES], ids=[c[0] for c in EDGE_CASES])
def test_strategies_include_edge_case(strategy: Callable[[], Any], condition: Callable[[Any], bool]) -> None:
    assert condition(find(strategy(), condition, settings=settings(NO_SHRINK, max_examples=EDGE_SEARCH)))


# --- the documented example: a small client's page parser, fuzzed with what the contract allows -------
def parse_page(body: dict[str, Any]) -> tuple[list[str], str | None]:
    """A correct client: subjects with their due dates, and the cursor of the next page (None at the end)."""
    subjects = [f"{a['subject']} ({a['due_date'] or 'no date'})" for a in body["data"]]
    return subjects, body["additional_data"]["next_cursor"]


def parse_page_with_planted_bug(body: dict[str, Any]) -> tuple[list[str], str | None]:
    """The same client, assuming due_date is always set: it crashes on an activity without one."""
    subjects = [f"{a['subject']} ({a['due_date'].replace('-', '/')})" for a in body["data"]]
    return subjects, body["additional_data"]["next_cursor"]


def _fuzz(client: Callable[[dict[str, Any]], Any]) -> None:
    @NO_SHRINK
    @given(strategies.list_responses())
    def client_parses_any_page(body: dict[str, Any]) -> None:
        client(body)

    client_parses_any_page()


def test_strategies_fuzzing_a_correct_client_find_nothing() -> None:
    _fuzz(parse_page)


def test_strategies_fuzzing_a_client_find_its_planted_null_bug() -> None:
    with pytest.raises(AttributeError, match="'NoneType' object has no attribute 'replace'"):
        _fuzz(parse_page_with_planted_bug)


def test_find_without_an_edge_case_raises_no_such_example() -> None:
    with pytest.raises(NoSuchExample):
        find(strategies.error_responses(), lambda error: error["success"] is not False,
             settings=settings(NO_SHRINK, max_examples=50))
