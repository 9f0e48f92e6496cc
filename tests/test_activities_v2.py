"""The v2 single-activity operations: get, add, update, delete, and the facts page's decisions on them."""
from __future__ import annotations

from typing import Any

import pytest

from pipedrive_mock.constants import PURGE_AFTER_SECONDS
from pipedrive_mock.contract import dereference, load_spec

V2_KEYS = set(dereference(load_spec()["components"]["schemas"]["ActivityV2"], load_spec())["properties"])


def test_get_returns_every_v2_key_without_attendees(api: Any) -> None:
    response = api("GET", "/api/v2/activities/1")
    assert response.status_code == 200
    body = response.get_json()
    assert body["success"] is True
    assert set(body["data"]) == V2_KEYS - {"attendees"}


def test_get_with_include_fields_attendees_adds_attendees(api: Any, store: Any) -> None:
    meeting = next(a for a in store.company(1).activities.values() if a.attendees)
    response = api("GET", f"/api/v2/activities/{meeting.id}?include_fields=attendees")
    attendees = response.get_json()["data"]["attendees"]
    assert [a["email"] for a in attendees] == [a["email"] for a in meeting.attendees]


def test_get_unknown_id_returns_404_entity_not_found(api: Any) -> None:
    response = api("GET", "/api/v2/activities/999999")
    assert response.status_code == 404
    assert response.get_json() == {"success": False, "error": "Entity was not found",
                                   "error_info": "Object was not found.", "data": None, "additional_data": None}


def test_add_sets_defaults_owner_creator_and_times(api: Any, clock: Any) -> None:
    response = api("POST", "/api/v2/activities", json={"subject": "Call Anna", "type": "call"},
                   token="user-token")
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert (data["owner_id"], data["creator_user_id"]) == (2, 2)
    assert data["add_time"] == data["update_time"] == clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    assert data["done"] is False and data["marked_as_done_time"] is None and data["is_deleted"] is False


def test_add_with_other_owner_keeps_creator_as_token_user(api: Any) -> None:
    data = api("POST", "/api/v2/activities", json={"owner_id": 2}).get_json()["data"]
    assert (data["owner_id"], data["creator_user_id"]) == (2, 1)


def test_add_without_subject_or_type_uses_first_type_and_its_name(api: Any) -> None:
    data = api("POST", "/api/v2/activities", json={}).get_json()["data"]
    assert (data["type"], data["subject"]) == ("call", "Call")


def test_add_then_get_returns_what_was_written(api: Any) -> None:
    body = {"subject": "Demo", "type": "meeting", "deal_id": 3, "org_id": 4, "project_id": 2,
            "lead_id": "8c1b6a3e-2f64-4c1e-9d0a-5b7e1f2c3d4e", "due_date": "2025-07-01", "due_time": "09:30:00",
            "duration": "01:15", "busy": True, "location": {"value": "Tartu", "country": "Estonia"},
            "participants": [{"person_id": 7, "primary": True}, {"person_id": 8}],
            "public_description": "Product demo", "priority": 2, "note": "<b>bring slides</b>",
            "attendees": [{"email": "anna@example.com", "name": "Anna"}]}
    added = api("POST", "/api/v2/activities", json=body).get_json()["data"]
    got = api("GET", f"/api/v2/activities/{added['id']}?include_fields=attendees").get_json()["data"]
    assert got["due_time"] == "09:30" and got["duration"] == "01:15"
    assert got["person_id"] == 7
    assert got["participants"] == [{"person_id": 7, "primary": True}, {"person_id": 8, "primary": False}]
    assert got["location"]["value"] == "Tartu" and got["location"]["route"] is None
    assert got["attendees"][0]["email"] == "anna@example.com" and got["attendees"][0]["is_organizer"] is False
    for key in ("subject", "type", "deal_id", "org_id", "project_id", "lead_id", "due_date", "busy",
                "public_description", "priority", "note"):
        assert got[key] == body[key], key


def test_add_with_person_id_makes_it_the_primary_participant(api: Any) -> None:
    data = api("POST", "/api/v2/activities",
               json={"person_id": 5, "participants": [{"person_id": 6, "primary": True}]}).get_json()["data"]
    assert data["participants"] == [{"person_id": 5, "primary": True}, {"person_id": 6, "primary": False}]


def test_add_done_sets_marked_as_done_time_and_update_clears_it(api: Any, clock: Any) -> None:
    added = api("POST", "/api/v2/activities", json={"done": True}).get_json()["data"]
    assert added["marked_as_done_time"] == added["add_time"]
    clock.advance(60)
    updated = api("PATCH", f"/api/v2/activities/{added['id']}", json={"done": False}).get_json()["data"]
    assert updated["marked_as_done_time"] is None
    assert updated["update_time"] > added["update_time"]


