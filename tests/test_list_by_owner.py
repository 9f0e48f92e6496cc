"""Lists by owner (v2 `owner_id`, v1 collection `user_id`) walk each owner's own index: page by page, with
cursors, they return exactly what filtering the whole list by owner returns, before and after every kind of
write, a reset, a snapshot restore and a data file."""
from __future__ import annotations

from typing import Any

import pytest

from pipedrive_mock import Clock, create_app
from pipedrive_mock.company.indexes import ActivityIndexes
from pipedrive_mock.model import Activity, replaced

from .conftest import Call, walk_pages

SORTS = [f"sort_by={field}&sort_direction={direction}"
         for field in ("id", "update_time", "add_time", "due_date") for direction in ("asc", "desc")]


def ids(items: list[dict[str, Any]]) -> list[int]:
    return [item["id"] for item in items]


def by_owner(api: Call, owner_id: int, query: str = "", limit: int = 3) -> list[int]:
    return ids(walk_pages(api, "/api/v2/activities", f"owner_id={owner_id}&{query}", limit))


def filtered(api: Call, owner_id: int, query: str = "") -> list[int]:
    """The whole list, in the same order, filtered by owner here: what a list by owner must return."""
    return [item["id"] for item in walk_pages(api, "/api/v2/activities", query, 500) if item["owner_id"] == owner_id]


def assert_owner_lists_match(api: Call, query: str = "") -> None:
    for sort in SORTS:
        for owner_id in (1, 2):
            expected = filtered(api, owner_id, f"{sort}&{query}")
            assert by_owner(api, owner_id, f"{sort}&{query}") == expected, (sort, owner_id)


@pytest.mark.parametrize("sort", SORTS)
def test_list_by_owner_pages_return_the_whole_list_filtered_by_owner(api: Call, sort: str) -> None:
    for owner_id in (1, 2):
        expected = filtered(api, owner_id, sort)
        assert expected and by_owner(api, owner_id, sort) == expected


def test_list_by_owner_after_adds_updates_and_deletes_matches_the_filtered_list(api: Call, clock: Clock) -> None:
    assert_owner_lists_match(api)  # every per-owner index is made before the writes, then kept
    created = [api("POST", "/api/v2/activities", json={"subject": f"new {n}", "owner_id": 1 + n % 2,
                                                        "due_date": f"2025-06-{10 + n:02d}"}).get_json()["data"]["id"]
               for n in range(4)]
    clock.advance(60)
    moved = [a["id"] for a in walk_pages(api, "/api/v2/activities", "owner_id=1", 100)][:5]
    for activity_id in moved:  # a new owner, a new update_time
        assert api("PATCH", f"/api/v2/activities/{activity_id}", json={"owner_id": 2}).status_code == 200
    clock.advance(60)
    assert api("PATCH", f"/api/v2/activities/{created[0]}", json={"subject": "only touched"}).status_code == 200
    assert api("PATCH", f"/api/v2/activities/{created[1]}", json={"due_date": "2025-07-01"}).status_code == 200
    assert api("DELETE", f"/api/v2/activities/{moved[0]}").status_code == 200
    assert api("DELETE", f"/api/v1/activities?ids={created[2]},{moved[1]}").status_code == 200
    assert_owner_lists_match(api)
    owner_2 = by_owner(api, 2)
    assert set(moved[2:]) <= set(owner_2) and not {moved[0], moved[1], created[2]} & set(owner_2)
    assert not set(moved) & set(by_owner(api, 1))


def test_list_by_owner_after_reset_is_the_seeded_list_again(api: Call, client: Any) -> None:
    seeded = {sort: by_owner(api, 1, sort) for sort in SORTS}
    first = seeded[SORTS[0]][0]
    api("PATCH", f"/api/v2/activities/{first}", json={"owner_id": 2})
    api("POST", "/api/v2/activities", json={"subject": "added", "owner_id": 1})
    api("DELETE", f"/api/v2/activities/{seeded[SORTS[0]][1]}")
    assert client.post("/_mock/reset", json={}).status_code == 200
    assert {sort: by_owner(api, 1, sort) for sort in SORTS} == seeded
    assert_owner_lists_match(api)


def test_list_by_owner_after_snapshot_restore_matches_the_filtered_list(api: Call, client: Any) -> None:
    by_owner(api, 1)
    saved = client.get("/_mock/snapshot").get_data()
    api("PATCH", "/api/v2/activities/1", json={"owner_id": 3 - api("GET", "/api/v2/activities/1")
                                                .get_json()["data"]["owner_id"]})
    assert client.put("/_mock/snapshot", data=saved, content_type="application/json").status_code == 200
    assert_owner_lists_match(api)


