"""No input reaches a 5xx: cursors and times, fuzzed, answer 2xx or a 4xx with Pipedrive's envelope.

Every cursor goes through pagination.decode_v2/decode_v1 and every time through mockserver.times;
these tests send them anything (any text, any base64 of any JSON, cursors of the right shape with
values of every JSON type, RFC 3339 texts at the edges of the calendar) where clients can put them.
"""
from __future__ import annotations

import base64
import json
from typing import Any

import orjson
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings, strategies as st

from envelope import assert_official_error
from pipedrive_mock import ADMIN_TOKEN, Store, create_app

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SORTS = ("id", "update_time", "add_time", "due_date")
DIRECTIONS = ("asc", "desc")
HEADERS = {"x-api-token": ADMIN_TOKEN}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12)
# RFC 3339 in shape, with years, offsets and fractions at and past the edges.
rfc3339_like = st.builds(
    lambda year, month, day, hour, minute, second, fraction, sep, zone: (
        f"{year:04d}-{month:02d}-{day:02d}{sep}{hour:02d}:{minute:02d}:{second:02d}{fraction}{zone}"),
    st.sampled_from([1, 2, 1969, 1970, 2025, 8999, 9000, 9999]), st.integers(0, 13), st.integers(0, 32),
    st.integers(0, 24), st.integers(0, 60), st.integers(0, 61),
    st.sampled_from(["", ".5", ".123456789123"]), st.sampled_from(["T", "t", " "]),
    st.sampled_from(["Z", "z", "+00:00", "-23:59", "+23:59", "+24:00", "-05:00", "+14:00", ""]))
any_time = st.text(max_size=40) | rfc3339_like


def _b64(value: Any, urlsafe: bool) -> str:
    raw = json.dumps(value).encode()  # the standard library's: integers of any size
    return (base64.urlsafe_b64encode(raw).rstrip(b"=") if urlsafe else base64.b64encode(raw)).decode()


@st.composite
def cursors(draw: st.DrawFn) -> str:
    """Any text, base64 of any JSON, or a cursor of the issued shape with a value of any type."""
    kind = draw(st.sampled_from(["text", "json", "shaped"]))
    if kind == "text":
        return draw(st.text(max_size=80))
    if kind == "json":
        return _b64(draw(json_values), draw(st.booleans()))
    value = draw(json_values | any_time | st.integers(-2**70, 2**70))
    payload = {"field": draw(st.sampled_from(SORTS)), "fieldValue": value,
               "sortDirection": draw(st.sampled_from(DIRECTIONS)),
               "id": draw(st.integers(-2, 2**40) | json_values)}
    if draw(st.booleans()):
        payload = {"next_id": draw(json_values | st.integers(-2**70, 2**70))}
    return _b64(payload, draw(st.booleans()))


@pytest.fixture(scope="module")
def app() -> Flask:
    app = create_app(Store.default(seed=1, activities=30))
    # Frozen: a snapshot taken before a refused restore and one after must not differ by a second that passed.
    app.extensions["pipedrive_mock"].clock.set(1748865600.0)
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def assert_answered(response: Any) -> None:
    """A 2xx, or a 4xx whose body is the official error envelope (the control API's own shape on /_mock/)."""
    assert response.status_code < 500, response.get_data(as_text=True)
    if response.status_code >= 400:
        body = response.get_json()
        if response.request.path.startswith("/_mock"):
            # The control API keeps its own documented shape (control-openapi.yaml).
            assert body["success"] is False and body["errorCode"] == response.status_code and body["error"]
        else:
            assert_official_error(body, response.status_code)


@FUZZ
@given(cursor=cursors(), sort_by=st.sampled_from(SORTS), direction=st.sampled_from(DIRECTIONS))
@example(cursor=_b64({"field": "update_time", "fieldValue": 5, "sortDirection": "asc", "id": 1}, True),
         sort_by="update_time", direction="asc")
@example(cursor=_b64({"field": "add_time", "fieldValue": None, "sortDirection": "desc", "id": 1}, True),
         sort_by="add_time", direction="desc")
@example(cursor=_b64({"field": "due_date", "fieldValue": [1], "sortDirection": "asc", "id": 1}, True),
         sort_by="due_date", direction="asc")
@example(cursor=_b64({"field": "id", "fieldValue": True, "sortDirection": "asc", "id": 1}, True),
         sort_by="id", direction="asc")
def test_v2_list_with_any_cursor_answers_without_5xx(client: FlaskClient, cursor: str, sort_by: str,
                                                     direction: str) -> None:
    response = client.get("/api/v2/activities", headers=HEADERS,
                          query_string={"cursor": cursor, "sort_by": sort_by, "sort_direction": direction})
    assert_answered(response)


@FUZZ
@given(cursor=cursors())
def test_v1_collection_with_any_cursor_answers_without_5xx(client: FlaskClient, cursor: str) -> None:
    assert_answered(client.get("/v1/activities/collection", headers=HEADERS, query_string={"cursor": cursor}))


@FUZZ
@given(value=any_time, name=st.sampled_from(["updated_since", "updated_until"]))
@example(value="9999-12-31T23:59:59-05:00", name="updated_since")
@example(value="0001-01-01T00:00:00+01:00", name="updated_until")
def test_v2_list_with_any_time_answers_without_5xx(client: FlaskClient, value: str, name: str) -> None:
    assert_answered(client.get("/api/v2/activities", headers=HEADERS, query_string={name: value}))


@FUZZ
@given(value=any_time, name=st.sampled_from(["since", "until"]))
def test_v1_collection_with_any_time_answers_without_5xx(client: FlaskClient, value: str, name: str) -> None:
    assert_answered(client.get("/v1/activities/collection", headers=HEADERS, query_string={name: value}))


@FUZZ
@given(body=st.fixed_dictionaries({"now": any_time}, optional={"advance": st.integers(-2**40, 2**40)}))
@example(body={"now": "9999-12-31T23:59:59-05:00"})
@example(body={"now": "0001-01-01T00:00:00+01:00"})
def test_clock_control_with_any_time_answers_without_5xx(client: FlaskClient, body: dict[str, Any]) -> None:
    assert_answered(client.post("/_mock/clock", json=body))
    client.post("/_mock/clock", json={"now": "2025-06-02T12:00:00Z"})


@pytest.fixture(scope="module")
def snapshot_document(app: Flask) -> dict[str, Any]:
    return orjson.loads(app.test_client().get("/_mock/snapshot").data)


@FUZZ
@given(value=any_time, where=st.sampled_from(["clock", "add_time", "update_time", "deleted_time",
                                               "marked_as_done_time"]))
@example(value="9999-12-31T23:59:59-05:00", where="clock")
@example(value="0001-01-01T00:00:00+01:00", where="add_time")
def test_snapshot_with_any_time_answers_without_5xx_and_changes_nothing_when_refused(
        client: FlaskClient, snapshot_document: dict[str, Any], value: str, where: str) -> None:
    document = orjson.loads(orjson.dumps(snapshot_document))
    if where == "clock":
        document["clock"] = {"now": value, "frozen": True}
    else:
        document["companies"][0]["activities"][0][where] = value
    before = client.get("/_mock/snapshot").data
    response = client.put("/_mock/snapshot", json=document)
    assert_answered(response)
    if response.status_code >= 400:
        assert client.get("/_mock/snapshot").data == before
    else:
        client.put("/_mock/snapshot", json=snapshot_document)
