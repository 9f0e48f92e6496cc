"""`--unknown-fields reject|ignore`: an unknown body field is a 400 naming it, or dropped and still journaled."""
from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from pipedrive_mock import create_app

ADMIN = {"x-api-token": "admin-token"}


def _client(mode: str) -> FlaskClient:
    return create_app(activities=5, unknown_fields=mode).test_client()


def _journal(client: FlaskClient) -> list[dict[str, Any]]:
    found: Any = client.get("/_mock/requests").get_json()
    return found["requests"] if isinstance(found, dict) else found


def test_unknown_field_by_default_answers_400_naming_it() -> None:
    response = _client("reject").post("/api/v2/activities", json={"subject": "x", "mood": "sunny"}, headers=ADMIN)
    assert response.status_code == 400 and "'mood'" in response.get_json()["error"]


@pytest.mark.parametrize("body, kept", [
    ({"subject": "Newer client", "mood": "sunny"}, {"subject": "Newer client"}),
    ({"location": {"value": "Tartu", "planet": "Earth"}}, {"location": "Tartu"}),
    ({"participants": [{"person_id": 3, "primary": True, "role": "host"}]}, {"person_id": 3}),
])
def test_ignore_drops_unknown_fields_and_succeeds(body: dict[str, Any], kept: dict[str, Any]) -> None:
    client = _client("ignore")
    response = client.post("/api/v2/activities", json=body, headers=ADMIN)
    assert response.status_code == 200, response.get_json()
    data = response.get_json()["data"]
    for key, value in kept.items():
        assert (data[key]["value"] if key == "location" else data[key]) == value
    assert "mood" not in data and "planet" not in (data["location"] or {})


def test_ignore_still_journals_the_unknown_field_as_a_violation() -> None:
    client = _client("ignore")
    client.post("/api/v2/activities", json={"subject": "x", "mood": "sunny"}, headers=ADMIN)
    violations = _journal(client)[-1]["violations"]
    assert any("Unknown field 'mood'" in v and "--unknown-fields ignore" in v for v in violations)


def test_ignore_update_with_only_unknown_fields_answers_400_as_empty() -> None:
    response = _client("ignore").patch("/api/v2/activities/1", json={"mood": "sunny"}, headers=ADMIN)
    assert response.status_code == 400


def test_ignore_keeps_other_violations_a_400() -> None:
    response = _client("ignore").post("/api/v2/activities", json={"mood": 1, "priority": "high"}, headers=ADMIN)
    assert response.status_code == 400 and "'priority'" in response.get_json()["error"]


def test_health_shows_unknown_fields_mode() -> None:
    assert _client("ignore").get("/_mock/health").get_json()["unknown_fields"] == "ignore"
