"""Authentication by header, query or bearer; 401 otherwise (facts page, "Authentication")."""
from __future__ import annotations

from typing import Any

import pytest

UNAUTHORIZED = {"success": False, "error": "unauthorized access", "errorCode": 401}


@pytest.mark.parametrize("kwargs", [
    {"headers": {"x-api-token": "admin-token"}},
    {"query_string": {"api_token": "admin-token", "limit": "1"}},
    {"headers": {"Authorization": "Bearer admin-token"}},
])
def test_list_accepts_header_query_and_bearer_tokens(api: Any, kwargs: dict[str, Any]) -> None:
    assert api("GET", "/api/v2/activities", token=None, **kwargs).status_code == 200


@pytest.mark.parametrize("headers", [{}, {"x-api-token": ""}, {"x-api-token": "nope"},
                                     {"Authorization": "Bearer "}, {"Authorization": "Basic YWRtaW4="}])
def test_list_without_valid_token_returns_401_pipedrive_body(api: Any, headers: dict[str, str]) -> None:
    response = api("GET", "/api/v2/activities", token=None, headers=headers)
    assert response.status_code == 401
    assert response.get_json() == UNAUTHORIZED


def test_add_without_token_writes_nothing(api: Any, store: Any) -> None:
    count = len(store.company(1).activities)
    assert api("POST", "/api/v2/activities", token=None, json={"subject": "x"}).status_code == 401
    assert len(store.company(1).activities) == count


def test_other_company_token_sees_only_its_own_activities(api: Any, store: Any) -> None:
    other = store.create_company(seed=9, activities=3)
    token = next(u.token for u in other.users.values() if u.is_admin)
    data = api("GET", "/api/v2/activities", token=token).get_json()["data"]
    assert [a["id"] for a in data] == [1, 2, 3]
    assert [a["subject"] for a in data] == [other.activities[i].subject for i in (1, 2, 3)]
    assert api("GET", "/api/v2/activities/10", token=token).status_code == 404
    assert api("DELETE", "/api/v2/activities/10", token=token).status_code == 404
    assert api("GET", "/api/v2/activities/10").get_json()["data"]["is_deleted"] is False


def test_every_response_carries_rate_limit_headers(api: Any) -> None:
    for response in (api("GET", "/api/v2/activities/1"), api("GET", "/api/v2/activities/1", token="bad")):
        for header in ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset",
                       "x-daily-ratelimit-token-limit", "x-daily-ratelimit-token-remaining"):
            assert response.headers[header].isdigit(), header
