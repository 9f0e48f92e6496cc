"""Who consents when GET /oauth/authorize names no user: chosen per company through the control API."""
from __future__ import annotations

from flask.testing import FlaskClient

from pipedrive_mock import Store, create_app
from oauth_client import bearer, consent, tokens


def me(client: FlaskClient, access_token: str) -> int:
    answer = client.get("/v1/users/me", headers=bearer(access_token))
    assert answer.status_code == 200, answer.json
    return int(answer.json["data"]["id"])


def test_consent_without_choice_is_the_admins(client: FlaskClient) -> None:
    assert client.get("/_mock/oauth/consent").json == {"consent": [
        {"company_id": 1, "user_id": 1, "name": "Admin 1", "chosen": False}]}
    assert me(client, tokens(client)["access_token"]) == 1


def test_chosen_user_consents_and_null_gives_the_admin_again(client: FlaskClient) -> None:
    chosen = client.post("/_mock/oauth/consent", json={"user_id": 2})
    assert chosen.status_code == 200 and chosen.json == {"company_id": 1, "user_id": 2, "name": "User 2",
                                                          "chosen": True}
    assert consent(client)["code"][0].startswith("1.2.")
    assert me(client, tokens(client)["access_token"]) == 2
    assert me(client, tokens(client, user_id=1)["access_token"]) == 1  # authorize's user_id still wins
    assert client.post("/_mock/oauth/consent", json={"user_id": None}).json["chosen"] is False
    assert me(client, tokens(client)["access_token"]) == 1


def test_consent_by_a_user_of_another_company_is_refused_and_changes_nothing(client: FlaskClient) -> None:
    stranger = client.post("/_mock/companies", json={"activities": 0}).json["users"][-1]
    assert stranger["company_id"] == 2
    refused = client.post("/_mock/oauth/consent", json={"user_id": stranger["id"]})
    assert refused.status_code == 400
    assert refused.json["error"] == (f"Invalid value for field 'user_id': {stranger['id']} is not a user of "
                                     f"company 1 (GET /_mock/users lists them)")
    for body in ({}, {"user_id": "2"}, {"user_id": 0}, {"user_id": 2, "company_id": 999}):
        assert client.post("/_mock/oauth/consent", json=body).status_code in (400, 404), body
    assert client.get("/_mock/oauth/consent").json["consent"][0]["chosen"] is False


def test_consent_choice_survives_a_snapshot_and_reset_puts_back_the_seeded_one(client: FlaskClient) -> None:
    client.post("/_mock/oauth/consent", json={"user_id": 2})
    snapshot = client.get("/_mock/snapshot").json
    assert snapshot["companies"][0]["oauth"]["consenter"] == 2
    fresh = create_app(Store.default(activities=0)).test_client()
    assert fresh.put("/_mock/snapshot", json=snapshot).status_code == 200
    assert me(fresh, tokens(fresh)["access_token"]) == 2
    client.post("/_mock/reset", json={})
    assert client.get("/_mock/oauth/consent").json["consent"][0]["user_id"] == 1
