from __future__ import annotations

import pytest

from pipedrive_mock import ADMIN_TOKEN, create_app

HEADERS = {"x-api-token": ADMIN_TOKEN}


@pytest.mark.parametrize(("field", "given", "expected"), [
    ("attendees", [{"email": "ann@example.com"}],
     [{"email": "ann@example.com", "name": None, "status": None, "is_organizer": False,
       "person_id": None, "user_id": None}]),
    ("participants", [{"person_id": 3}], [{"person_id": 3, "primary": False}]),
])
def test_update_with_nested_items_fills_their_defaults(field: str, given: list, expected: list) -> None:
    client = create_app(activities=3).test_client()
    response = client.patch("/api/v2/activities/1?include_fields=attendees", json={field: given}, headers=HEADERS)
    assert response.status_code == 200
    shown = client.get("/api/v2/activities/1?include_fields=attendees", headers=HEADERS).get_json()["data"]
    assert shown[field] == expected
