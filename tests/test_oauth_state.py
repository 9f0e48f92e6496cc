"""OAuth in the mock's state: codes and tokens masked in the journal, kept by snapshots and the state file,
apps added per company (gone after its reset), and the control API refusing a bad app."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from oauth_client import REDIRECT, add_app, basic, bearer, consent, tokens
from pipedrive_mock import Clock, Store, create_app
from pipedrive_mock.constants import OAUTH_CLIENT_ID
from pipedrive_mock.statefile import StateFile


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
