"""GET /api/v2/activities: filters, sorting and cursor pagination."""
from __future__ import annotations

from typing import Any

import pytest

from .conftest import walk_pages


def walk(api: Any, query: str, limit: int = 7) -> list[dict[str, Any]]:
    return walk_pages(api, "/api/v2/activities", query, limit)


def live(store: Any) -> list[Any]:
    return [a for a in store.company(1).activities.values() if not a.is_deleted]


@pytest.mark.parametrize("sort_by, key", [
    ("id", lambda a: a["id"]),
    ("update_time", lambda a: (a["update_time"], a["id"])),
    ("add_time", lambda a: (a["add_time"], a["id"])),
    ("due_date", lambda a: (a["due_date"] is None, a["due_date"] or "", a["id"])),
])
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_list_walk_returns_every_activity_once_in_order(api: Any, store: Any, sort_by: str, key: Any,
                                                         direction: str) -> None:
    seen = walk(api, f"sort_by={sort_by}&sort_direction={direction}")
    assert sorted(a["id"] for a in seen) == sorted(a.id for a in live(store))
    assert seen == sorted(seen, key=key, reverse=direction == "desc")


def test_list_walk_while_others_are_added_returns_each_once(api: Any) -> None:
    ids: list[int] = []
    cursor = None
    while True:
        suffix = f"&cursor={cursor}" if cursor else ""
        body = api("GET", f"/api/v2/activities?limit=5{suffix}").get_json()
        ids += [a["id"] for a in body["data"]]
        api("POST", "/api/v2/activities", json={"subject": "added meanwhile"})
        cursor = body["additional_data"]["next_cursor"]
        if cursor is None:
            break
    assert len(ids) == len(set(ids))
    assert ids == sorted(ids)


def test_list_default_page_is_100_and_last_page_has_null_cursor(api: Any) -> None:
    body = api("GET", "/api/v2/activities").get_json()
    assert len(body["data"]) == 40
    assert body["additional_data"] == {"next_cursor": None}


def test_list_leaves_out_deleted_activities(api: Any) -> None:
    api("DELETE", "/api/v2/activities/2")
    assert 2 not in [a["id"] for a in walk(api, "")]


@pytest.mark.parametrize("param, attr", [("owner_id", "owner_id"), ("deal_id", "deal_id"),
                                         ("person_id", "person_id"), ("org_id", "org_id")])
def test_list_filters_by_link(api: Any, store: Any, param: str, attr: str) -> None:
    value = next(getattr(a, attr) for a in live(store) if getattr(a, attr) is not None)
    seen = walk(api, f"{param}={value}")
    assert seen and {a["id"] for a in seen} == {a.id for a in live(store) if getattr(a, attr) == value}


def test_list_filters_by_lead_and_done(api: Any, store: Any) -> None:
    lead = "0e3f7a1c-5b2d-4c6e-8f9a-1b2c3d4e5f60"
    added = api("POST", "/api/v2/activities", json={"lead_id": lead, "done": True}).get_json()["data"]
    assert [a["id"] for a in walk(api, f"lead_id={lead}")] == [added["id"]]
    assert {a["id"] for a in walk(api, "done=true")} == {a.id for a in live(store) if a.done}


def test_list_with_ids_returns_known_ones_and_ignores_unknown(api: Any) -> None:
    seen = walk(api, "ids=5,3,999,3", limit=1)
    assert [a["id"] for a in seen] == [3, 5]


def test_list_with_more_than_100_ids_returns_400(api: Any) -> None:
    ids = ",".join(str(i) for i in range(1, 102))
    response = api("GET", f"/api/v2/activities?ids={ids}")
    assert response.status_code == 400 and "'ids'" in response.get_json()["error"]


def test_list_with_filter_id_ignores_ids_and_owner(api: Any, store: Any) -> None:
    seen = walk(api, "filter_id=2&ids=1&owner_id=1")
    assert {a["id"] for a in seen} == {a.id for a in live(store) if a.done}


