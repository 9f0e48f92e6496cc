"""Every operation × every kind of credential → the documented status, and no write slips through."""
from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from pipedrive_mock import ADMIN_TOKEN, USER_TOKEN, create_app
from operations import (CONTRACT, arrange, documented_statuses, operations, request_path, sample,
                        success_status, writes)
from pipedrive_mock.contract import Operation
from store_fingerprint import company_fingerprint, fingerprint

COMPANY_1_ACTIVITIES = 30
COMPANY_2_ACTIVITIES = 5
ONLY_IN_COMPANY_1 = 20  # an id company 2 does not have
IN_BOTH = 3  # company 2 has its own activity with this id
OTHER_ADMIN = "company-2-admin-token"
OTHER_USER = "company-2-user-token"
UNAUTHORIZED = {"success": False, "error": "unauthorized access", "errorCode": 401}
FORBIDDEN = "You do not have permissions to do this."


OPERATIONS = operations()
BY_NAME = {name: CONTRACT.by_id[operation_id] for name, operation_id in {
    "list": "getActivities", "collection": "getActivitiesCollection", "get": "getActivity",
    "add": "addActivity", "update": "updateActivity", "bulk_delete": "deleteActivities",
    "delete": "deleteActivity"}.items()}
REFUSED_TOKENS = {"no token": None, "empty token": "", "wrong token": "not-a-token",
                  "token of another case": ADMIN_TOKEN.upper()}


@pytest.fixture
def app() -> Flask:
    app = create_app(seed=5, activities=COMPANY_1_ACTIVITIES)
    app.extensions["pipedrive_mock"].store.create_company(seed=6, activities=COMPANY_2_ACTIVITIES)
    return app


def _companies(app: Flask):  # type: ignore[no-untyped-def]
    store = app.extensions["pipedrive_mock"].store
    return store.company(1), store.company(2)


def _call(client: FlaskClient, op: Operation, activity_id: int, token: str | None,
          via: str = "header", query: str | None = None) -> TestResponse:
    headers: dict[str, str] = {}
    path = request_path(op, activity_id, query)
    if token is not None and via == "header":
        headers["x-api-token"] = token
    elif token is not None and via == "bearer":
        headers["Authorization"] = f"Bearer {token}"
    elif token is not None and via == "query":
        path += ("&" if "?" in path else "?") + f"api_token={token}"
    return client.open(path, method=op.method, headers=headers, json=sample(op).body)


@pytest.mark.parametrize("via", ["header", "bearer", "query"])
@pytest.mark.parametrize("credential", list(REFUSED_TOKENS))
@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.operation_id)
def test_operation_without_valid_token_returns_401_and_changes_nothing(
        app: Flask, op: Operation, credential: str, via: str) -> None:
    store = app.extensions["pipedrive_mock"].store
    before = fingerprint(store)
    response = _call(app.test_client(), op, IN_BOTH, REFUSED_TOKENS[credential], via)
    assert response.status_code == 401
    assert response.get_json() == UNAUTHORIZED
    assert fingerprint(store) == before


@pytest.mark.parametrize("via", ["header", "bearer", "query"])
@pytest.mark.parametrize("token", [ADMIN_TOKEN, USER_TOKEN], ids=["admin", "regular user"])
@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.operation_id)
def test_operation_with_own_company_token_acts_on_own_company_only(
        app: Flask, op: Operation, token: str, via: str) -> None:
    arrange(op, app)
    company_1, company_2 = _companies(app)
    before_1, before_2 = company_fingerprint(company_1), company_fingerprint(company_2)
    response = _call(app.test_client(), op, ONLY_IN_COMPANY_1, token, via)
    if "403" in documented_statuses(op) and token == USER_TOKEN:  # the operations of global admins only
        assert response.status_code == 403
        assert response.get_json()["error"] == FORBIDDEN
        assert company_fingerprint(company_1) == before_1
    else:
        assert response.status_code == success_status(op), response.get_json()
        assert (company_fingerprint(company_1) != before_1) is writes(op)
    assert company_fingerprint(company_2) == before_2


