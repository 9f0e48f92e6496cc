"""OAuth over HTTP as an app sees it: consent, token requests, bearer calls, expiry, scopes, journal, state."""
from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from operations import CONTRACT, arrange, operations, request_path, sample, success_status
from pipedrive_mock import ADMIN_TOKEN, Clock, Store, create_app
from pipedrive_mock.constants import ACCESS_TOKEN_LIFETIME_SECONDS, OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET
from pipedrive_mock.contract import Operation
from pipedrive_mock.resources.oauth import messages
from pipedrive_mock.statefile import StateFile

REDIRECT = "http://127.0.0.1:5000/callback"
FORM = "application/x-www-form-urlencoded"


def basic(client_id: str = OAUTH_CLIENT_ID, secret: str = OAUTH_CLIENT_SECRET) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def consent(client: FlaskClient, client_id: str = OAUTH_CLIENT_ID, redirect: str = REDIRECT,
            **query: Any) -> dict[str, list[str]]:
    """The query the consent redirects back with."""
    response = client.get("/oauth/authorize", query_string={"client_id": client_id, "redirect_uri": redirect, **query})
    assert response.status_code == 302, response.json
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == redirect.split("?")[0]
    return parse_qs(location.query)


def tokens(client: FlaskClient, client_id: str = OAUTH_CLIENT_ID, secret: str = OAUTH_CLIENT_SECRET,
           redirect: str = REDIRECT, **query: Any) -> dict[str, Any]:
    code = consent(client, client_id, redirect, **query)["code"][0]
    response = client.post("/oauth/token", headers=basic(client_id, secret),
                           data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect})
    assert response.status_code == 200, response.json
    return response.json  # type: ignore[no-any-return]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def add_app(client: FlaskClient, scopes: list[str], **more: Any) -> dict[str, Any]:
    response = client.post("/_mock/oauth/apps", json={"name": "Test app", "scopes": scopes, **more})
    assert response.status_code == 201, response.json
    return response.json  # type: ignore[no-any-return]


def tokens_for_scopes(client: FlaskClient, scopes: list[str]) -> dict[str, Any]:
    app = add_app(client, scopes)
    return tokens(client, app["client_id"], app["client_secret"])


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


# -- the scope matrix, from the operations' `security` in openapi.yaml -------------------------------
SCOPE_SETS = {"read": ["activities:read"], "full": ["activities:full"], "base only": [], "admin": ["admin"],
              "users": ["users:read"]}


def _allowed(operation: Operation, scopes: list[str]) -> bool:
    granted = {*scopes, "base"}
    return any(needed <= granted for needed in operation.scopes("oauth2"))


@pytest.mark.parametrize("op", operations(), ids=lambda op: op.operation_id)
@pytest.mark.parametrize("scopes", list(SCOPE_SETS))
def test_scope_matrix_every_operation(client: FlaskClient, app: Flask, store: Store, op: Operation,
                                      scopes: str) -> None:
    token = tokens_for_scopes(client, SCOPE_SETS[scopes])["access_token"]
    arrange(op, app)
    activity_id = max(store.company(1).activities)
    response = client.open(request_path(op, activity_id), method=op.method, headers=bearer(token),
                           json=sample(op).body)
    if _allowed(op, SCOPE_SETS[scopes]):
        assert response.status_code == success_status(op), response.json
    else:
        assert (response.status_code, response.json["error"]) == (403, messages.SCOPE_MISMATCH)


@pytest.mark.parametrize(("operation_id", "read_allowed"), [
    ("getActivities", True), ("getActivity", True), ("getActivitiesCollection", True),
    ("addActivity", False), ("updateActivity", False), ("deleteActivity", False), ("deleteActivities", False),
])
def test_activities_read_may_list_and_get_not_write(operation_id: str, read_allowed: bool) -> None:
    op = CONTRACT.by_id[operation_id]
    assert _allowed(op, ["activities:read"]) is read_allowed
    assert _allowed(op, ["activities:full"]) and not _allowed(op, []) and not _allowed(op, ["admin"])


@pytest.mark.parametrize("operation_id", ["getWebhooks", "addWebhook", "deleteWebhook"])
def test_webhooks_need_admin(operation_id: str) -> None:
    op = CONTRACT.by_id[operation_id]
    assert _allowed(op, ["admin"]) and not _allowed(op, ["activities:full", "users:read"])


