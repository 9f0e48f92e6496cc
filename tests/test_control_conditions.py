"""The control API's levers on how the mock answers, through Flask's test client: the clock (and the purge it
drives), the journal of calls, faults and rate limits."""
from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from control_app import START, add_activity, api, app, client  # noqa: F401 - app and client are fixtures
from pipedrive_mock import ADMIN_TOKEN, USER_TOKEN, create_app
from pipedrive_mock.cli import build_parser
from pipedrive_mock.preflight import StartError

DAY = 86_400
ADD_COST = 5


# -- clock ---------------------------------------------------------------------------------------------
def test_clock_set_freezes_and_stamps_writes(client: FlaskClient) -> None:
    assert client.post("/_mock/clock", json={"now": "2031-05-06T07:08:09Z"}).get_json() == \
        {"now": "2031-05-06T07:08:09Z", "frozen": True}
    assert client.get("/_mock/clock").get_json() == {"now": "2031-05-06T07:08:09Z", "frozen": True}
    assert add_activity(client).get_json()["data"]["add_time"] == "2031-05-06T07:08:09Z"


def test_clock_advance_moves_frozen_clock(client: FlaskClient) -> None:
    assert client.post("/_mock/clock", json={"advance": 90}).get_json()["now"] == "2030-01-01T00:01:30Z"


def test_clock_unfrozen_flows_from_the_mocks_now(client: FlaskClient) -> None:
    body = client.post("/_mock/clock", json={"now": "2040-01-01T00:00:00Z", "frozen": False}).get_json()
    assert body["frozen"] is False
    assert body["now"].startswith("2040-01-01T00:0")


@pytest.mark.parametrize("body", [{}, {"now": "tomorrow"}, {"advance": "1"}, {"now": "1960-01-01T00:00:00Z"},
                                  {"now": "8999-12-31T00:00:00Z", "advance": 3e9}, {"frozen": "no"}])
def test_clock_bad_body_returns_400_and_keeps_time(client: FlaskClient, body: dict[str, Any]) -> None:
    response = client.post("/_mock/clock", json=body)
    assert response.status_code == 400
    assert response.get_json()["success"] is False
    assert client.get("/_mock/clock").get_json() == {"now": START, "frozen": True}


def test_deleted_activity_is_purged_after_30_days_by_the_clock(client: FlaskClient) -> None:
    api(client, "DELETE", "/api/v2/activities/1")
    client.post("/_mock/clock", json={"advance": 30 * DAY - 1})
    assert api(client, "GET", "/api/v2/activities/1").get_json()["data"]["is_deleted"] is True
    client.post("/_mock/clock", json={"advance": 1})
    assert api(client, "GET", "/api/v2/activities/1").status_code == 404


# -- journal ---------------------------------------------------------------------------------------------
def test_requests_lists_calls_oldest_first_with_violations_and_masked_tokens(client: FlaskClient) -> None:
    add_activity(client)
    client.get(f"/api/v2/activities?limit=0&api_token={USER_TOKEN}")
    entries = client.get("/_mock/requests").get_json()["requests"]
    assert [(e["method"], e["path"], e["status"]) for e in entries] == \
        [("POST", "/api/v2/activities", 200), ("GET", "/api/v2/activities", 400)]
    assert entries[0]["body"] == {"subject": "Call Ann"} and entries[0]["violations"] == []
    assert any("limit" in v for v in entries[1]["violations"])
    assert ADMIN_TOKEN not in str(entries) and USER_TOKEN not in str(entries)


def test_requests_filters_by_method_and_path(client: FlaskClient) -> None:
    add_activity(client)
    api(client, "GET", "/api/v2/activities/1")
    api(client, "GET", "/api/v2/activities")
    assert [e["path"] for e in client.get("/_mock/requests?method=get").get_json()["requests"]] == \
        ["/api/v2/activities/1", "/api/v2/activities"]
    found = client.get("/_mock/requests?path=/api/v2/activities").get_json()["requests"]
    assert [e["method"] for e in found] == ["POST", "GET"]


def test_requests_delete_clears_the_journal(client: FlaskClient) -> None:
    add_activity(client)
    assert client.delete("/_mock/requests").get_json() == {"cleared": 1}
    assert client.get("/_mock/requests").get_json() == {"requests": []}


def test_requests_journal_keeps_only_the_newest_entries() -> None:
    client = create_app(activities=3, journal_size=2).test_client()
    for activity_id in (1, 2, 3):
        api(client, "GET", f"/api/v2/activities/{activity_id}")
    assert [e["path"] for e in client.get("/_mock/requests").get_json()["requests"]] == \
        ["/api/v2/activities/2", "/api/v2/activities/3"]


