"""The dispatcher (dispatch.py) answers every request as Flask's way through would, errors included."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, got_request_exception

from pipedrive_mock import ADMIN_TOKEN, USER_TOKEN, Clock, Store, create_app
from pipedrive_mock.asgi import _environ
from pipedrive_mock.dispatch import Dispatcher
from pipedrive_mock.resources.activities import listing
from pipedrive_mock.statefile import StateFile

ADMIN = {"x-api-token": ADMIN_TOKEN}
USER = {"x-api-token": USER_TOKEN}
JSON = {**ADMIN, "Content-Type": "application/json"}
NOW = datetime.fromisoformat("2025-06-02T12:00:00+00:00")
ADD = {"subject": "Call back", "type": "call", "due_date": "2025-06-10", "owner_id": 1}

# (method, path, headers, body): every kind of answer of the operations the dispatcher serves, and requests
# it leaves to Flask (HEAD, OPTIONS, routing's 404/405/redirects, forms, bodies over the limit, /_mock).
REQUESTS: list[tuple[str, str, dict[str, str], Any]] = [
    ("GET", "/api/v2/activities/3", ADMIN, None),
    ("GET", "/api/v2/activities/3?include_fields=attendees", ADMIN, None),
    ("GET", "/api/v2/activities/999", ADMIN, None),
    ("GET", "/api/v2/activities/abc", ADMIN, None),
    ("GET", "/api/v2/activities/3", {}, None),
    ("GET", "/api/v2/activities/3", {"x-api-token": "wrong"}, None),
    ("GET", "/api/v2/activities/3", {"Authorization": "Bearer nope"}, None),
    ("GET", f"/api/v2/activities/3?api_token={ADMIN_TOKEN}", {}, None),
    ("GET", "/api/v2/activities?limit=5", ADMIN, None),
    ("GET", "/api/v2/activities?limit=5&sort_by=update_time&sort_direction=desc&owner_id=1", ADMIN, None),
    ("GET", "/api/v2/activities?limit=lots", ADMIN, None),
    ("GET", "/api/v2/activities?limit=2&limit=3", ADMIN, None),
    ("GET", "/api/v2/activities?cursor=garbage", ADMIN, None),
    ("GET", "/api/v2/activities?limit=5&unknown=1", ADMIN, None),
    ("POST", "/api/v2/activities", JSON, ADD),
    ("POST", "/api/v2/activities", JSON, {**ADD, "colour": "red"}),
    ("POST", "/api/v2/activities", JSON, {**ADD, "owner_id": "one"}),
    ("POST", "/api/v2/activities", JSON, b"{not json"),
    ("POST", "/api/v2/activities", JSON, b""),
    ("POST", "/api/v2/activities", {**ADMIN, "Content-Type": "text/plain"}, b'{"subject": "x"}'),
    ("POST", "/api/v2/activities", {**ADMIN, "Content-Type": "application/x-www-form-urlencoded"}, b"subject=x"),
    ("POST", "/api/v2/activities", JSON, {"subject": "x" * (2 * 1024 * 1024)}),
    ("POST", "/api/v2/activities", {**JSON, "Origin": "http://evil.example"}, ADD),
    ("POST", "/api/v2/activities", {**JSON, "Host": "evil.example"}, ADD),
    ("POST", "/api/v2/activities", {**USER, "Content-Type": "application/json"}, ADD),
    ("PATCH", "/api/v2/activities/4", JSON, {"subject": "Moved", "done": True}),
    ("PATCH", "/api/v2/activities/4", JSON, {"done": "yes"}),
    ("PATCH", "/api/v2/activities/999", JSON, {"done": True}),
    ("DELETE", "/api/v2/activities/5", ADMIN, None),
    ("DELETE", "/api/v2/activities/5", ADMIN, None),
    ("GET", "/api/v2/activities/5", ADMIN, None),
    ("DELETE", "/api/v1/activities?ids=6,7", ADMIN, None),
    ("DELETE", "/v1/activities?ids=x", ADMIN, None),
    ("GET", "/v1/activities/collection?limit=3", ADMIN, None),
    ("GET", "/api/v1/activities/collection?limit=3", USER, None),
    ("GET", "/v1/activityTypes", ADMIN, None),
    ("POST", "/v1/activityTypes", JSON, {"name": "Demo", "icon_key": "call"}),
    ("POST", "/v1/activityTypes", {**USER, "Content-Type": "application/json"}, {"name": "Demo", "icon_key": "call"}),
    ("PUT", "/v1/activityTypes/1", JSON, {"name": "Calls"}),
    ("GET", "/v1/activityFields", ADMIN, None),
    ("GET", "/api/v2/activityFields?limit=2", ADMIN, None),
    ("GET", "/api/v2/activityFields/subject", ADMIN, None),
    ("GET", "/api/v2/activityFields/nothing", ADMIN, None),
    ("GET", "/v1/users/me", ADMIN, None),
    ("GET", "/v1/webhooks", ADMIN, None),
    ("HEAD", "/api/v2/activities/3", ADMIN, None),
    ("OPTIONS", "/api/v2/activities/3", ADMIN, None),
    ("PUT", "/api/v2/activities/3", JSON, {"done": True}),
    ("GET", "/api/v2/activities/", ADMIN, None),
    ("GET", "/api/v2/nothing", ADMIN, None),
    ("GET", "/openapi.yaml", {}, None),
    ("GET", "/_mock/requests?limit=2", {}, None),
]


def _pair(**options: Any) -> tuple[Flask, Flask]:
    """Two apps seeded and clocked alike: one with the dispatcher, one without (Flask for every request)."""
    # Each store seeded by a clock frozen first: seeded times count back from the clock's now, so two
    # stores seeded a second apart by flowing clocks would differ.
    apps = tuple(create_app(Store.default(activities=30, clock=_frozen()), **options.get(which, {}))
                 for which in ("first", "second"))
    apps[1].direct = False  # type: ignore[attr-defined]
    return apps  # type: ignore[return-value]


def _frozen() -> Clock:
    clock = Clock()
    clock.freeze(NOW)
    return clock


def _send(app: Flask, method: str, path: str, headers: dict[str, str], body: Any) -> tuple[int, list, bytes]:
    kwargs: dict[str, Any] = {"headers": headers}
    if isinstance(body, bytes):
        kwargs["data"] = body
    elif body is not None:
        kwargs["json"] = body
    response = app.test_client().open(path, method=method, **kwargs)
    return response.status_code, list(response.headers.items()), response.get_data()


def _same_answers(direct: Flask, flask_only: Flask, requests: list[tuple[str, str, dict[str, str], Any]]) -> None:
    for request in requests:
        assert _send(direct, *request) == _send(flask_only, *request), request
    entries = [[e.to_dict() for e in app.extensions["pipedrive_mock"].journal.entries()] for app in (direct, flask_only)]
    assert entries[0] == entries[1]


def test_dispatcher_answers_every_request_as_flask_does() -> None:
    _same_answers(*_pair(), REQUESTS)


@pytest.mark.parametrize("profile", ["current", "seed"])
def test_dispatcher_answers_api_profiles_as_flask_does(profile: str) -> None:
    apps = _pair()
    for app in apps:
        app.extensions["pipedrive_mock"].configure(api_profile=profile, unknown_fields="ignore")
    _same_answers(*apps, REQUESTS)


def test_dispatcher_answers_faults_and_rate_limits_as_flask_does() -> None:
    apps = _pair()
    for app in apps:
        state = app.extensions["pipedrive_mock"]
        state.faults.add(method="GET", path="/api/v2/activities/3", status=503, times=1)
        state.faults.add(method="POST", path="/api/v2/activities", latency_ms=1)
        state.rate_limit.configure(burst=3)
    _same_answers(*apps, REQUESTS[:8])


def test_dispatcher_saves_to_the_state_file_as_flask_does(tmp_path: Path) -> None:
    paths = tmp_path / "direct.json", tmp_path / "flask.json"
    apps = _pair(first={"state_file": StateFile(paths[0])}, second={"state_file": StateFile(paths[1])})
    _same_answers(*apps, REQUESTS)
    saved = [StateFile(path).read() for path in paths]
    assert saved[0] is not None and saved[0][0] == saved[1][0]  # type: ignore[index]


def test_dispatcher_answers_500_for_a_write_the_state_file_cannot_save(tmp_path: Path) -> None:
    broken = tmp_path / "missing" / "state.json"
    apps = _pair(first={"state_file": StateFile(broken)}, second={"state_file": StateFile(broken)})
    _same_answers(*apps, [("POST", "/api/v2/activities", JSON, ADD), ("GET", "/api/v2/activities/31", ADMIN, None)])


def _environ_of(method: str, path: str, body: bytes = b"") -> dict[str, Any]:
    path, _, query = path.partition("?")
    headers = [(b"host", b"127.0.0.1:8000"), (b"x-api-token", ADMIN_TOKEN.encode())]
    if body:
        headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    return _environ({"type": "http", "method": method, "path": path, "raw_path": path.encode(),
                     "query_string": query.encode(), "http_version": "1.1", "headers": headers}, body)


@pytest.mark.parametrize("method, path, served", [
    ("GET", "/api/v2/activities/3", True),
    ("POST", "/api/v2/activities", True),
    ("GET", "/v1/activityTypes", True),
    ("GET", "/v1/users/me", False),  # its view reads flask.request
    ("GET", "/v1/webhooks", False),  # its blueprint has an error handler of its own
    ("HEAD", "/api/v2/activities/3", False),
    ("GET", "/api/v2/activities/", False),
    ("GET", "/_mock/requests", False),
])
def test_dispatcher_serves_only_the_calls_it_can(method: str, path: str, served: bool) -> None:
    app = create_app(activities=5)
    body = b'{"subject": "x", "type": "call"}' if method == "POST" else b""
    statuses: list[str] = []
    answer = Dispatcher(app)(_environ_of(method, path, body), lambda status, headers: statuses.append(status))
    assert (answer is not None) is served
    assert statuses == (["200 OK"] if served else [])


def test_hook_added_to_the_app_sends_every_request_through_flask() -> None:
    app = create_app(activities=5)
    seen: list[str] = []
    app.before_request(lambda: seen.append("hook") and None)
    assert app.test_client().get("/api/v2/activities/1", headers=ADMIN).status_code == 200
    assert seen == ["hook"]


def test_route_added_after_a_dispatched_call_is_refused_as_flask_refuses_it() -> None:
    app = create_app(activities=5)
    assert app.test_client().get("/api/v2/activities/1", headers=ADMIN).status_code == 200
    with pytest.raises(AssertionError, match="already handled its first request"):
        app.add_url_rule("/late", "late", lambda: "late")


def test_json_response_is_werkzeugs_response_of_the_same_bytes() -> None:
    from flask import Response

    from pipedrive_mock.response import json_response

    for status in (200, 201, 400, 401, 404, 410, 413, 429, 500, 503, 599):
        made = json_response(b'{"a":1}', status, {"Retry-After": "1"})
        expected = Response(b'{"a":1}', status=status, mimetype="application/json")
        expected.headers.update({"Retry-After": "1"})
        assert (made.status, made.status_code, made.headers.to_wsgi_list(), made.get_data()) == \
            (expected.status, expected.status_code, expected.headers.to_wsgi_list(), expected.get_data())


def test_unexpected_error_of_a_dispatched_call_is_announced_with_its_request(monkeypatch: pytest.MonkeyPatch) -> None:
    from flask import request

    app = create_app(activities=5)
    seen: list[tuple[str, str, str]] = []

    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    def record(sender: object, exception: BaseException, **extra: object) -> None:
        seen.append((request.method, request.path, str(exception)))

    monkeypatch.setattr(listing, "list_v2", broken)
    with got_request_exception.connected_to(record, app):
        response = app.test_client().get("/api/v2/activities", headers=ADMIN)
    assert response.status_code == 500 and response.get_json()["error"] == "Internal server error"
    assert seen == [("GET", "/api/v2/activities", "boom")]
    assert app.extensions["pipedrive_mock"].journal.entries()[-1].status == 500
