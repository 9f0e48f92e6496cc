"""The app the control API's tests drive (five activities, its clock frozen at START) and their calls to it."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from pipedrive_mock import ADMIN_TOKEN, create_app

START = "2030-01-01T00:00:00Z"


@pytest.fixture
def app() -> Flask:
    app = create_app(activities=5)
    app.extensions["pipedrive_mock"].clock.set(1893456000.0)  # START, so seeded data is the same every run
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def api(client: FlaskClient, method: str, path: str, token: str = ADMIN_TOKEN, **kwargs: Any) -> Any:
    return client.open(path, method=method, headers={"x-api-token": token}, **kwargs)


def add_activity(client: FlaskClient, token: str = ADMIN_TOKEN, subject: str = "Call Ann") -> Any:
    return api(client, "POST", "/api/v2/activities", token, json={"subject": subject})
