"""The control API under /_mock/, through Flask's test client."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from pipedrive_mock import ADMIN_TOKEN, USER_TOKEN, create_app
from pipedrive_mock.cli import build_parser
from pipedrive_mock.preflight import StartError

START = "2030-01-01T00:00:00Z"
DAY = 86_400
ADD_COST = 5


@pytest.fixture
def app() -> Flask:
    app = create_app(activities=5)
    app.extensions["pipedrive_mock"].clock.set(1893456000.0)  # START, so seeded data is the same every run
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def api(client: FlaskClient, method: str, path: str, token: str = ADMIN_TOKEN, **kwargs: Any) -> Any:
    return client.open(path, method=method, headers={"x-api-token": token}, **kwargs)


def add_activity(client: FlaskClient, token: str = ADMIN_TOKEN, subject: str = "Call Ann") -> Any:
    return api(client, "POST", "/api/v2/activities", token, json={"subject": subject})


# -- health ---------------------------------------------------------------------------------------
def test_health_answers_ok_with_version_and_companies(client: FlaskClient) -> None:
    from pipedrive_mock import __version__

    assert client.get("/_mock/health").get_json() == {"status": "ok", "version": __version__, "companies": 1,
                                                      "api_profile": "seed", "unknown_fields": "reject"}
    client.post("/_mock/companies", json={"activities": 0})
    assert client.get("/_mock/health").get_json()["companies"] == 2


# -- users and companies ---------------------------------------------------------------------------
def test_users_lists_every_user_with_token(client: FlaskClient) -> None:
    users = client.get("/_mock/users").get_json()["users"]
    assert [(u["id"], u["company_id"], u["token"], u["is_admin"]) for u in users] == \
        [(1, 1, ADMIN_TOKEN, True), (2, 1, USER_TOKEN, False)]


def test_companies_post_creates_tenant_with_admin_and_user(client: FlaskClient) -> None:
    response = client.post("/_mock/companies", json={"activities": 3})
    assert response.status_code == 201
    body = response.get_json()
    assert [u["is_admin"] for u in body["users"]] == [True, False]
    listed = api(client, "GET", "/api/v2/activities", body["users"][1]["token"]).get_json()["data"]
    assert len(listed) == 3
    assert body["company_id"] in {u["company_id"] for u in client.get("/_mock/users").get_json()["users"]}


def test_tenant_token_never_reads_or_writes_another_company(client: FlaskClient) -> None:
    before = api(client, "GET", "/api/v2/activities").get_json()["data"]
    other = client.post("/_mock/companies", json={"activities": 0}).get_json()["users"][0]["token"]
    assert api(client, "GET", "/api/v2/activities", other).get_json()["data"] == []
    for guessed in range(1, 6):  # company 1's ids
        assert api(client, "GET", f"/api/v2/activities/{guessed}", other).status_code == 404
        assert api(client, "PATCH", f"/api/v2/activities/{guessed}", other, json={"subject": "x"}).status_code == 404
        assert api(client, "DELETE", f"/api/v2/activities/{guessed}", other).status_code == 404
    assert api(client, "DELETE", "/v1/activities?ids=1,2,3,4,5", other).get_json()["data"]["id"] == []
    assert api(client, "GET", "/v1/activities/collection", other).get_json()["data"] == []
    add_activity(client, other, subject="only in company 2")
    assert api(client, "GET", "/api/v2/activities").get_json()["data"] == before


# -- reset and seed ---------------------------------------------------------------------------------
def test_reset_returns_every_company_to_seeded_state(client: FlaskClient) -> None:
    before = api(client, "GET", "/api/v2/activities").get_json()["data"]
    add_activity(client)
    api(client, "DELETE", "/api/v2/activities/1")
    assert client.post("/_mock/reset", json={}).get_json() == {"reset": [1]}
    assert api(client, "GET", "/api/v2/activities").get_json()["data"] == before


def test_reset_of_one_company_leaves_the_others(client: FlaskClient) -> None:
    other = client.post("/_mock/companies", json={"activities": 0}).get_json()
    token = other["users"][0]["token"]
    add_activity(client)
    add_activity(client, token)
    client.post("/_mock/reset", json={"company_id": other["company_id"]})
    assert api(client, "GET", "/api/v2/activities", token).get_json()["data"] == []
    assert len(api(client, "GET", "/api/v2/activities").get_json()["data"]) == 6


def test_reset_of_unknown_company_returns_404(client: FlaskClient) -> None:
    response = client.post("/_mock/reset", json={"company_id": 99})
    assert response.status_code == 404
    assert "99" in response.get_json()["error"]


def _arm_everything(client: FlaskClient) -> None:
    """A frozen clock, a fault, a rate limit, a journal entry and an added company."""
    client.post("/_mock/clock", json={"now": "2031-01-01T00:00:00Z"})
    client.post("/_mock/faults", json={"path": "/nowhere", "status": 503})
    client.post("/_mock/rate-limit", json={"daily_budget": 100})
    client.post("/_mock/companies", json={"activities": 0})
    add_activity(client)


def test_reset_of_data_leaves_clock_faults_limits_journal_and_added_companies(client: FlaskClient) -> None:
    _arm_everything(client)
    assert client.post("/_mock/reset", json={}).get_json() == {"reset": [1, 2]}
    assert client.get("/_mock/clock").get_json() == {"now": "2031-01-01T00:00:00Z", "frozen": True}
    assert len(client.get("/_mock/faults").get_json()["faults"]) == 1
    assert client.get("/_mock/rate-limit").get_json()["daily_budget"] == 100
    assert len(client.get("/_mock/requests").get_json()["requests"]) == 1
    assert len(api(client, "GET", "/api/v2/activities").get_json()["data"]) == 5


def test_reset_of_everything_is_a_fresh_start(app: Flask, client: FlaskClient) -> None:
    _arm_everything(client)
    assert client.post("/_mock/reset", json={"everything": True}).get_json() == {"reset": [1]}
    assert client.get("/_mock/clock").get_json()["frozen"] is False
    assert client.get("/_mock/faults").get_json()["faults"] == []
    assert client.get("/_mock/rate-limit").get_json()["daily_budget"] is None
    assert client.get("/_mock/requests").get_json()["requests"] == []
    assert [u["company_id"] for u in client.get("/_mock/users").get_json()["users"]] == [1, 1]
    assert client.post("/_mock/faults", json={"status": 503, "times": 1}).get_json()["id"] == 1


def test_reset_of_everything_with_a_company_id_returns_400(client: FlaskClient) -> None:
    response = client.post("/_mock/reset", json={"everything": True, "company_id": 1})
    assert response.status_code == 400
    assert "'everything'" in response.get_json()["error"]


@pytest.mark.parametrize("path, body", [("/_mock/companies", {"seed": 90219.0}),
                                        ("/_mock/seed", {"activities": 20.0})])
def test_control_body_with_float_for_integer_returns_400(client: FlaskClient, path: str, body: dict) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 400
    assert "is not an integer" in response.get_json()["error"]


def test_seed_with_same_seed_gives_same_data(client: FlaskClient) -> None:
    assert client.post("/_mock/seed", json={"seed": 5, "activities": 20}).get_json() == \
        {"company_id": 1, "seed": 5, "activities": 20}
    first = api(client, "GET", "/api/v2/activities").get_json()["data"]
    client.post("/_mock/seed", json={"seed": 6, "activities": 20})
    assert api(client, "GET", "/api/v2/activities").get_json()["data"] != first
    client.post("/_mock/seed", json={"seed": 5, "activities": 20})
    assert api(client, "GET", "/api/v2/activities").get_json()["data"] == first


def test_seed_then_reset_returns_to_the_new_seed(client: FlaskClient) -> None:
    client.post("/_mock/seed", json={"seed": 5, "activities": 7})
    add_activity(client)
    client.post("/_mock/reset", json={})
    assert len(api(client, "GET", "/api/v2/activities").get_json()["data"]) == 7


# -- snapshots ------------------------------------------------------------------------------------------
def test_snapshot_round_trip_is_exact(client: FlaskClient) -> None:
    client.post("/_mock/companies", json={"activities": 4})
    add_activity(client)
    api(client, "PATCH", "/api/v2/activities/2", json={"done": True})
    api(client, "DELETE", "/api/v2/activities/3")
    before = client.get("/_mock/snapshot").get_data()
    client.post("/_mock/seed", json={"seed": 9, "activities": 1})
    restored = client.put("/_mock/snapshot", data=before, content_type="application/json")
    assert restored.status_code == 200
    assert restored.get_data() == before
    assert client.get("/_mock/snapshot").get_data() == before
    assert api(client, "GET", "/api/v2/activities/3").get_json()["data"]["is_deleted"] is True


def test_snapshot_restore_becomes_the_state_reset_returns_to(client: FlaskClient) -> None:
    add_activity(client)
    saved = client.get("/_mock/snapshot").get_json()
    client.put("/_mock/snapshot", json=saved)
    add_activity(client, subject="after the restore")
    client.post("/_mock/reset", json={})
    assert client.get("/_mock/snapshot").get_json() == saved


def test_snapshot_restore_brings_back_tokens_of_restored_companies(client: FlaskClient) -> None:
    saved = client.get("/_mock/snapshot").get_json()
    token = client.post("/_mock/companies", json={}).get_json()["users"][0]["token"]
    client.put("/_mock/snapshot", json=saved)
    assert api(client, "GET", "/api/v2/activities", token).status_code == 401
    assert api(client, "GET", "/api/v2/activities").status_code == 200


@pytest.mark.parametrize(("change", "message"), [
    (lambda s: s.update(version=2), "version"),
    (lambda s: s["companies"][0]["users"][1].update(token=ADMIN_TOKEN), "token"),
    (lambda s: s["companies"][0].update(next_id=1), "next_id"),
    (lambda s: s["companies"][0]["activities"].append(dict(s["companies"][0]["activities"][0])), "twice"),
    (lambda s: s["companies"][0]["activities"][0].update(add_time="yesterday"), "add_time"),
    (lambda s: s.update(next_user_id=2), "next_user_id"),
])
def test_snapshot_put_invalid_returns_400_and_changes_nothing(client: FlaskClient, change: Any,
                                                               message: str) -> None:
    before = client.get("/_mock/snapshot").get_data()
    snapshot = client.get("/_mock/snapshot").get_json()
    change(snapshot)
    response = client.put("/_mock/snapshot", json=snapshot)
    assert response.status_code == 400
    assert message in response.get_json()["error"]
    assert client.get("/_mock/snapshot").get_data() == before


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


# -- access ----------------------------------------------------------------------------------------------
def test_control_token_required_when_set() -> None:
    client = create_app(activities=1, control_token="s3cret").test_client()
    refused = client.get("/_mock/users")
    assert refused.status_code == 401 and "x-mock-control-token" in refused.get_json()["error"]
    assert client.get("/_mock/users", headers={"x-mock-control-token": "wrong"}).status_code == 401
    assert client.get("/_mock/users", headers={"x-mock-control-token": "s3cret"}).status_code == 200


def test_control_without_token_refuses_remote_clients(client: FlaskClient) -> None:
    response = client.get("/_mock/users", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert response.status_code == 403
    assert api(client, "GET", "/api/v2/activities", environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 200


def test_control_openapi_is_served(client: FlaskClient) -> None:
    response = client.get("/_mock/openapi.yaml")
    assert response.status_code == 200 and b"/_mock/snapshot" in response.get_data()


def test_control_unknown_method_returns_json_405(client: FlaskClient) -> None:
    response = client.put("/_mock/users")
    assert response.status_code == 405 and response.get_json()["success"] is False
