"""OAuth over HTTP as an app sees it: the consent and its refusals, token requests and their errors, codes
single-use and short-lived, and bearer calls: expiry on the mock clock, refresh, other tokens, the burst limit."""
from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import pytest
from flask.testing import FlaskClient

from oauth_client import REDIRECT, basic, bearer, consent, tokens
from pipedrive_mock import ADMIN_TOKEN, Clock
from pipedrive_mock.constants import ACCESS_TOKEN_LIFETIME_SECONDS, OAUTH_CLIENT_ID
from pipedrive_mock.resources.oauth import messages

FORM = "application/x-www-form-urlencoded"


# -- consent ------------------------------------------------------------------------------------------
def test_authorize_redirects_with_code_and_state(client: FlaskClient) -> None:
    back = consent(client, redirect=REDIRECT + "?keep=1", state="148aHxbdd92")
    assert back["state"] == ["148aHxbdd92"] and back["keep"] == ["1"]
    assert back["code"][0].startswith("1.1.")


def test_authorize_without_state_sends_none(client: FlaskClient) -> None:
    assert "state" not in consent(client)


def test_authorize_as_user_id_gives_that_users_token(client: FlaskClient) -> None:
    token = tokens(client, user_id=2)["access_token"]
    me = client.get("/api/v2/activities?limit=1", headers=bearer(token))
    assert me.status_code == 200
    assert client.get("/_mock/requests").json["requests"][-1]["company_id"] == 1
    assert token.startswith("1:2:")


@pytest.mark.parametrize(("query", "status", "message"), [
    ({"client_id": "nobody", "redirect_uri": REDIRECT}, 400, messages.CLIENT_INVALID),
    ({"client_id": OAUTH_CLIENT_ID, "redirect_uri": "not-a-uri"}, 400, messages.REDIRECT_URI_NOT_URI),
    ({"client_id": OAUTH_CLIENT_ID, "redirect_uri": "https://example.com/cb"}, 400, messages.REDIRECT_URI_INVALID),
])
def test_authorize_refusals_are_json_in_pipedrives_words(client: FlaskClient, query: dict[str, str], status: int,
                                                        message: str) -> None:
    response = client.get("/oauth/authorize", query_string=query)
    assert (response.status_code, response.json["error"], response.json["success"]) == (status, message, False)
    assert "Location" not in response.headers


@pytest.mark.parametrize("query", ["redirect_uri=http://127.0.0.1/cb", "client_id=mock-client-id",
                                   "client_id=mock-client-id&redirect_uri=http://127.0.0.1/cb&user_id=x"])
def test_authorize_with_a_missing_or_malformed_parameter_names_it(client: FlaskClient, query: str) -> None:
    response = client.get(f"/oauth/authorize?{query}")
    assert response.status_code == 400
    missing = {"client_id", "redirect_uri"} - set(parse_qs(query)) or {"user_id"}
    assert all(f"'{name}'" in response.json["error"] for name in missing)


def test_authorize_by_unknown_user_is_a_400(client: FlaskClient) -> None:
    response = client.get("/oauth/authorize", query_string={"client_id": OAUTH_CLIENT_ID, "redirect_uri": REDIRECT,
                                                             "user_id": 999})
    assert response.status_code == 400 and "'user_id': 999" in response.json["error"]


# -- token requests -----------------------------------------------------------------------------------
def test_token_answer_is_the_official_shape_with_api_domain(client: FlaskClient) -> None:
    answer = tokens(client)
    assert set(answer) == {"access_token", "token_type", "refresh_token", "scope", "expires_in", "api_domain"}
    assert answer["token_type"] == "Bearer" and answer["expires_in"] == 3599
    assert answer["scope"] == "activities:full,users:read,admin,base"
    assert answer["api_domain"] == "http://localhost"


def test_token_answer_is_not_cached(client: FlaskClient) -> None:
    code = consent(client)["code"][0]
    response = client.post("/oauth/token", headers=basic(), data={"grant_type": "authorization_code", "code": code,
                                                                  "redirect_uri": REDIRECT})
    assert response.headers["Cache-Control"] == "no-store"