def test_list_with_unknown_filter_returns_400_filter_not_found(api: Any) -> None:
    response = api("GET", "/api/v2/activities?filter_id=999")
    assert response.status_code == 400 and "Filter not found" in response.get_json()["error"]


def test_list_updated_since_and_until_bound_update_time(api: Any, store: Any) -> None:
    times = sorted(a.update_time for a in live(store))
    since, until = times[10], times[30]
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    seen = walk(api, f"updated_since={since.strftime(fmt)}&updated_until={until.strftime(fmt)}")
    assert {a["id"] for a in seen} == {a.id for a in live(store) if since <= a.update_time < until}


def test_list_include_fields_attendees_adds_attendees_to_each(api: Any) -> None:
    data = api("GET", "/api/v2/activities?include_fields=attendees").get_json()["data"]
    assert all("attendees" in a for a in data)


@pytest.mark.parametrize("query, param", [
    ("limit=0", "limit"), ("limit=501", "limit"), ("limit=ten", "limit"), ("sort_by=subject", "sort_by"),
    ("sort_direction=up", "sort_direction"), ("cursor=not-a-cursor", "cursor"), ("done=yes", "done"),
    ("updated_since=yesterday", "updated_since"), ("limit=5&limit=6", "limit"), ("owner_id=", "owner_id"),
])
def test_list_with_bad_parameter_returns_400_naming_it(api: Any, query: str, param: str) -> None:
    response = api("GET", f"/api/v2/activities?{query}")
    assert response.status_code == 400
    assert f"'{param}'" in response.get_json()["error"]


def test_list_cursor_from_another_sort_returns_400(api: Any) -> None:
    cursor = api("GET", "/api/v2/activities?limit=2").get_json()["additional_data"]["next_cursor"]
    response = api("GET", f"/api/v2/activities?limit=2&sort_by=add_time&cursor={cursor}")
    assert response.status_code == 400 and "'cursor'" in response.get_json()["error"]


def test_list_with_control_characters_in_cursor_names_it_escaped(api: Any) -> None:
    response = api("GET", "/api/v2/activities", query_string={"cursor": "a\nb\x01"})
    assert response.status_code == 400
    assert "'a\\nb\\x01' is not a cursor this API issued" in response.get_json()["error"]


def test_list_asked_again_sees_every_write_in_between(api: Any) -> None:
    def page() -> dict[int, str]:
        return {a["id"]: a["subject"] for a in api("GET", "/api/v2/activities?limit=500").get_json()["data"]}
    before = page()
    assert page() == before
    added = api("POST", "/api/v2/activities", json={"subject": "new"}).get_json()["data"]["id"]
    api("PATCH", "/api/v2/activities/3", json={"subject": "renamed"})
    api("DELETE", "/api/v2/activities/4")
    api("DELETE", "/v1/activities?ids=5")
    after = page()
    assert after[added] == "new" and after[3] == "renamed" and 4 not in after and 5 not in after


def test_list_with_date_filter_follows_the_clock_without_writes(api: Any, clock: Any, store: Any) -> None:
    def due_from_today() -> set[int]:
        return {a["id"] for a in walk(api, "filter_id=5", limit=500)}
    today = {a.id for a in live(store) if a.due_date and a.due_date >= clock.now().date().isoformat()}
    assert due_from_today() == today
    clock.advance(90 * 24 * 3600)
    assert due_from_today() == set()


def test_collection_asked_again_sees_a_write_in_between(api: Any) -> None:
    first = api("GET", "/v1/activities/collection?limit=500").get_json()["data"]
    api("PATCH", "/api/v2/activities/1", json={"subject": "renamed"})
    second = api("GET", "/v1/activities/collection?limit=500").get_json()["data"]
    assert first[0]["subject"] != "renamed" and second[0]["subject"] == "renamed"
