from __future__ import annotations

from mockserver import ADMIN_TOKEN, create_app


def test_list_with_admin_token_returns_first_page() -> None:
    client = create_app(activities=5).test_client()
    response = client.get("/api/v2/activities?limit=2", headers={"x-api-token": ADMIN_TOKEN})
    assert response.status_code == 200
    assert [a["id"] for a in response.get_json()["data"]] == [1, 2]
