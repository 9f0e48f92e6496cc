"""Webhooks end to end over real HTTP: subscribe through /v1/webhooks, change activities through the API
(and the plugin's store), and see what the receiver gets, with the lifecycle driven through the control API."""
from __future__ import annotations

from typing import Any

import pytest
import requests

from pipedrive_mock.fixtures import PipedriveMock
from pipedrive_mock.resources.webhooks import payload_errors
from pipedrive_mock.resources.webhooks.subscriptions import MAX_PER_USER

ADMIN = {"x-api-token": "admin-token"}
START = "2030-01-01T00:00:00Z"


def _api(mock: PipedriveMock, method: str, path: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, mock.url + path, headers=ADMIN, timeout=10, **kwargs)


def _subscribe(mock: PipedriveMock, prefix: str = "/v1", **fields: Any) -> dict[str, Any]:
    body = {"subscription_url": mock.webhooks.url, "event_action": "*", "event_object": "activity",
            "name": "e2e", **fields}
    response = _api(mock, "POST", f"{prefix}/webhooks", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "ok"
    return response.json()["data"]


def _advance(mock: PipedriveMock, seconds: float) -> None:
    response = requests.post(mock.url + "/_mock/clock", json={"advance": seconds}, timeout=10)
    assert response.status_code == 200, response.text


def _deliveries(mock: PipedriveMock) -> list[dict[str, Any]]:
    return requests.get(mock.url + "/_mock/webhooks/deliveries", timeout=10).json()["deliveries"]


@pytest.fixture
def frozen(pipedrive_mock: PipedriveMock) -> PipedriveMock:
    requests.post(pipedrive_mock.url + "/_mock/clock", json={"now": START}, timeout=10).raise_for_status()
    return pipedrive_mock


def test_api_changes_reach_the_receiver_in_order_and_match_the_schema(frozen: PipedriveMock) -> None:
    webhook = _subscribe(frozen, "/api/v1")
    added = _api(frozen, "POST", "/api/v2/activities", json={"subject": "Call Ann", "type": "call"}).json()["data"]
    other = _api(frozen, "POST", "/api/v2/activities", json={"subject": "Second"}).json()["data"]
    _api(frozen, "PATCH", f"/api/v2/activities/{added['id']}", json={"subject": "Call Ann again", "busy": True})
    _api(frozen, "DELETE", f"/api/v2/activities/{added['id']}")
    _api(frozen, "DELETE", "/v1/activities", params={"ids": f"{other['id']},1,2"})
    received = frozen.webhooks.wait_for(count=7)
    for body in received:
        assert payload_errors(body) == [], body
        assert body["meta"]["change_source"] == "api"
        assert body["meta"]["webhook_id"] == str(webhook["id"]) and body["meta"]["attempt"] == 1
        assert body["meta"]["timestamp"].startswith("2030-01-01T00:00:00.")
    assert [(b["meta"]["action"], b["meta"]["entity_id"]) for b in received] == [
        ("create", str(added["id"])), ("create", str(other["id"])), ("change", str(added["id"])),
        ("delete", str(added["id"])), ("delete", str(other["id"])), ("delete", "1"), ("delete", "2")]
    change = received[2]
    assert change["previous"] == {"subject": "Call Ann", "busy_flag": False}
    assert change["data"]["subject"] == "Call Ann again" and change["data"]["busy_flag"] is True
    bulk = received[4:]
    assert all(b["meta"]["is_bulk_edit"] for b in bulk) and not any(b["meta"]["is_bulk_edit"] for b in received[:4])
    assert len({b["meta"]["correlation_id"] for b in bulk}) == 1
    assert received[3]["data"] is None and received[3]["previous"]["active_flag"] is True


def test_store_and_control_changes_are_delivered_as_app_changes(pipedrive_mock: PipedriveMock) -> None:
    pipedrive_mock.webhooks.subscribe(event_action="create")
    activity = pipedrive_mock.store.add_activity(subject="Arranged")
    pipedrive_mock.store.update_activity(activity.id, subject="not a create: not sent")
    body = pipedrive_mock.webhooks.wait_for(action="create")[0]
    assert body["meta"]["change_source"] == "app" and body["data"]["subject"] == "Arranged"
    pipedrive_mock.webhooks.settle()
    assert len(pipedrive_mock.webhooks.received) == 1


def test_v1_webhook_gets_the_v1_payload(pipedrive_mock: PipedriveMock) -> None:
    _subscribe(pipedrive_mock, version="1.0")
    _api(pipedrive_mock, "PATCH", "/api/v2/activities/3", json={"done": True})
    body = pipedrive_mock.webhooks.wait_for()[0]
    assert payload_errors(body, "1.0") == []
    assert body["meta"]["action"] == "updated" and body["current"]["done"] is True


def test_failing_receiver_sees_attempts_2_3_4_after_3_30_150_seconds(frozen: PipedriveMock) -> None:
    _subscribe(frozen)
    frozen.webhooks.fail_next(3)
    _api(frozen, "POST", "/api/v2/activities", json={"subject": "Retried"})
    hooks = frozen.webhooks
    assert [b["meta"]["attempt"] for b in hooks.wait_for(count=1, failed=True)] == [1]
    for seconds, attempts in ((3, [1, 2]), (30, [1, 2, 3]), (150, [1, 2, 3, 4])):
        _advance(frozen, seconds - 1)
        hooks.settle()
        assert len(hooks.deliveries) == len(attempts) - 1  # not before its time
        _advance(frozen, 1)
        assert [b["meta"]["attempt"] for b in hooks.wait_for(count=len(attempts), failed=True)] == attempts
    assert [d.status for d in hooks.deliveries] == [500, 500, 500, 200]
    assert all(payload_errors(d.payload) == [] for d in hooks.deliveries)
    assert len({d.payload["meta"]["id"] for d in hooks.deliveries}) == 1  # one event, four attempts
    log = _deliveries(frozen)
    assert [(e["attempt"], e["outcome"], e["status"]) for e in log] == [
        (1, "failed", 500), (2, "failed", 500), (3, "failed", 500), (4, "delivered", 200)]
    assert log[0]["next_attempt_at"] == "2030-01-01T00:00:03.000Z" and log[0]["payload"]["meta"]["attempt"] == 1


def test_ten_failed_first_attempts_ban_the_webhook_for_30_minutes(frozen: PipedriveMock) -> None:
    webhook = _subscribe(frozen)
    frozen.webhooks.fail_next(10)
    for n in range(10):
        _api(frozen, "POST", "/api/v2/activities", json={"subject": f"fails {n}"})
    frozen.webhooks.wait_for(count=10, failed=True)
    frozen.webhooks.settle()
    listed = _api(frozen, "GET", "/v1/webhooks").json()["data"]
    assert listed[0]["id"] == webhook["id"] and listed[0]["is_active"] == 0 and listed[0]["last_http_status"] == 500
    _api(frozen, "POST", "/api/v2/activities", json={"subject": "lost while banned"})
    _advance(frozen, 29 * 60)
    frozen.webhooks.settle()
    assert len(frozen.webhooks.deliveries) == 10  # neither the new event nor any retry went out
    dropped = [e for e in _deliveries(frozen) if e["outcome"] == "dropped"]
    assert any(e["entity_id"] and "banned" in e["error"] for e in dropped)
    _advance(frozen, 60)
    _api(frozen, "POST", "/api/v2/activities", json={"subject": "after the ban"})
    assert frozen.webhooks.wait_for()[0]["data"]["subject"] == "after the ban"


def test_three_days_without_success_delete_the_webhook(frozen: PipedriveMock) -> None:
    _subscribe(frozen, subscription_url="http://127.0.0.1:9/dead")  # nothing listens: refused at once
    _api(frozen, "POST", "/api/v2/activities", json={"subject": "never delivered"})
    for seconds in (3, 30, 150):
        frozen.webhooks.settle()
        _advance(frozen, seconds)
    frozen.webhooks.settle()
    assert len(_api(frozen, "GET", "/v1/webhooks").json()["data"]) == 1
    _advance(frozen, 3 * 24 * 3600)
    frozen.webhooks.settle()
    assert _api(frozen, "GET", "/v1/webhooks").json()["data"] == []
    log = _deliveries(frozen)
    assert [e["attempt"] for e in log if e["outcome"] == "failed"] == [1, 2, 3, 4]
    assert log[-1]["outcome"] == "deleted" and "3 days" in log[-1]["error"]


def test_flush_sends_a_waiting_retry_without_moving_the_clock(frozen: PipedriveMock) -> None:
    _subscribe(frozen)
    frozen.webhooks.fail_next(1)
    _api(frozen, "POST", "/api/v2/activities", json={"subject": "flushed"})
    frozen.webhooks.wait_for(failed=True)
    frozen.webhooks.settle()
    assert requests.post(frozen.url + "/_mock/webhooks/flush", json={}, timeout=10).json() == {"flushed": 1}
    assert frozen.webhooks.wait_for()[0]["meta"]["attempt"] == 2
    assert requests.delete(frozen.url + "/_mock/webhooks/deliveries", timeout=10).json() == {"cleared": 2}


def test_basic_auth_of_the_subscription_is_sent(pipedrive_mock: PipedriveMock) -> None:
    _subscribe(pipedrive_mock, http_auth_user="hook", http_auth_password="pa:ss")
    _api(pipedrive_mock, "DELETE", "/api/v2/activities/4")
    pipedrive_mock.webhooks.wait_for()
    assert pipedrive_mock.webhooks.deliveries[0].headers["authorization"] == "Basic aG9vazpwYTpzcw=="


def test_subscriptions_are_per_company_admin_only_and_limited(pipedrive_mock: PipedriveMock) -> None:
    other = pipedrive_mock.store.add_company()
    other_admin = next(u for u in other.users() if u.is_admin)
    _subscribe(pipedrive_mock)
    seen = requests.get(pipedrive_mock.url + "/v1/webhooks", headers={"x-api-token": other_admin.token}, timeout=10)
    assert seen.json()["data"] == []
    regular = requests.get(pipedrive_mock.url + "/v1/webhooks", headers={"x-api-token": "user-token"}, timeout=10)
    assert regular.status_code == 403
    for _ in range(MAX_PER_USER - 1):
        _subscribe(pipedrive_mock)
    refused = _api(pipedrive_mock, "POST", "/v1/webhooks", json={
        "subscription_url": pipedrive_mock.webhooks.url, "event_action": "*", "event_object": "*", "name": "41st"})
    assert refused.status_code == 400 and "maximum of 40" in refused.json()["errors"]["user_id"][0]


def test_subscription_to_an_outside_address_is_refused_in_the_webhooks_shape(pipedrive_mock: PipedriveMock) -> None:
    response = _api(pipedrive_mock, "POST", "/v1/webhooks", json={
        "subscription_url": "https://hooks.example.com/pipedrive", "event_action": "*", "event_object": "*",
        "name": "outside"})
    assert response.status_code == 400
    assert response.json()["status"] == "error" and response.json()["success"] is False
    assert "invalid or non-reachable URL" in response.json()["errors"]["subscription_url"][0]


def test_delete_subscription_stops_deliveries(pipedrive_mock: PipedriveMock) -> None:
    webhook = _subscribe(pipedrive_mock)
    assert _api(pipedrive_mock, "DELETE", f"/v1/webhooks/{webhook['id']}").json() == {"status": "ok", "success": True}
    assert _api(pipedrive_mock, "DELETE", f"/v1/webhooks/{webhook['id']}").status_code == 404
    _api(pipedrive_mock, "POST", "/api/v2/activities", json={"subject": "nobody hears"})
    pipedrive_mock.webhooks.settle()
    assert pipedrive_mock.webhooks.deliveries == []
