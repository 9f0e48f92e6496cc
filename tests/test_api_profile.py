"""`--api-profile seed|current`: the surface this mock was specified from, or the API as known today."""
from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from envelope import assert_official_error
from pipedrive_mock import create_app
from pipedrive_mock.resources.activities.rules import PERSON_ID_READ_ONLY

ADMIN = {"x-api-token": "admin-token"}
V1_OPERATIONS = [("GET", "/v1/activities/collection", "/api/v2/activities"),
                 ("GET", "/api/v1/activities/collection", "/api/v2/activities"),
                 ("DELETE", "/v1/activities?ids=1,2", "/api/v2/activities/{id}"),
                 ("DELETE", "/api/v1/activities?ids=1,2", "/api/v2/activities/{id}")]


def _client(profile: str) -> FlaskClient:
    return create_app(activities=5, api_profile=profile).test_client()


@pytest.mark.parametrize("method, path", [("POST", "/api/v2/activities"), ("PATCH", "/api/v2/activities/1")])
def test_current_profile_person_id_in_body_answers_the_live_400(method: str, path: str) -> None:
    client = _client("current")
    before = client.get("/api/v2/activities/1", headers=ADMIN).get_json()["data"]
    response = client.open(path, method=method, json={"person_id": 3}, headers=ADMIN)
    assert response.status_code == 400
    body = response.get_json()
    assert_official_error(body, 400)
    assert body["error"] == "'person_id' is a read-only field. Add a primary participant to set 'person_id' instead."
    assert body["error"] == PERSON_ID_READ_ONLY and body["code"] == "ERR_BAD_REQUEST"
    assert client.get("/api/v2/activities/1", headers=ADMIN).get_json()["data"] == before
    assert len(client.get("/api/v2/activities", headers=ADMIN).get_json()["data"]) == 5


def test_current_profile_primary_participant_sets_person_id() -> None:
    data = _client("current").post("/api/v2/activities", json={"participants": [{"person_id": 4, "primary": True}]},
                                   headers=ADMIN).get_json()["data"]
    assert data["person_id"] == 4


def test_seed_profile_person_id_in_body_becomes_the_primary_participant() -> None:
    data = _client("seed").post("/api/v2/activities", json={"person_id": 3}, headers=ADMIN).get_json()["data"]
    assert data["person_id"] == 3 and data["participants"] == [{"person_id": 3, "primary": True}]


@pytest.mark.parametrize("method, path, successor", V1_OPERATIONS)
def test_current_profile_v1_activity_endpoint_answers_410_with_deprecation_and_link(
        method: str, path: str, successor: str) -> None:
    client = _client("current")
    response = client.open(path, method=method, headers=ADMIN)
    assert response.status_code == 410
    assert_official_error(response.get_json(), 410)
    assert "gone" in response.get_json()["error"] and successor in response.get_json()["error"]
    assert response.headers["Deprecation"] == "@1746057600"  # 2025-05-01T00:00:00Z
    assert response.headers["Link"] == f'<{successor}>; rel="successor-version"'
    assert client.get("/api/v2/activities/1", headers=ADMIN).get_json()["data"]["is_deleted"] is False


def test_current_profile_v1_gone_needs_no_token_and_spends_none() -> None:
    client = _client("current")
    assert client.get("/v1/activities/collection").status_code == 410


@pytest.mark.parametrize("method, path, _", V1_OPERATIONS)
def test_seed_profile_v1_activity_endpoints_work(method: str, path: str, _: str) -> None:
    assert _client("seed").open(path, method=method, headers=ADMIN).status_code == 200


@pytest.mark.parametrize("profile", ["seed", "current"])
def test_both_profiles_take_outcome(profile: str) -> None:
    data = _client(profile).post("/api/v2/activities", json={"outcome": 2}, headers=ADMIN).get_json()["data"]
    assert data["outcome"] == 2


@pytest.mark.parametrize("profile", ["seed", "current"])
def test_health_shows_the_profile(profile: str) -> None:
    health = _client(profile).get("/_mock/health").get_json()
    assert health["api_profile"] == profile and health["unknown_fields"] == "reject"


def test_create_app_with_an_unknown_profile_raises_naming_it() -> None:
    with pytest.raises(ValueError, match="api_profile must be one of seed, current, got 'future'"):
        create_app(activities=1, api_profile="future")


def test_current_profile_journal_records_the_gone_call() -> None:
    client = _client("current")
    client.get("/v1/activities/collection", headers=ADMIN)
    entry: Any = client.get("/_mock/requests").get_json()
    entries = entry["requests"] if isinstance(entry, dict) else entry
    assert entries[-1]["status"] == 410


def test_serve_with_current_profile_says_so_in_the_start_up_line_and_health() -> None:
    import requests

    from .test_serve import START_TIMEOUT, start_server

    process, url, line = start_server(("serve", "--api-profile", "current", "--unknown-fields", "ignore"))
    try:
        assert "api profile: current unknown fields: ignore" in line
        assert requests.get(f"{url}/_mock/health", timeout=START_TIMEOUT).json()["api_profile"] == "current"
        gone = requests.get(f"{url}/v1/activities/collection", headers=ADMIN, timeout=START_TIMEOUT)
        assert gone.status_code == 410 and gone.headers["Link"] == '</api/v2/activities>; rel="successor-version"'
    finally:
        process.kill()
        process.wait(START_TIMEOUT)


def test_serve_default_start_up_line_says_seed_profile() -> None:
    from .test_serve import START_TIMEOUT, start_server

    process, _, line = start_server()
    try:
        assert "api profile: seed unknown fields: reject" in line
    finally:
        process.kill()
        process.wait(START_TIMEOUT)
