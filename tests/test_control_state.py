"""The control API under /_mock/ and the state it keeps, through Flask's test client: health, users and
companies (each a tenant no other company's token reaches), reset, seed and snapshots; and who may call it."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from control_app import add_activity, api, app, client  # noqa: F401 - app and client are fixtures
from pipedrive_mock import ADMIN_TOKEN, USER_TOKEN, create_app


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
