"""Times as users send them: v1 since/until in ISO 8601 too, RFC 3339's lowercase `t` and `z`, overflow is a 400."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from envelope import assert_official_error
from pipedrive_mock import Clock, Store, create_app

ADMIN = {"x-api-token": "admin-token"}
NOW = datetime(2026, 11, 20, 12, 0, 0, tzinfo=timezone.utc)


@pytest.fixture
def client() -> Any:
    clock = Clock()
    clock.freeze(NOW)
    return create_app(Store.default(activities=60, clock=clock)).test_client()


def _ids(client: Any, path: str, **params: str) -> list[int]:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = client.get(f"{path}?limit=500&{query}", headers=ADMIN)
    assert response.status_code == 200, response.get_json()
    return [a["id"] for a in response.get_json()["data"]]


@pytest.mark.parametrize("iso", [
    "2026-11-15T08:55:59Z", "2026-11-15t08:55:59z", "2026-11-15T10:55:59%2B02:00", "2026-11-15T03:55:59-05:00",
    "2026-11-15T08:55:59", "2026-11-15T08:55:59.000Z",
])
def test_v1_since_iso_8601_forms_equal_the_v1_form(client: Any, iso: str) -> None:
    expected = _ids(client, "/v1/activities/collection", since="2026-11-15%2008:55:59")
    assert _ids(client, "/v1/activities/collection", since=iso) == expected


def test_v1_since_date_alone_means_its_midnight_utc(client: Any) -> None:
    assert _ids(client, "/v1/activities/collection", since="2026-11-15") == \
        _ids(client, "/v1/activities/collection", since="2026-11-15%2000:00:00")
    assert _ids(client, "/v1/activities/collection", until="2026-11-15") == \
        _ids(client, "/v1/activities/collection", until="2026-11-15T00:00:00Z")


def test_v1_since_and_until_in_iso_split_the_collection(client: Any) -> None:
    everything = _ids(client, "/v1/activities/collection")
    before = _ids(client, "/v1/activities/collection", until="2026-10-15T00:00:00Z")
    after = _ids(client, "/v1/activities/collection", since="2026-10-15T00:00:00Z")
    assert before and after and sorted(before + after) == everything


@pytest.mark.parametrize("name", ["updated_since", "updated_until"])
def test_v2_lowercase_t_and_z_equal_uppercase(client: Any, name: str) -> None:
    assert _ids(client, "/api/v2/activities", **{name: "2026-10-15t00:00:00z"}) == \
        _ids(client, "/api/v2/activities", **{name: "2026-10-15T00:00:00Z"})


@pytest.mark.parametrize("path, name, value", [
    ("/v1/activities/collection", "since", "9999-12-31T23:59:59-05:00"),
    ("/v1/activities/collection", "until", "0001-01-01T00:00:00%2B01:00"),
    ("/api/v2/activities", "updated_since", "9999-12-31T23:59:59-05:00"),
    ("/api/v2/activities", "updated_until", "0001-01-01t00:00:00%2B01:00"),
])
def test_time_overflowing_in_utc_answers_400_naming_it(client: Any, path: str, name: str, value: str) -> None:
    response = client.get(f"{path}?{name}={value}", headers=ADMIN)
    assert response.status_code == 400
    assert_official_error(response.get_json(), 400)
    assert f"'{name}'" in response.get_json()["error"] and "outside the years" in response.get_json()["error"]


@pytest.mark.parametrize("value", ["2026-11-15 8:55:59", "15.11.2026", "2026-11-15T08:55", "2026-02-30",
                                   "2026-11-15T08:55:59+0200"])
def test_v1_since_not_a_time_answers_400_naming_it(client: Any, value: str) -> None:
    response = client.get("/v1/activities/collection", query_string={"since": value}, headers=ADMIN)
    assert response.status_code == 400 and "'since'" in response.get_json()["error"]


def test_clock_control_takes_lowercase_t_and_z(client: Any) -> None:
    assert client.post("/_mock/clock", json={"now": "2030-01-01t00:00:00z"}).status_code == 200
    assert client.get("/_mock/clock").get_json()["now"] == "2030-01-01T00:00:00Z"
