"""The v1 operations: the admin-only collection and bulk delete, two views of the same store."""
from __future__ import annotations

from typing import Any

import pytest

from pipedrive_mock.contract import load_spec

from .conftest import walk_pages

V1_KEYS = set(load_spec()["components"]["schemas"]["ActivityV1"]["properties"])


def collect(api: Any, query: str = "", prefix: str = "/v1") -> list[dict[str, Any]]:
    return walk_pages(api, f"{prefix}/activities/collection", query, limit=6)


@pytest.mark.parametrize("prefix", ["/v1", "/api/v1"])
def test_collection_walk_returns_every_activity_once_by_id(api: Any, store: Any, prefix: str) -> None:
    seen = collect(api, prefix=prefix)
    assert [a["id"] for a in seen] == sorted(a.id for a in store.company(1).activities.values())


def test_collection_item_has_v1_names_and_formats(api: Any) -> None:
    added = api("POST", "/api/v2/activities", json={"location": {"value": "Main St 1", "route": "Main St"},
                                                      "busy": True, "done": True}).get_json()["data"]
    item = next(a for a in collect(api) if a["id"] == added["id"])
    assert set(item) == V1_KEYS
    assert item["add_time"] == added["add_time"].replace("T", " ").rstrip("Z")
    assert item["marked_as_done_time"] == item["add_time"]
    assert (item["due_time"], item["duration"]) == ("", "")
    assert (item["busy_flag"], item["active_flag"], item["user_id"], item["company_id"]) == (True, True, 1, 1)
    assert (item["location"], item["location_route"], item["location_formatted_address"]) == \
        ("Main St 1", "Main St", "Main St 1")


def test_collection_as_regular_user_returns_403(api: Any, user_token: str) -> None:
    response = api("GET", "/v1/activities/collection", token=user_token)
    assert response.status_code == 403
    assert response.get_json()["error"] == "You do not have permissions to do this."


def test_collection_filters_by_user_done_type_and_time(api: Any, store: Any) -> None:
    activities = list(store.company(1).activities.values())
    assert {a["id"] for a in collect(api, "user_id=2")} == {a.id for a in activities if a.owner_id == 2}
    assert {a["id"] for a in collect(api, "done=false")} == {a.id for a in activities if not a.done}
    assert {a["id"] for a in collect(api, "type=call,email")} == \
        {a.id for a in activities if a.type in ("call", "email")}
    since = sorted(a.update_time for a in activities)[20]
    seen = collect(api, f"since={since.strftime('%Y-%m-%d %H:%M:%S')}")
    assert {a["id"] for a in seen} == {a.id for a in activities if a.update_time >= since}


def test_collection_leaves_out_deleted_activities(api: Any) -> None:
    api("DELETE", "/api/v2/activities/7")
    assert 7 not in [a["id"] for a in collect(api)]


@pytest.mark.parametrize("prefix", ["/v1", "/api/v1"])
def test_bulk_delete_returns_deleted_ids_and_leaves_out_unknown(api: Any, prefix: str) -> None:
    response = api("DELETE", f"{prefix}/activities?ids=3,9999,5")
    assert response.get_json() == {"success": True, "data": {"id": [3, 5]}}
    assert api("GET", "/api/v2/activities/3").get_json()["data"]["is_deleted"] is True
    again = api("DELETE", f"{prefix}/activities?ids=3")
    assert again.get_json() == {"success": True, "data": {"id": []}}


@pytest.mark.parametrize("query", ["", "ids=", "ids=a,b", "ids=0"])
def test_bulk_delete_with_bad_ids_returns_400_naming_ids(api: Any, query: str) -> None:
    response = api("DELETE", f"/v1/activities?{query}")
    assert response.status_code == 400 and "'ids'" in response.get_json()["error"]
