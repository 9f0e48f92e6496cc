"""Users (v1): the token's own user, the company's users, one of them; never another company's."""
from __future__ import annotations

from typing import Any

import pytest

from pipedrive_mock import USER_TOKEN


@pytest.mark.parametrize("prefix", ["/v1", "/api/v1"])
def test_users_me_is_the_tokens_user_with_the_mock_as_company_domain(api: Any, prefix: str) -> None:
    me = api("GET", f"{prefix}/users/me", headers={"Host": "127.0.0.1:8123"}).get_json()["data"]
    assert (me["id"], me["is_you"], me["company_id"], me["company_domain"]) == (1, True, 1, "127.0.0.1:8123")
    assert me["access"][0]["app"] == "global" and me["access"][0]["admin"] is True


def test_users_me_of_regular_user_is_no_admin(api: Any) -> None:
    me = api("GET", "/v1/users/me", token=USER_TOKEN).get_json()["data"]
    assert (me["id"], me["access"][0]["admin"], me["role_id"]) == (2, False, 2)


def test_users_lists_the_company_with_is_you_for_the_caller_only(api: Any) -> None:
    users = api("GET", "/v1/users", token=USER_TOKEN).get_json()["data"]
    assert [(u["id"], u["is_you"]) for u in users] == [(1, False), (2, True)]
    assert users[0]["has_created_company"] is True and users[1]["has_created_company"] is False


def test_user_by_id_is_in_the_list_shape(api: Any) -> None:
    listed = api("GET", "/v1/users").get_json()["data"][1]
    assert api("GET", "/v1/users/2").get_json()["data"] == listed


def test_user_of_another_company_returns_404(client: Any, api: Any) -> None:
    other = client.post("/_mock/companies", json={"activities": 0}).get_json()
    response = api("GET", f"/v1/users/{other['users'][0]['id']}")
    assert response.status_code == 404 and "was not found" in response.get_json()["error"]


def test_user_added_through_the_store_is_listed(store: Any, api: Any) -> None:
    ann = store.add_user(store.company(1), "Ann Lee", "ann-token")
    assert [u["name"] for u in api("GET", "/v1/users").get_json()["data"]][-1] == "Ann Lee"
    assert api("GET", "/v1/users/me", token="ann-token").get_json()["data"]["id"] == ann.id
