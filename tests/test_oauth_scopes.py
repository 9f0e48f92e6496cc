"""OAuth scopes over HTTP: every operation called with tokens of each scope set answers as its `security` in
openapi.yaml says (or 403 "Scope and URL mismatch", changing nothing), and what each scope allows."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from oauth_client import add_app, bearer, tokens
from operations import CONTRACT, arrange, operations, request_path, sample, success_status
from pipedrive_mock import Store
from pipedrive_mock.contract import Operation
from pipedrive_mock.resources.oauth import messages


def tokens_for_scopes(client: FlaskClient, scopes: list[str]) -> dict[str, Any]:
    app = add_app(client, scopes)
    return tokens(client, app["client_id"], app["client_secret"])


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