@pytest.mark.parametrize(("given", "kept"), [("5", 5), ("0", None), ("many", None)])
def test_cli_journal_size_accepts_only_positive_counts(given: str, kept: int | None) -> None:
    parser = build_parser()
    if kept is None:
        with pytest.raises(StartError, match="--journal-size must be"):
            parser.parse_args(["serve", "--journal-size", given])
    else:
        assert parser.parse_args(["serve", "--journal-size", given]).journal_size == kept


# -- faults -------------------------------------------------------------------------------------------------
def test_fault_once_gives_one_503_then_normal(client: FlaskClient) -> None:
    fault = client.post("/_mock/faults", json={"method": "get", "path": "/api/v2/activities/*",
                                               "status": 503, "times": 1})
    assert fault.status_code == 201
    failed = api(client, "GET", "/api/v2/activities/1")
    assert failed.status_code == 503
    assert failed.get_json()["success"] is False and failed.get_json()["error_info"]
    assert api(client, "GET", "/api/v2/activities/1").status_code == 200
    assert client.get("/_mock/faults").get_json() == {"faults": []}


def test_fault_only_hits_matching_method_and_path(client: FlaskClient) -> None:
    client.post("/_mock/faults", json={"method": "POST", "status": 500})
    assert api(client, "GET", "/api/v2/activities").status_code == 200
    assert add_activity(client).status_code == 500
    assert add_activity(client).status_code == 500


def test_faults_delete_one_by_id_and_all(client: FlaskClient) -> None:
    first = client.post("/_mock/faults", json={"status": 502}).get_json()["id"]
    client.post("/_mock/faults", json={"status": 504, "latency_ms": 0})
    assert client.delete(f"/_mock/faults/{first}").get_json() == {"cleared": 1}
    assert [f["status"] for f in client.get("/_mock/faults").get_json()["faults"]] == [504]
    assert client.delete(f"/_mock/faults/{first}").status_code == 404
    assert client.delete("/_mock/faults").get_json() == {"cleared": 1}
    assert api(client, "GET", "/api/v2/activities").status_code == 200


# -- rate limits ----------------------------------------------------------------------------------------
def test_rate_limit_default_is_unlimited_with_headers(client: FlaskClient) -> None:
    assert client.get("/_mock/rate-limit").get_json()["daily_budget"] is None
    headers = api(client, "GET", "/api/v2/activities").headers
    for name in ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset",
                 "x-daily-ratelimit-token-limit", "x-daily-ratelimit-token-remaining"):
        assert int(headers[name]) >= 0


def test_rate_limit_budget_spent_returns_429_until_next_utc_day(client: FlaskClient) -> None:
    client.post("/_mock/clock", json={"now": "2030-01-01T23:00:00Z"})
    client.post("/_mock/rate-limit", json={"daily_budget": 2 * ADD_COST})
    remaining = [int(add_activity(client).headers["x-daily-ratelimit-token-remaining"]) for _ in range(2)]
    assert remaining == [ADD_COST, 0]
    refused = add_activity(client)
    assert refused.status_code == 429
    assert refused.get_json()["error"] == "Request over limit"
    assert refused.headers["Retry-After"] == "3600"
    client.post("/_mock/clock", json={"advance": 3600})
    assert add_activity(client).status_code == 200


def test_rate_limit_burst_caps_calls_per_token_per_window(client: FlaskClient) -> None:
    client.post("/_mock/rate-limit", json={"burst": 2, "window_seconds": 2})
    assert [int(api(client, "GET", "/api/v2/activities/1").headers["x-ratelimit-remaining"])
            for _ in range(2)] == [1, 0]
    refused = api(client, "GET", "/api/v2/activities/1")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "2"
    assert api(client, "GET", "/api/v2/activities/1", USER_TOKEN).status_code == 200
    client.post("/_mock/clock", json={"advance": 2})
    assert api(client, "GET", "/api/v2/activities/1").status_code == 200


def test_rate_limit_plan_sets_budget_and_burst(client: FlaskClient) -> None:
    settings = client.post("/_mock/rate-limit", json={"plan": "growth", "seats": 3}).get_json()
    assert (settings["daily_budget"], settings["burst"]) == (30_000 * 2 * 3, 40)
    assert api(client, "GET", "/api/v2/activities/1").headers["x-daily-ratelimit-token-limit"] == "180000"


def test_rate_limit_unknown_plan_returns_400(client: FlaskClient) -> None:
    response = client.post("/_mock/rate-limit", json={"plan": "gold"})
    assert response.status_code == 400 and "plan" in response.get_json()["error"]
