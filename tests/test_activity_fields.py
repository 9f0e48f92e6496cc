"""Activity fields: every field of the contract's activity, v1 offset and v2 cursor pages, option sets."""
from __future__ import annotations

from typing import Any

import pytest

from pipedrive_mock.contract import load_spec
from pipedrive_mock.resources.activity_fields.options import OUTCOME_OPTIONS, PRIORITY_OPTIONS

CONTRACT_FIELDS = list(load_spec()["components"]["schemas"]["ActivityV2"]["properties"])


def _walk_v2(api: Any, limit: int) -> list[dict[str, Any]]:
    seen, cursor = [], None
    while True:
        query = f"limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        body = api("GET", f"/api/v2/activityFields?{query}").get_json()
        seen += body["data"]
        cursor = body["additional_data"]["next_cursor"]
        if cursor is None:
            return seen


def test_v2_activity_fields_walk_lists_every_contract_field_once(api: Any) -> None:
    assert [f["field_code"] for f in _walk_v2(api, 4)] == CONTRACT_FIELDS


@pytest.mark.parametrize("prefix", ["/v1", "/api/v1"])
def test_v1_activity_fields_pages_by_start_and_limit(api: Any, prefix: str) -> None:
    first = api("GET", f"{prefix}/activityFields?limit=10").get_json()
    assert first["additional_data"]["pagination"] == {"start": 0, "limit": 10, "more_items_in_collection": True,
                                                      "next_start": 10}
    keys = [f["key"] for f in first["data"]]
    start = 10
    while True:
        page = api("GET", f"{prefix}/activityFields?start={start}&limit=10").get_json()
        keys += [f["key"] for f in page["data"]]
        if not page["additional_data"]["pagination"]["more_items_in_collection"]:
            assert "next_start" not in page["additional_data"]["pagination"]
            break
        start = page["additional_data"]["pagination"]["next_start"]
    assert keys == CONTRACT_FIELDS


@pytest.mark.parametrize("code, options", [("priority", PRIORITY_OPTIONS), ("outcome", OUTCOME_OPTIONS)])
def test_activity_field_lists_its_option_set(api: Any, code: str, options: dict[int, str]) -> None:
    field = api("GET", f"/api/v2/activityFields/{code}").get_json()["data"]
    assert field["field_type"] == "enum"
    assert [(o["id"], o["label"]) for o in field["options"]] == list(options.items())


def test_type_field_options_are_the_active_types_including_a_new_one(api: Any) -> None:
    api("POST", "/v1/activityTypes", json={"name": "Video call", "icon_key": "camera"})
    api("DELETE", "/v1/activityTypes/6")
    options = api("GET", "/api/v2/activityFields/type").get_json()["data"]["options"]
    assert [o["id"] for o in options] == ["call", "meeting", "task", "deadline", "email", "video_call"]


@pytest.mark.parametrize("code", ["busy", "done"])
def test_busy_and_done_are_boolean_fields(api: Any, code: str) -> None:
    assert api("GET", f"/api/v2/activityFields/{code}").get_json()["data"]["field_type"] == "boolean"


def test_ui_visibility_only_when_asked_and_add_visible_for_writable_fields(api: Any) -> None:
    assert "ui_visibility" not in api("GET", "/api/v2/activityFields/subject").get_json()["data"]
    subject = api("GET", "/api/v2/activityFields/subject?include_fields=ui_visibility").get_json()["data"]
    creator = api("GET", "/api/v2/activityFields/creator_user_id?include_fields=ui_visibility").get_json()["data"]
    assert subject["ui_visibility"]["add_visible_flag"] is True
    assert creator["ui_visibility"]["add_visible_flag"] is False


def test_unknown_field_code_returns_404_naming_it(api: Any) -> None:
    response = api("GET", "/api/v2/activityFields/colour")
    assert response.status_code == 404 and "'colour'" in response.get_json()["error"]


@pytest.mark.parametrize("method, path", [("POST", "/api/v2/activities"), ("PATCH", "/api/v2/activities/1")])
@pytest.mark.parametrize("field, value", [("priority", 4), ("priority", 0), ("outcome", 99)])
def test_write_with_value_outside_option_set_returns_400_naming_field_and_allowed_ids(
        api: Any, method: str, path: str, field: str, value: int) -> None:
    before = api("GET", "/api/v2/activities/1").get_json()
    response = api(method, path, json={field: value})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert f"'{field}'" in error and "1, 2, 3, null" in error
    assert api("GET", "/api/v2/activities/1").get_json() == before


@pytest.mark.parametrize("field", ["priority", "outcome"])
def test_write_with_option_id_or_null_is_accepted(api: Any, field: str) -> None:
    assert api("PATCH", "/api/v2/activities/1", json={field: 3}).get_json()["data"][field] == 3
    assert api("PATCH", "/api/v2/activities/1", json={field: None}).get_json()["data"][field] is None


def test_seeded_priorities_and_outcomes_are_option_ids(store: Any) -> None:
    activities = store.company(1).activities.values()
    assert {a.priority for a in activities} - {None} <= set(PRIORITY_OPTIONS)
    assert {a.outcome for a in activities} - {None} <= set(OUTCOME_OPTIONS)
    assert {a.priority for a in activities} - {None}