@pytest.mark.parametrize("query", ["done=true", "done=false", "updated_since=2025-05-01T00:00:00Z",
                                   "updated_until=2025-05-15T00:00:00Z", "done=false&sort_by=due_date"])
def test_list_by_owner_with_other_filters_applies_them_all(api: Call, query: str) -> None:
    api("DELETE", "/api/v2/activities/2")
    for owner_id in (1, 2):
        assert by_owner(api, owner_id, query, limit=2) == filtered(api, owner_id, query)


def test_list_by_owner_with_ids_returns_only_that_owners_named_ones(api: Call, store: Any) -> None:
    named = list(range(1, 21))
    expected = [i for i in named if store.company(1).get(i).owner_id == 2]
    listed = ids(api("GET", f"/api/v2/activities?owner_id=2&ids={','.join(map(str, named))}").get_json()["data"])
    assert listed == expected


def test_list_by_owner_of_a_user_with_no_activities_is_empty(api: Call) -> None:
    body = api("GET", "/api/v2/activities?owner_id=999").get_json()
    assert body["data"] == [] and body["additional_data"]["next_cursor"] is None


def test_list_by_owner_with_filter_id_ignores_the_owner(api: Call, store: Any) -> None:
    saved = store.company(1).add_filter("open", [("done", "eq", False)])
    expected = ids(walk_pages(api, "/api/v2/activities", f"filter_id={saved.id}", 500))
    assert ids(walk_pages(api, "/api/v2/activities", f"filter_id={saved.id}&owner_id=1", 4)) == expected


def test_collection_by_user_pages_return_the_whole_collection_filtered_by_owner(api: Call) -> None:
    api("PATCH", "/api/v2/activities/3", json={"owner_id": 1})
    api("PATCH", "/api/v2/activities/4", json={"owner_id": 2})
    every = walk_pages(api, "/api/v1/activities/collection", "", 500)
    for owner_id in (1, 2):
        walked = walk_pages(api, "/api/v1/activities/collection", f"user_id={owner_id}", 3)
        assert ids(walked) == [a["id"] for a in every if a["user_id"] == owner_id]


def test_list_by_owner_from_a_data_file_with_far_apart_ids_matches_the_filtered_list() -> None:
    client = create_app(activities=5).test_client()
    users = [{"name": "Ann", "admin": True, "token": "ann-token"}, {"name": "Bob", "token": "bob-token"}]
    activities = [{"id": i, "subject": f"A{i}", "owner_id": 1 + i % 2, "due_date": f"2025-06-{1 + i % 28:02d}"}
                  for i in (3, 70_000, 1_000_000_000, 2_000_000_000, 12)]
    assert client.post("/_mock/seed", json={"data": {"users": users, "activities": activities}}).status_code == 200

    def api(method: str, path: str, **kwargs: Any) -> Any:
        return client.open(path, method=method, headers={"x-api-token": "ann-token"}, **kwargs)
    assert_owner_lists_match(api)
    added = api("POST", "/api/v2/activities", json={"subject": "after", "owner_id": 2}).get_json()["data"]["id"]
    api("PATCH", "/api/v2/activities/3", json={"owner_id": 1})
    api("DELETE", "/api/v2/activities/12")
    assert_owner_lists_match(api)
    assert added in by_owner(api, 2) and 12 not in by_owner(api, 1) + by_owner(api, 2)


def _activity(store: Any, activity_id: int) -> Activity:
    return replaced(store.company(1).get(1), id=activity_id)


def test_indexes_rows_hold_exactly_the_live_activities_also_with_far_apart_ids(store: Any) -> None:
    indexes = ActivityIndexes([_activity(store, 1), _activity(store, 2)])
    indexes.add(_activity(store, 3))
    indexes.remove(_activity(store, 2))
    assert [row and row.id for row in indexes.rows] == [None, 1, None, 3]
    far = _activity(store, 1_500_000_000)
    indexes.add(far)  # a list of 1.5 billion slots would not do: rows by id become a dict
    indexes.remove(_activity(store, 1))
    assert {i: row.id for i, row in indexes.rows.items()} == {3: 3, far.id: far.id}
    assert list(indexes.owned("id", far.owner_id)) == [3, far.id]