def test_update_is_partial_and_moves_update_time_only(api: Any, clock: Any) -> None:
    before = api("GET", "/api/v2/activities/3").get_json()["data"]
    clock.advance(3600)
    after = api("PATCH", "/api/v2/activities/3", json={"subject": "Renamed"}).get_json()["data"]
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {"subject", "update_time"}


@pytest.mark.parametrize("link", ["deal_id", "person_id", "org_id"])
def test_more_activities_scheduled_in_context_follows_the_link(api: Any, link: str) -> None:
    first = api("POST", "/api/v2/activities", json={link: 4242})
    assert first.get_json()["additional_data"] == {"more_activities_scheduled_in_context": False}
    second = api("POST", "/api/v2/activities", json={link: 4242})
    assert second.get_json()["additional_data"] == {"more_activities_scheduled_in_context": True}
    api("PATCH", f"/api/v2/activities/{first.get_json()['data']['id']}", json={"done": True})
    third = api("PATCH", f"/api/v2/activities/{second.get_json()['data']['id']}", json={"subject": "x"})
    assert third.get_json()["additional_data"] == {"more_activities_scheduled_in_context": False}


def test_add_with_unknown_type_returns_400_naming_it(api: Any) -> None:
    response = api("POST", "/api/v2/activities", json={"type": "party"})
    assert response.status_code == 400
    assert "'type'" in response.get_json()["error"] and "party" in response.get_json()["error"]


def test_add_with_owner_outside_company_returns_400_naming_it(api: Any) -> None:
    response = api("POST", "/api/v2/activities", json={"owner_id": 77})
    assert response.status_code == 400
    assert "'owner_id'" in response.get_json()["error"]


@pytest.mark.parametrize("body, field", [
    ({"busy": 1}, "busy"), ({"done": "true"}, "done"), ({"owner_id": "1"}, "owner_id"),
    ({"deal_id": 5.5}, "deal_id"), ({"priority": 1.0}, "priority"), ({"surprise": 1}, "surprise"),
    ({"due_date": "2025-02-30"}, "due_date"), ({"due_time": "24:00"}, "due_time"),
    ({"participants": [{"person_id": 1, "role": "x"}]}, "role"),
])
def test_add_with_wrong_type_or_unknown_field_returns_400_and_adds_nothing(
        api: Any, store: Any, body: dict[str, Any], field: str) -> None:
    count = len(store.company(1).activities)
    response = api("POST", "/api/v2/activities", json=body)
    assert response.status_code == 400
    error = response.get_json()
    assert error["code"] == "ERR_BAD_REQUEST" and field in error["error"]
    assert len(store.company(1).activities) == count


def test_add_with_non_json_body_returns_400(api: Any) -> None:
    response = api("POST", "/api/v2/activities", data="subject=x",
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400
    assert "JSON" in response.get_json()["error"]


def test_update_with_empty_body_returns_400(api: Any) -> None:
    assert api("PATCH", "/api/v2/activities/1", json={}).status_code == 400


def test_strict_links_rejects_unknown_deal(api: Any, store: Any) -> None:
    store.strict_links = True
    response = api("POST", "/api/v2/activities", json={"deal_id": 99999})
    assert response.status_code == 400 and "deal_id" in response.get_json()["error"]
    assert api("POST", "/api/v2/activities", json={"deal_id": 1}).status_code == 200


def test_delete_returns_id_and_get_shows_is_deleted(api: Any) -> None:
    response = api("DELETE", "/api/v2/activities/4")
    assert response.get_json() == {"success": True, "data": {"id": 4}}
    got = api("GET", "/api/v2/activities/4").get_json()["data"]
    assert got["is_deleted"] is True


def test_deleted_activity_cannot_be_updated_or_deleted_again(api: Any) -> None:
    api("DELETE", "/api/v2/activities/4")
    assert api("PATCH", "/api/v2/activities/4", json={"subject": "x"}).status_code == 404
    assert api("DELETE", "/api/v2/activities/4").status_code == 404


def test_deleted_activity_is_purged_after_30_days(api: Any, clock: Any) -> None:
    api("DELETE", "/api/v2/activities/4")
    clock.advance(PURGE_AFTER_SECONDS - 1)
    assert api("GET", "/api/v2/activities/4").status_code == 200
    clock.advance(1)
    assert api("GET", "/api/v2/activities/4").status_code == 404


@pytest.mark.parametrize("path", ["/api/v2/activities/0", "/api/v2/activities/-1", "/api/v2/activities/abc",
                                  "/api/v2/activities/99999999999"])
def test_get_with_invalid_id_returns_400_naming_id(api: Any, path: str) -> None:
    response = api("GET", path)
    assert response.status_code == 400
    assert "'id'" in response.get_json()["error"]
