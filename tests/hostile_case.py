"""A hostile request (`Case`), the app the hostile input tests send it to, and what its answer must be: a 4xx
Pipedrive-shaped JSON error naming the problem, with nothing changed."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from pipedrive_mock import ADMIN_TOKEN, create_app
from envelope import assert_official_error
from operations import CONTRACT
from store_fingerprint import fingerprint

JSON = "application/json"
SEEDED = 30


@dataclass(frozen=True)
class Case:
    """One hostile request: `target` is the path after the operation's path (an id, a query string)."""
    name: str
    operation: str
    target: str
    body: bytes | None
    status: int
    fragment: str
    content_type: str | None = JSON
    url: str = ""  # the whole path and query, for a case made from the contract (`target` is then unused)

    @property
    def method(self) -> str:
        return CONTRACT.by_id[self.operation].method

    @property
    def path(self) -> str:
        if self.url:
            return self.url
        base = CONTRACT.by_id[self.operation].path
        return re.sub(r"\{\w+\}", self.target, base) if "{" in base else base + self.target


def case_id(case: Case) -> str:
    return f"{case.operation}: {case.name}"


@pytest.fixture(scope="module")
def app() -> Flask:
    """Company 1 and a second tenant, so a stray write anywhere shows in the fingerprint."""
    app = create_app(seed=3, activities=SEEDED)
    app.extensions["pipedrive_mock"].store.create_company(seed=4, activities=10)
    return app


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    yield app.test_client()


def _send(client: FlaskClient, case: Case):  # type: ignore[no-untyped-def]
    headers = {"x-api-token": ADMIN_TOKEN}
    if case.content_type is not None:
        headers["Content-Type"] = case.content_type
    return client.open(case.path, method=case.method, headers=headers, data=case.body or b"")


def assert_refused_and_unchanged(app: Flask, client: FlaskClient, case: Case) -> None:
    """The case's status, a JSON error in the API's shape that names the problem, and the store as it was."""
    store = app.extensions["pipedrive_mock"].store
    before = fingerprint(store)
    response = _send(client, case)
    assert response.status_code == case.status, response.get_data()[:300]
    assert response.mimetype == JSON
    body = response.get_json()
    assert body["success"] is False
    if "errors" in body:  # the webhooks API's own shape
        assert body["status"] == "error"
        text = " ".join(f"{field}: {message}" for field, messages in body["errors"].items() for message in messages)
    else:
        assert_official_error(body, case.status)
        text = body["error"]
    assert case.fragment in text
    assert "Traceback" not in text and len(text) < 1000
    assert fingerprint(store) == before
