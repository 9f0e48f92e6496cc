"""The `pipedrive_mock` handle's helpers and its thread server, used directly as a test would."""
from __future__ import annotations

import socket

import pytest
import requests
from flask import Flask

from pipedrive_mock.fixtures import LiveServer, PipedriveMock
from pipedrive_mock.errors import BadRequest


def _get(mock: PipedriveMock, path: str, token: str | None = None, **params: object) -> requests.Response:
    return requests.get(mock.v2_url + path, params=params, headers={"x-api-token": token or mock.admin_token})


def test_store_add_activity_is_served_and_journaled(pipedrive_mock: PipedriveMock) -> None:
    added = pipedrive_mock.store.add_activity(subject="Arranged", type="meeting", as_user=2)
    body = _get(pipedrive_mock, f"/activities/{added.id}").json()["data"]
    assert (body["subject"], body["type"], body["owner_id"], body["creator_user_id"]) == ("Arranged", "meeting", 2, 2)
    assert [(e.method, e.path, e.status) for e in pipedrive_mock.requests] == \
        [("GET", f"/api/v2/activities/{added.id}", 200)]


@pytest.mark.parametrize("fields, error, message", [
    ({"colour": "red"}, TypeError, "unknown activity field(s) 'colour'"),
    ({"type": "nap"}, BadRequest, "'nap' is not an active activity type"),
])
def test_store_add_activity_with_bad_field_raises(pipedrive_mock: PipedriveMock, fields: dict[str, str],
                                                  error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        pipedrive_mock.store.add_activity(**fields)


def test_store_update_and_delete_are_read_back(pipedrive_mock: PipedriveMock) -> None:
    store = pipedrive_mock.store
    store.update_activity(1, subject="Renamed")
    store.delete_activity(2)
    assert store.activity(1).subject == "Renamed"
    assert 2 not in [a.id for a in store.activities()]
    assert 2 in [a.id for a in store.activities(include_deleted=True)]


def test_store_add_activity_type_and_filter_are_usable_over_http(pipedrive_mock: PipedriveMock) -> None:
    store = pipedrive_mock.store
    store.add_activity_type("site_visit", active=True)
    visit = store.add_activity(subject="Visit", type="site_visit")
    saved = store.add_filter("Site visits", [("type", "eq", "site_visit")])
    found = _get(pipedrive_mock, "/activities", filter_id=saved.id).json()["data"]
    assert [a["id"] for a in found] == [visit.id]


def test_store_add_company_is_a_separate_tenant(pipedrive_mock: PipedriveMock) -> None:
    other = pipedrive_mock.store.add_company(activities=2)
    token = other.users()[0].token
    assert [a["id"] for a in _get(pipedrive_mock, "/activities", token).json()["data"]] == [1, 2]
    assert other.activities()[0].company_id == other.company_id != 1


def test_requests_filter_last_violations_and_clear(pipedrive_mock: PipedriveMock) -> None:
    _get(pipedrive_mock, "/activities/1")
    _get(pipedrive_mock, "/activities", limit="many")
    requests_ = pipedrive_mock.requests
    assert len(requests_) == 2 and requests_.last.query == {"limit": "many"}
    assert [e.path for e in requests_.filter("GET", "/api/v2/activities/1")] == ["/api/v2/activities/1"]
    assert requests_.violations == \
        ["GET /api/v2/activities: Invalid value for parameter 'limit': 'many' is not an integer"]
    pipedrive_mock.requests.clear()  # the bad request was on purpose: the test must not fail for it
    assert len(pipedrive_mock.requests) == 0


def _refused(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_live_server_stop_with_idle_keep_alive_connection_closes_port() -> None:
    app = Flask("bare")
    app.get("/")(lambda: "ok")
    server = LiveServer(app)
    with requests.Session() as client:
        server.start()
        assert server.url.startswith("http://127.0.0.1:") and client.get(server.url + "/").text == "ok"
        thread, port = server._thread, server.port
        server.stop()
    assert thread is not None and not thread.is_alive()
    assert _refused(port) and not server.running
    server.stop()  # a second stop does nothing
