from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
import requests  # noqa: F401 - see below
import yaml  # noqa: F401 - see below
from flask import Flask
from flask.testing import FlaskClient

from pipedrive_mock import ADMIN_TOKEN, USER_TOKEN, Clock, Store, create_app

# yaml is imported here, before any pytester run: the mock imports it lazily, and a module first imported inside
# an in-process pytester run is dropped from sys.modules after it; a second import of yaml then shares its C
# loader (an extension module, not imported again) with the first, whose node classes the second's
# constructors do not recognise ("could not determine a constructor for the tag None"). requests likewise
# (a second import's session merges cookies into the first's CookieJar class: "You can only merge into
# CookieJar"): schemathesis' pytest plugin, not loaded (setup.cfg), had imported it at every start.
FROZEN_NOW = "2025-06-02T12:00:00Z"


def pytest_collection_finish(session: pytest.Session) -> None:
    # What pytest, the libraries and the collected tests hold lasts the whole run: frozen out of the cyclic
    # collector's walks (as `mockserver serve` freezes its start-up heap), it is not walked again by every
    # full collection that hypothesis' and schemathesis' many allocations set off (each contract suite worker
    # spent 1.2-1.3 s of CPU in the collector, 0.5-0.75 s with the heap frozen; gc.callbacks, 2 workers).
    gc.freeze()


@pytest.fixture
def clock() -> Clock:
    clock = Clock()
    clock.set(datetime.fromisoformat(FROZEN_NOW))
    return clock


@pytest.fixture
def store(clock: Clock) -> Store:
    return Store.default(seed=1, activities=40, clock=clock)


@pytest.fixture
def app(store: Store) -> Flask:
    return create_app(store)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


Call = Callable[..., Any]


@pytest.fixture
def api(client: FlaskClient) -> Call:
    """Call the mock as the admin (or `token=`), returning the response."""
    def call(method: str, path: str, *, token: str | None = ADMIN_TOKEN, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", {}))
        if token is not None:
            headers.setdefault("x-api-token", token)
        return client.open(path, method=method, headers=headers, **kwargs)
    return call


@pytest.fixture
def user_token() -> str:
    return USER_TOKEN


def walk_pages(api: Call, path: str, query: str = "", limit: int = 7) -> list[dict[str, Any]]:
    """Every item of a cursor-paginated list, page by page."""
    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        suffix = f"&cursor={cursor}" if cursor else ""
        body = api("GET", f"{path}?limit={limit}&{query}{suffix}").get_json()
        seen += body["data"]
        cursor = body["additional_data"]["next_cursor"]
        if cursor is None:
            return seen
