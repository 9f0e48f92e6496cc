"""Behaviour kept by the fast paths the benchmark led to (render cache, request pipeline)."""
from __future__ import annotations

import orjson
import pytest

from pipedrive_mock import ADMIN_TOKEN, create_app
from pipedrive_mock.resources.activities.render import v2_dict, v2_json

HEADERS = {"x-api-token": ADMIN_TOKEN}
RATE_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset",
                "x-daily-ratelimit-token-limit", "x-daily-ratelimit-token-remaining")


@pytest.fixture()
def app():  # type: ignore[no-untyped-def]
    return create_app(activities=20)


@pytest.mark.parametrize("attendees", [False, True])
def test_v2_json_cached_equals_a_fresh_dump(app, attendees: bool) -> None:  # type: ignore[no-untyped-def]
    activity = app.extensions["pipedrive_mock"].store.company(1).get(3)
    first = v2_json(activity, attendees)
    assert first == orjson.dumps(v2_dict(activity, attendees))
    assert v2_json(activity, attendees) is first


@pytest.mark.parametrize("path", ["/api/v2/activities/1", "/api/v2/activities?limit=2", "/api/v2/activities/999"])
def test_api_response_carries_every_rate_limit_header_once(app, path: str) -> None:  # type: ignore[no-untyped-def]
    response = app.test_client().get(path, headers=HEADERS)
    assert [len(response.headers.getlist(name)) for name in RATE_HEADERS] == [1] * len(RATE_HEADERS)


def test_burst_refusal_keeps_its_own_rate_limit_headers(app) -> None:  # type: ignore[no-untyped-def]
    app.extensions["pipedrive_mock"].rate_limit.configure(burst=1)
    client = app.test_client()
    client.get("/api/v2/activities/1", headers=HEADERS)
    refused = client.get("/api/v2/activities/1", headers=HEADERS)
    assert refused.status_code == 429
    assert refused.headers.getlist("x-ratelimit-remaining") == ["0"]
    assert "Retry-After" in refused.headers


@pytest.mark.parametrize("query, expected", [
    ("", {}),
    ("?limit=2&ids=1,2", {"limit": "2", "ids": "1,2"}),
    ("?limit=2&limit=3", {"limit": ["2", "3"]}),
])
def test_journal_records_the_query_as_sent(app, query: str, expected: dict) -> None:  # type: ignore[no-untyped-def]
    app.test_client().get(f"/api/v2/activities{query}", headers=HEADERS)
    assert app.extensions["pipedrive_mock"].journal.entries()[-1].query == expected


def test_get_with_unknown_query_parameter_is_served(app) -> None:  # type: ignore[no-untyped-def]
    response = app.test_client().get("/api/v2/activities/1?unknown=1", headers=HEADERS)
    assert response.status_code == 200


@pytest.mark.parametrize("query", ["", "&owner_id=1", "&sort_by=update_time&sort_direction=desc"])
def test_list_pages_walk_every_activity_once(app, query: str) -> None:  # type: ignore[no-untyped-def]
    client, seen, cursor = app.test_client(), [], None
    while True:
        page = client.get(f"/api/v2/activities?limit=3{query}" + (f"&cursor={cursor}" if cursor else ""),
                          headers=HEADERS).get_json()
        seen += [activity["id"] for activity in page["data"]]
        cursor = page["additional_data"]["next_cursor"]
        if cursor is None:
            break
    company = app.extensions["pipedrive_mock"].store.company(1)
    expected = [a.id for a in company.activities.values() if "owner_id" not in query or a.owner_id == 1]
    assert sorted(seen) == sorted(expected)
    assert len(seen) == len(set(seen))


def test_get_one_body_is_the_v2_envelope(app) -> None:  # type: ignore[no-untyped-def]
    body = app.test_client().get("/api/v2/activities/2", headers=HEADERS).get_json()
    assert body["success"] is True and body["data"]["id"] == 2 and "additional_data" not in body


def test_page_cache_serves_pages_again_within_its_byte_budget_and_drops_them_past_it() -> None:
    from pipedrive_mock.company.pages import PageCache
    rendered: list[int] = []

    def page(number: int) -> bytes:
        rendered.append(number)
        return b"x" * 300

    cache = PageCache(size=100, max_bytes=1000)
    for number in (0, 1, 2, 0):
        cache.get(("page", number), lambda number=number: page(number))
    assert rendered == [0, 1, 2]  # 900 bytes kept: page 0 served again
    cache.get(("page", 3), lambda: page(3))  # 1,200 bytes would be over the budget
    cache.get(("page", 0), lambda: page(0))
    assert rendered == [0, 1, 2, 3, 0]


def test_indexes_after_updates_equal_indexes_built_anew(app) -> None:  # type: ignore[no-untyped-def]
    """An update moves only the keys that changed; the indexes must still be what a rebuild gives."""
    from pipedrive_mock.company.indexes import ActivityIndexes
    client, company = app.test_client(), app.extensions["pipedrive_mock"].store.company(1)
    app.extensions["pipedrive_mock"].clock.freeze(1_900_000_000)
    for activity_id, body in ((3, {"subject": "Renamed"}), (4, {"due_date": "2031-05-06", "done": True}),
                              (5, {"due_date": None, "deal_id": 7}), (3, {"done": False})):
        assert client.patch(f"/api/v2/activities/{activity_id}", json=body, headers=HEADERS).status_code == 200
        app.extensions["pipedrive_mock"].clock.advance(5)
    assert client.delete("/api/v2/activities/6", headers=HEADERS).status_code == 200
    rebuilt = ActivityIndexes(a for a in company.activities.values() if not a.is_deleted)
    assert {f: list(i) for f, i in company.indexes.by_field.items()} == {f: list(i) for f, i in rebuilt.by_field.items()}
    assert {k: +v for k, v in company.indexes.open_links.items()} == {k: +v for k, v in rebuilt.open_links.items()}
