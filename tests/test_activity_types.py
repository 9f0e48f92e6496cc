"""Activity types (v1): the six defaults, a custom type usable at once, key_string rules, deactivation."""
from __future__ import annotations

from typing import Any

import pytest

from pipedrive_mock import USER_TOKEN
from pipedrive_mock.resources.activity_types.rules import key_string_for

DEFAULT_KEYS = ["call", "meeting", "task", "deadline", "email", "lunch"]


def _add(api: Any, **body: Any) -> Any:
    return api("POST", "/v1/activityTypes", json={"icon_key": "camera", **body})


@pytest.mark.parametrize("prefix", ["/v1", "/api/v1"])
def test_activity_types_list_the_six_defaults_as_ids_1_to_6(api: Any, prefix: str) -> None:
    data = api("GET", f"{prefix}/activityTypes").get_json()["data"]
    assert [(t["id"], t["key_string"]) for t in data] == list(enumerate(DEFAULT_KEYS, start=1))
    assert all(t["active_flag"] and not t["is_custom_flag"] and t["icon_key"] == t["key_string"] for t in data)


def test_add_activity_type_derives_key_string_and_answers_200(api: Any) -> None:
    response = _add(api, name="Video call", color="ffff00")
    assert response.status_code == 200
    added = response.get_json()["data"]
    assert (added["id"], added["key_string"], added["order_nr"], added["color"]) == (7, "video_call", 7, "FFFF00")
    assert added["is_custom_flag"] is True and added["add_time"] == "2025-06-02 12:00:00"


def test_added_activity_type_is_valid_as_activity_type_at_once(api: Any) -> None:
    _add(api, name="Site visit")
    response = api("POST", "/api/v2/activities", json={"subject": "Visit", "type": "site_visit"})
    assert response.status_code == 200
    assert response.get_json()["data"]["type"] == "site_visit"


@pytest.mark.parametrize("name, taken, key", [
    ("Video call", set(), "video_call"), ("  Demo -- Day! ", set(), "demo_day"), ("Call", {"call"}, "call_2"),
    ("Call", {"call", "call_2"}, "call_3"), ("!!!", set(), "custom"), ("Ünïcode", set(), "n_code"),
])
def test_key_string_for_name_follows_the_documented_rule(name: str, taken: set[str], key: str) -> None:
    assert key_string_for(name, taken) == key


def test_adding_a_taken_name_gets_a_suffixed_key(api: Any) -> None:
    assert _add(api, name="Meeting").get_json()["data"]["key_string"] == "meeting_2"


def test_update_activity_type_keeps_key_string(api: Any) -> None:
    response = api("PUT", "/v1/activityTypes/2", json={"name": "Client meeting", "order_nr": 9})
    assert response.status_code == 200
    changed = response.get_json()["data"]
    assert (changed["name"], changed["key_string"], changed["order_nr"]) == ("Client meeting", "meeting", 9)
    assert api("GET", "/v1/activityTypes").get_json()["data"][-1]["name"] == "Client meeting"


def test_delete_activity_type_makes_it_inactive_and_refused_for_activities(api: Any) -> None:
    response = api("DELETE", "/v1/activityTypes/3")
    assert response.status_code == 200 and response.get_json()["data"]["active_flag"] is False
    refused = api("POST", "/api/v2/activities", json={"type": "task"})
    assert refused.status_code == 400
    assert "'type'" in refused.get_json()["error"] and "inactive" in refused.get_json()["error"]
    assert api("DELETE", "/v1/activityTypes/3").get_json()["data"]["active_flag"] is False  # again: as it is


def test_activities_of_a_deactivated_type_keep_it(api: Any) -> None:
    added = api("POST", "/api/v2/activities", json={"type": "lunch"}).get_json()["data"]
    api("DELETE", "/v1/activityTypes/6")
    assert api("GET", f"/api/v2/activities/{added['id']}").get_json()["data"]["type"] == "lunch"


def test_deleting_the_last_active_type_returns_400(api: Any) -> None:
    for type_id in range(1, 6):
        assert api("DELETE", f"/v1/activityTypes/{type_id}").status_code == 200
    response = api("DELETE", "/v1/activityTypes/6")
    assert response.status_code == 400 and "last active type" in response.get_json()["error"]


@pytest.mark.parametrize("method, path, body", [
    ("POST", "/v1/activityTypes", {"name": "Demo", "icon_key": "call"}),
    ("PUT", "/v1/activityTypes/1", {"name": "Demo"}),
    ("DELETE", "/v1/activityTypes/1", None),
])
def test_activity_type_write_by_regular_user_returns_403_and_changes_nothing(
        api: Any, method: str, path: str, body: Any) -> None:
    before = api("GET", "/v1/activityTypes").get_json()
    response = api(method, path, json=body, token=USER_TOKEN)
    assert response.status_code == 403
    assert api("GET", "/v1/activityTypes").get_json() == before


def test_activity_types_read_by_regular_user_returns_200(api: Any) -> None:
    assert api("GET", "/v1/activityTypes", token=USER_TOKEN).status_code == 200


def test_added_activity_type_is_gone_after_reset_and_kept_by_snapshot(client: Any, api: Any) -> None:
    _add(api, name="Video call")
    snapshot = client.get("/_mock/snapshot").get_json()
    assert snapshot["companies"][0]["activity_types"][-1]["key_string"] == "video_call"
    client.post("/_mock/reset", json={})
    assert len(api("GET", "/v1/activityTypes").get_json()["data"]) == 6
    client.put("/_mock/snapshot", json=snapshot)
    assert api("GET", "/v1/activityTypes").get_json()["data"][-1]["icon_key"] == "camera"