def _token_error(client: FlaskClient, **kwargs: Any) -> tuple[int, str]:
    response = client.post("/oauth/token", **kwargs)
    assert response.json["success"] is False and response.json["error_info"]
    return response.status_code, response.json["error"]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"json": {"grant_type": "authorization_code"}, "headers": basic()}, messages.CONTENT_NOT_FORM),
    ({"data": "grant_type=refresh_token", "headers": basic()}, messages.CONTENT_NOT_FORM),  # no content type
    ({"data": {"grant_type": "authorization_code"}}, messages.CLIENT_CREDENTIALS_MISSING),
    ({"data": {"grant_type": "authorization_code"}, "headers": {"Authorization": "Basic !!!"}},
     messages.CLIENT_CREDENTIALS_MISSING),
    ({"data": {"grant_type": "authorization_code"}, "headers": {"Authorization": "Bearer x"}},
     messages.CLIENT_CREDENTIALS_MISSING),
    ({"data": {"grant_type": "authorization_code"}, "headers": basic("nobody", "x")}, messages.CLIENT_INVALID),
    ({"data": {"grant_type": "authorization_code"}, "headers": basic(secret="wrong")}, messages.CLIENT_INVALID),
    ({"data": {}, "headers": basic(), "content_type": FORM}, messages.MISSING_GRANT_TYPE),
    ({"data": {"grant_type": "client_credentials"}, "headers": basic()}, messages.UNSUPPORTED_GRANT_TYPE),
    ({"data": {"grant_type": "authorization_code", "code": "1.1.nope", "redirect_uri": REDIRECT},
      "headers": basic()}, messages.CODE_INVALID),
    ({"data": {"grant_type": "refresh_token", "refresh_token": "1:1:nope"}, "headers": basic()},
     messages.REFRESH_TOKEN_INVALID),
])
def test_token_request_errors_are_pipedrives_words_with_400(client: FlaskClient, kwargs: dict[str, Any],
                                                            message: str) -> None:
    assert _token_error(client, **kwargs) == (400, message)


@pytest.mark.parametrize(("redirect", "message"), [(None, messages.REDIRECT_URI_NOT_URI),
                                                   ("http://127.0.0.1:5000/elsewhere", messages.REDIRECT_URI_INVALID)])
def test_code_exchange_needs_the_consents_redirect_uri(client: FlaskClient, redirect: str | None,
                                                       message: str) -> None:
    code = consent(client)["code"][0]
    data = {"grant_type": "authorization_code", "code": code, **({"redirect_uri": redirect} if redirect else {})}
    assert _token_error(client, data=data, headers=basic()) == (400, message)


def test_code_is_single_use(client: FlaskClient) -> None:
    code = consent(client)["code"][0]
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    assert client.post("/oauth/token", data=data, headers=basic()).status_code == 200
    assert _token_error(client, data=data, headers=basic()) == (400, messages.CODE_INVALID)


def test_code_expires_after_five_minutes(client: FlaskClient, clock: Clock) -> None:
    code = consent(client)["code"][0]
    clock.advance(300)
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    assert _token_error(client, data=data, headers=basic()) == (400, messages.CODE_EXPIRED)


# -- bearer calls -------------------------------------------------------------------------------------
def test_access_token_expires_on_the_mock_clock_and_refresh_renews(client: FlaskClient, clock: Clock) -> None:
    answer = tokens(client)
    path = "/api/v2/activities?limit=1"
    clock.advance(ACCESS_TOKEN_LIFETIME_SECONDS - 1)
    assert client.get(path, headers=bearer(answer["access_token"])).status_code == 200
    clock.advance(1)
    expired = client.get(path, headers=bearer(answer["access_token"]))
    assert (expired.status_code, expired.json["error"]) == (401, messages.TOKEN_EXPIRED)
    renewed = client.post("/oauth/token", headers=basic(),
                          data={"grant_type": "refresh_token", "refresh_token": answer["refresh_token"]})
    assert renewed.status_code == 200 and renewed.json["refresh_token"] != answer["refresh_token"]
    assert client.get(path, headers=bearer(renewed.json["access_token"])).status_code == 200
    again = client.post("/oauth/token", headers=basic(),
                        data={"grant_type": "refresh_token", "refresh_token": answer["refresh_token"]})
    assert (again.status_code, again.json["error"]) == (400, messages.REFRESH_TOKEN_INVALID)


def test_unknown_access_token_is_invalid_and_other_bearers_unauthorized(client: FlaskClient) -> None:
    made_up = client.get("/api/v2/activities", headers=bearer("1:1:" + "a" * 40))
    assert (made_up.status_code, made_up.json["error"]) == (401, messages.TOKEN_INVALID)
    other = client.get("/api/v2/activities", headers=bearer("not-a-token"))
    assert (other.status_code, other.json["error"]) == (401, "unauthorized access")


def test_api_tokens_work_as_before_however_sent(client: FlaskClient) -> None:
    for headers, query in (({"x-api-token": ADMIN_TOKEN}, ""), (bearer(ADMIN_TOKEN), ""), ({}, f"&api_token={ADMIN_TOKEN}")):
        assert client.get(f"/api/v2/activities?limit=1{query}", headers=headers).status_code == 200


def test_oauth_calls_get_the_oauth_burst_limit(client: FlaskClient) -> None:
    client.post("/_mock/rate-limit", json={"plan": "lite"})
    oauth = client.get("/api/v2/activities?limit=1", headers=bearer(tokens(client)["access_token"]))
    api = client.get("/api/v2/activities?limit=1", headers={"x-api-token": ADMIN_TOKEN})
    assert (oauth.headers["x-ratelimit-limit"], api.headers["x-ratelimit-limit"]) == ("80", "20")
