"""Every error status of the Pipedrive surface answers the official envelope, exactly (facts page, "Envelopes")."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from envelope import assert_official_error
from pipedrive_mock import create_app
from pipedrive_mock.constants import MAX_BODY_BYTES
from pipedrive_mock.contract import load_spec
from pipedrive_mock.statefile import StateFile

ADMIN = {"x-api-token": "admin-token"}
Send = Callable[[Flask, FlaskClient], Any]


def _rate_limited(app: Flask, client: FlaskClient) -> Any:
    client.post("/_mock/rate-limit", json={"burst": 1, "window_seconds": 60})
    client.get("/api/v2/activities/1", headers=ADMIN)
    return client.get("/api/v2/activities/1", headers=ADMIN)


def _unsaved_write(app: Flask, client: FlaskClient) -> Any:
    class Broken(StateFile):
        def save(self, store: Any) -> None:
            raise OSError(28, "No space left on device")
    app.extensions["pipedrive_mock"].state_file = Broken("/nonexistent/state.json")
    return client.post("/api/v2/activities", json={"subject": "lost"}, headers=ADMIN)


def _unexpected(app: Flask, client: FlaskClient) -> Any:
    from pipedrive_mock import company

    original = company.Company.get
    company.Company.get = lambda *args, **kwargs: 1 / 0  # type: ignore[assignment]
    try:
        return client.get("/api/v2/activities/1", headers=ADMIN)
    finally:
        company.Company.get = original  # type: ignore[method-assign]


def _gone(app: Flask, client: FlaskClient) -> Any:
    app.extensions["pipedrive_mock"].configure(api_profile="current")
    return client.get("/v1/activities/collection", headers=ADMIN)


def _fault(app: Flask, client: FlaskClient) -> Any:
    client.post("/_mock/faults", json={"method": "GET", "path": "/api/v2/activities/*", "status": 503})
    return client.get("/api/v2/activities/1", headers=ADMIN)


# How to get each error status out of the mock, and the words it must carry.
CASES: dict[str, tuple[int, Send, str]] = {
    "400 bad parameter": (400, lambda a, c: c.get("/api/v2/activities?limit=0", headers=ADMIN), "'limit'"),
    "400 unknown field": (400, lambda a, c: c.post("/api/v2/activities", json={"mood": 1}, headers=ADMIN),
                          "'mood'"),
    "401 no token": (401, lambda a, c: c.get("/api/v2/activities"), "unauthorized access"),
    "403 collection as a regular user": (403, lambda a, c: c.get("/v1/activities/collection",
                                                                 headers={"x-api-token": "user-token"}),
                                         "You do not have permissions to do this."),
    "404 unknown id": (404, lambda a, c: c.get("/api/v2/activities/999999", headers=ADMIN), "Entity was not found"),
    "404 unknown path": (404, lambda a, c: c.get("/api/v2/deals", headers=ADMIN), "no route"),
    "405 wrong method": (405, lambda a, c: c.put("/api/v2/activities", headers=ADMIN), "allows"),
    "410 v1 under the current profile": (410, _gone, "is gone"),
    "413 body too large": (413, lambda a, c: c.post("/api/v2/activities", headers=ADMIN, content_type="application/json",
                                                    data=b'{"subject": "' + b"x" * MAX_BODY_BYTES + b'"}'), "limit"),
    "429 burst spent": (429, _rate_limited, "Request over limit"),
    "500 write not saved": (500, _unsaved_write, "could not be saved"),
    "500 unexpected": (500, _unexpected, "Internal server error"),
    "503 injected fault": (503, _fault, ""),
}


@pytest.mark.parametrize("name", CASES)
def test_error_status_answers_the_official_envelope(name: str) -> None:
    status, send, words = CASES[name]
    app = create_app(activities=5)
    response = send(app, app.test_client())
    assert response.status_code == status and response.mimetype == "application/json"
    body = response.get_json()
    assert_official_error(body, status)
    assert words in body["error"]


def test_error_cases_cover_every_status_the_contract_gives() -> None:
    spec = load_spec()
    statuses = {int(code) for item in spec["paths"].values() for method, operation in item.items()
                if method != "parameters" for code in operation["responses"] if not code.startswith("2")}
    assert statuses <= {status for status, _, _ in CASES.values()}


def test_error_404_and_403_carry_the_official_words() -> None:
    client = create_app(activities=5).test_client()
    assert client.get("/api/v2/activities/999999", headers=ADMIN).get_json() == {
        "success": False, "error": "Entity was not found", "error_info": "Object was not found.",
        "data": None, "additional_data": None}
    assert client.get("/v1/activities/collection", headers={"x-api-token": "user-token"}).get_json() == {
        "success": False, "error": "You do not have permissions to do this.",
        "error_info": "Please check developers.pipedrive.com", "data": None, "additional_data": None}


def test_error_401_keeps_the_official_401_shape() -> None:
    client = create_app(activities=5).test_client()
    assert client.get("/api/v2/activities").get_json() == {"success": False, "error": "unauthorized access",
                                                            "errorCode": 401}


def test_error_of_the_control_api_keeps_its_own_shape() -> None:
    body = create_app(activities=5).test_client().post("/_mock/clock", json={"now": "soon"}).get_json()
    assert body["success"] is False and body["errorCode"] == 400 and "'now'" in body["error"]
