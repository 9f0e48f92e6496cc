"""The official Node client's ActivityTypesApi, UsersApi and ActivityFieldsApi against the served mock, in the
flow of an integration: users/me, the types, a custom type, an activity of it with a priority from activityFields."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipedrive_mock.contract import load_spec

from .test_node_client import _node, base_url, node_dir  # noqa: F401 - fixtures shared with the activity checks


@pytest.fixture
def seen(node_dir: Path, base_url: str) -> dict[str, Any]:  # noqa: F811
    return _node(node_dir, "resources.js", base_url)


def test_node_client_users_api_reads_me_the_users_and_one(seen: dict[str, Any], base_url: str) -> None:  # noqa: F811
    assert seen["me"] == [1, True, base_url.removeprefix("http://")]
    assert seen["users"] == [1, 2] and seen["one"] is True


def test_node_client_activity_types_api_lists_adds_updates_and_deletes(seen: dict[str, Any]) -> None:
    assert seen["before"] == ["call", "meeting", "task", "deadline", "email", "lunch"]
    assert seen["added"] == ["video_call", "00AAFF", True] and seen["renamed"] == "Video"
    assert seen["deleted"] is False
    assert "'type'" in seen["refused"] and "inactive" in seen["refused"]


def test_node_client_activity_fields_api_pages_fields_with_options(seen: dict[str, Any]) -> None:
    assert seen["high"] == 3 and seen["ui"] is True
    fields = list(load_spec()["components"]["schemas"]["ActivityV2"]["properties"])
    assert seen["page"] == fields[:10] and seen["next"] == fields[10]
    assert seen["v1_fields"] > 20


def test_node_client_activity_of_custom_type_with_priority_is_listed_back(seen: dict[str, Any]) -> None:
    assert seen["listed"] == [["Demo by video", "video_call", 3]]