def test_every_api_operation_declares_its_oauth_scopes() -> None:
    """An operation without `oauth2` in its security would refuse every OAuth token: state its scopes."""
    assert [op.operation_id for op in operations() if not op.scopes("oauth2")] == []


def test_scope_refusal_changes_nothing(client: FlaskClient, store: Store) -> None:
    token = tokens_for_scopes(client, ["activities:read"])["access_token"]
    before = dict(store.company(1).activities)
    response = client.post("/api/v2/activities", json={"subject": "Not allowed"}, headers=bearer(token))
    assert response.status_code == 403 and store.company(1).activities == before


# -- journal, snapshot, state file, reset ----------------------------------------------------------------
def test_journal_masks_codes_and_tokens(client: FlaskClient) -> None:
    answer = tokens(client)
    client.post("/oauth/token", headers=basic(), data={"grant_type": "refresh_token",
                                                      "refresh_token": answer["refresh_token"]})
    client.get("/api/v2/activities?limit=1", headers=bearer(answer["access_token"]))
    entries = client.get("/_mock/requests").json["requests"]
    text = str(entries)
    assert answer["access_token"] not in text and answer["refresh_token"] not in text
    assert answer["access_token"][20:] not in text
    token_calls = [e for e in entries if e["path"] == "/oauth/token"]
    assert token_calls[-1]["body"] == {"grant_type": "refresh_token", "refresh_token": "1:1***"}
    assert token_calls[0]["body"]["code"] == "1.1***" and token_calls[0]["operation"] == "token"
    assert all(e["violations"] == [] for e in entries)


def test_snapshot_keeps_apps_and_tokens(client: FlaskClient) -> None:
    app = add_app(client, ["activities:read"])
    answer = tokens(client, app["client_id"], app["client_secret"])
    snapshot = client.get("/_mock/snapshot").json
    client.post("/_mock/reset", json={})
    assert client.get("/api/v2/activities", headers=bearer(answer["access_token"])).status_code == 401
    assert client.put("/_mock/snapshot", json=snapshot).status_code == 200
    assert client.get("/api/v2/activities", headers=bearer(answer["access_token"])).status_code == 200
    assert any(a["client_id"] == app["client_id"] for a in client.get("/_mock/oauth/apps").json["apps"])


def test_state_file_keeps_codes_and_tokens_across_a_restart(tmp_path: Any, clock: Clock) -> None:
    path = tmp_path / "state.json"
    first = create_app(Store.default(activities=3, clock=clock), state_file=StateFile(path)).test_client()
    code = consent(first)["code"][0]
    answer = tokens(first)
    restarted_store = Store.default(activities=3, clock=clock)
    StateFile(path).load(restarted_store)
    second = create_app(restarted_store).test_client()
    assert second.get("/api/v2/activities", headers=bearer(answer["access_token"])).status_code == 200
    exchanged = second.post("/oauth/token", headers=basic(),
                            data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT})
    assert exchanged.status_code == 200


def test_added_app_is_per_company_and_gone_after_reset(client: FlaskClient, app: Flask) -> None:
    store = app.extensions["pipedrive_mock"].store
    second = store.create_company(seed=2, activities=2)
    added = add_app(client, ["activities:read"], company_id=second.id)
    answer = tokens(client, added["client_id"], added["client_secret"])
    assert answer["access_token"].startswith(f"{second.id}:")
    store.company(second.id).oauth.reset()
    assert client.get("/oauth/authorize", query_string={"client_id": added["client_id"],
                                                        "redirect_uri": REDIRECT}).status_code == 400


def test_add_app_with_a_taken_client_id_is_a_400(client: FlaskClient) -> None:
    response = client.post("/_mock/oauth/apps", json={"name": "Again", "client_id": OAUTH_CLIENT_ID})
    assert response.status_code == 400 and "already exists" in response.json["error"]


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "x", "scopes": ["no such scope!"]},
                                  {"name": "x", "redirect_uris": ["javascript:alert(1)"]}, {"name": "x", "extra": 1}])
def test_add_app_with_bad_input_is_a_400(client: FlaskClient, body: dict[str, Any]) -> None:
    before = client.get("/_mock/oauth/apps").json
    assert client.post("/_mock/oauth/apps", json=body).status_code == 400
    assert client.get("/_mock/oauth/apps").json == before
