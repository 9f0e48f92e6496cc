"""`outcome`: an option id of the `outcome` activity field, or null (official Node client 33.x)."""
from __future__ import annotations

from typing import Any

import pytest

from pipedrive_mock import Store, snapshot


def test_add_with_outcome_stores_and_returns_it(api: Any) -> None:
    added = api("POST", "/api/v2/activities", json={"subject": "Won call", "outcome": 2}).get_json()["data"]
    assert added["outcome"] == 2
    assert api("GET", f"/api/v2/activities/{added['id']}").get_json()["data"]["outcome"] == 2


def test_add_without_outcome_returns_null(api: Any) -> None:
    assert api("POST", "/api/v2/activities", json={}).get_json()["data"]["outcome"] is None


def test_update_outcome_null_clears_it(api: Any) -> None:
    added = api("POST", "/api/v2/activities", json={"outcome": 3}).get_json()["data"]
    cleared = api("PATCH", f"/api/v2/activities/{added['id']}", json={"outcome": None}).get_json()["data"]
    assert cleared["outcome"] is None


def test_update_without_outcome_keeps_it(api: Any) -> None:
    added = api("POST", "/api/v2/activities", json={"outcome": 3}).get_json()["data"]
    kept = api("PATCH", f"/api/v2/activities/{added['id']}", json={"subject": "Renamed"}).get_json()["data"]
    assert kept["outcome"] == 3


@pytest.mark.parametrize("value", ["2", 2.0, True, 0, -1, 2**31])
def test_add_with_outcome_not_an_option_id_returns_400_naming_it(api: Any, value: Any) -> None:
    response = api("POST", "/api/v2/activities", json={"outcome": value})
    assert response.status_code == 400
    assert "'outcome'" in response.get_json()["error"]


def test_every_listed_activity_has_outcome(api: Any) -> None:
    data = api("GET", "/api/v2/activities?limit=500").get_json()["data"]
    assert all("outcome" in activity for activity in data)


def test_seed_sets_outcome_on_some_done_activities_only(store: Store) -> None:
    activities = store.company(1).activities.values()
    with_outcome = [a for a in activities if a.outcome is not None]
    assert with_outcome and all(a.done for a in with_outcome)
    assert any(a.done and a.outcome is None for a in activities)


def test_snapshot_keeps_outcome(api: Any, store: Store) -> None:
    added = api("POST", "/api/v2/activities", json={"outcome": 3}).get_json()["data"]
    document = api("GET", "/_mock/snapshot").get_json()
    assert api("PUT", "/_mock/snapshot", json=document).status_code == 200
    assert store.company(1).get(added["id"]).outcome == 3
    assert snapshot.dumps(store).count(b'"outcome":3') >= 1


def test_v1_collection_item_has_no_outcome(api: Any) -> None:
    item = api("GET", "/v1/activities/collection?limit=1").get_json()["data"][0]
    assert "outcome" not in item