@pytest.mark.parametrize("token", [OTHER_ADMIN, OTHER_USER], ids=["other admin", "other user"])
@pytest.mark.parametrize("op_name", ["get", "update", "delete"])
def test_single_activity_call_from_another_company_on_foreign_id_returns_404(
        app: Flask, op_name: str, token: str) -> None:
    store = app.extensions["pipedrive_mock"].store
    before = fingerprint(store)
    response = _call(app.test_client(), BY_NAME[op_name], ONLY_IN_COMPANY_1, token)
    assert response.status_code == 404
    assert response.get_json()["error"] == "Entity was not found"
    assert fingerprint(store) == before


@pytest.mark.parametrize("token", [OTHER_ADMIN, OTHER_USER], ids=["other admin", "other user"])
@pytest.mark.parametrize("op_name", ["get", "update", "delete", "bulk_delete"])
def test_call_from_another_company_on_shared_id_touches_its_own_record_only(
        app: Flask, op_name: str, token: str) -> None:
    company_1, company_2 = _companies(app)
    before_1 = company_fingerprint(company_1)
    own = company_2.get(IN_BOTH)
    response = _call(app.test_client(), BY_NAME[op_name], IN_BOTH, token)
    assert response.status_code == 200
    data = response.get_json()["data"]
    if op_name == "bulk_delete":
        assert data == {"id": [IN_BOTH]}
    elif op_name == "delete":
        assert data == {"id": IN_BOTH}
    else:
        assert data["id"] == IN_BOTH and data["add_time"] == own.add_time.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert company_fingerprint(company_1) == before_1
    assert (company_2.get(IN_BOTH) is not own) is writes(BY_NAME[op_name])


def test_bulk_delete_from_another_company_of_foreign_ids_deletes_nothing(app: Flask) -> None:
    store = app.extensions["pipedrive_mock"].store
    before = fingerprint(store)
    response = _call(app.test_client(), BY_NAME["bulk_delete"], 0, OTHER_ADMIN,
                     query=f"ids={ONLY_IN_COMPANY_1},{ONLY_IN_COMPANY_1 + 1}")
    assert response.status_code == 200
    assert response.get_json()["data"] == {"id": []}
    assert fingerprint(store) == before


@pytest.mark.parametrize("op_name", ["list", "collection"])
def test_listing_from_another_company_shows_only_its_own_activities(app: Flask, op_name: str) -> None:
    response = _call(app.test_client(), BY_NAME[op_name], 0, OTHER_ADMIN)
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert [a["id"] for a in data] == list(range(1, COMPANY_2_ACTIVITIES + 1))
    if op_name == "collection":
        assert {a["company_id"] for a in data} == {2}
    else:
        _, company_2 = _companies(app)
        assert [a["subject"] for a in data] == [company_2.get(a["id"]).subject for a in data]


def test_collection_for_regular_user_of_another_company_returns_403(app: Flask) -> None:
    response = _call(app.test_client(), BY_NAME["collection"], 0, OTHER_USER)
    assert response.status_code == 403


def test_add_from_another_company_writes_to_that_company_only(app: Flask) -> None:
    company_1, company_2 = _companies(app)
    before_1 = company_fingerprint(company_1)
    response = _call(app.test_client(), BY_NAME["add"], 0, OTHER_USER)
    assert response.status_code == 200
    added = response.get_json()["data"]
    assert added["id"] == COMPANY_2_ACTIVITIES + 1
    assert company_2.get(added["id"]).subject == sample(BY_NAME["add"]).body["subject"]  # type: ignore[index]
    assert company_fingerprint(company_1) == before_1


@pytest.mark.parametrize("token, status", [(None, 401), ("", 401), ("nope", 401), (ADMIN_TOKEN, 200)])
def test_head_request_is_authenticated_like_get(app: Flask, token: str | None, status: int) -> None:
    headers = {"x-api-token": token} if token is not None else {}
    assert app.test_client().head("/api/v2/activities/1", headers=headers).status_code == status
