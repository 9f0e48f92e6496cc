"""The delivery engine against a local receiver: payloads, order, the retry lifecycle on the mock clock."""
from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson
import pytest

from pipedrive_mock.errors import FieldErrors
from pipedrive_mock.fixtures.receiver import Receiver
from pipedrive_mock.model import User
from pipedrive_mock.store import Store
from pipedrive_mock.resources.webhooks import ActivityEvents, Deliveries, StoreRegistry, Targets, payload_errors
from pipedrive_mock.resources.webhooks import delivery
from pipedrive_mock.resources.webhooks.subscriptions import subscribe

START = 1_750_000_000.0


@dataclass
class Rig:
    store: Store
    deliveries: Deliveries
    receiver: Receiver
    admin: User

    @property
    def company(self) -> Any:
        return self.store.company(1)

    def subscribe(self, **fields: Any) -> Any:
        body = {"subscription_url": self.receiver.url, "event_action": "*", "event_object": "*", "name": "test",
                **fields}
        return subscribe(self.company, self.admin, body, self.store.clock.time(), self.deliveries.targets)

    def add(self, **fields: Any) -> Any:
        return self.company.add(self.admin, {"subject": "Call", "type": "call", **fields}, self.store.clock.now())

    def settle(self) -> None:
        assert self.deliveries.wait_idle(5), "deliveries did not settle"

    def log(self, outcome: str | None = None) -> list[Any]:
        return [e for e in self.deliveries.log.entries() if outcome is None or e.outcome == outcome]


@pytest.fixture
def rig() -> Iterator[Rig]:
    store = Store.default(activities=0)
    store.clock.freeze(START)
    deliveries = Deliveries(store.clock, StoreRegistry(store), timeout=2)
    store.listen(ActivityEvents(store.clock, deliveries))
    admin = next(u for u in store.company(1).users.values() if u.is_admin)
    with Receiver() as receiver:
        yield Rig(store, deliveries, receiver, admin)
        deliveries.stop()


def test_delivery_of_add_update_delete_matches_schema_and_facts(rig: Rig) -> None:
    webhook = rig.subscribe()
    activity = rig.add(due_time="10:30")
    rig.company.update(rig.admin, activity.id, {"subject": "Renamed", "done": True}, rig.store.clock.now())
    rig.company.delete(rig.admin, activity.id, rig.store.clock.now())
    created, changed, deleted = rig.receiver.wait_for(count=3)
    for body in (created, changed, deleted):
        assert payload_errors(body) == []
        meta = body["meta"]
        assert (meta["entity"], meta["entity_id"], meta["webhook_id"]) == ("activity", str(activity.id), str(webhook.id))
        assert (meta["company_id"], meta["user_id"], meta["attempt"]) == ("1", str(rig.admin.id), 1)
        assert meta["change_source"] == "app" and meta["is_bulk_edit"] is False
    assert [b["meta"]["action"] for b in (created, changed, deleted)] == ["create", "change", "delete"]
    assert created["previous"] is None and created["data"]["due_time"] == {"timezone_id": "UTC", "value": "10:30"}
    assert set(changed["previous"]) == {"subject", "done"}
    assert changed["previous"]["subject"] == "Call" and changed["data"]["subject"] == "Renamed"
    assert deleted["data"] is None and deleted["previous"]["subject"] == "Renamed"
    assert len({b["meta"]["id"] for b in (created, changed, deleted)}) == 3


def test_delivery_of_v1_webhook_matches_v1_schema(rig: Rig) -> None:
    rig.subscribe(version="1.0")
    activity = rig.add()
    rig.company.update(rig.admin, activity.id, {"subject": "Renamed"}, rig.store.clock.now())
    added, updated = rig.receiver.wait_for(count=2)
    assert payload_errors(added, "1.0") == [] and payload_errors(updated, "1.0") == []
    assert (added["event"], updated["event"]) == ("added.activity", "updated.activity")
    assert updated["previous"]["subject"] == "Call" and updated["current"]["subject"] == "Renamed"


def test_delivery_follows_the_order_of_changes(rig: Rig) -> None:
    rig.subscribe()
    ids = [rig.add(subject=f"n{n}").id for n in range(30)]
    received = rig.receiver.wait_for(count=30)
    assert [int(body["meta"]["entity_id"]) for body in received] == ids


def test_delivery_filters_by_event_action(rig: Rig) -> None:
    rig.subscribe(event_action="delete", event_object="activity")
    activity = rig.add()
    rig.company.delete(rig.admin, activity.id, rig.store.clock.now())
    rig.settle()
    assert [b["meta"]["action"] for b in rig.receiver.received] == ["delete"]


def test_delivery_with_http_auth_sends_basic_authorization(rig: Rig) -> None:
    rig.subscribe(http_auth_user="ann", http_auth_password="s3cret")
    rig.add()
    rig.receiver.wait_for()
    expected = "Basic " + base64.b64encode(b"ann:s3cret").decode()
    assert rig.receiver.deliveries[0].headers["authorization"] == expected


def test_failed_delivery_is_retried_after_3_30_150_seconds_of_mock_time(rig: Rig) -> None:
    rig.subscribe()
    rig.receiver.fail_next(3)
    rig.add()
    rig.settle()
    attempts = [[1]]
    for delay, attempt in ((3, 2), (30, 3), (150, 4)):
        rig.store.clock.advance(delay - 0.5)
        rig.settle()
        assert len(rig.receiver.deliveries) == attempt - 1, f"attempt {attempt} came early"
        rig.store.clock.advance(0.5)
        rig.settle()
        attempts.append([d.payload["meta"]["attempt"] for d in rig.receiver.deliveries][-1:])
    assert attempts == [[1], [2], [3], [4]]
    assert [d.status for d in rig.receiver.deliveries] == [500, 500, 500, 200]
    assert [e.outcome for e in rig.log()] == ["failed", "failed", "failed", "delivered"]


def test_failed_delivery_after_attempt_4_is_given_up(rig: Rig) -> None:
    rig.subscribe()
    rig.receiver.fail_next(10)
    rig.add()
    for delay in (0, 3, 30, 150, 1000):
        rig.store.clock.advance(delay)
        rig.settle()
    assert [d.payload["meta"]["attempt"] for d in rig.receiver.deliveries] == [1, 2, 3, 4]
    assert rig.log()[-1].next_attempt_at is None


def test_retry_timer_after_clock_moved_back_counts_from_now(rig: Rig) -> None:
    rig.subscribe()
    rig.receiver.fail_next(1)
    rig.add()
    rig.settle()
    rig.store.clock.set(START - 3600)
    rig.settle()
    assert len(rig.receiver.deliveries) == 1
    rig.store.clock.advance(3)
    rig.settle()
    assert [d.status for d in rig.receiver.deliveries] == [500, 200]


def banned_webhook(rig: Rig) -> Any:
    """A webhook banned by ten failed first attempts in a row, an event sent while banned, its drop logged."""
    webhook = rig.subscribe()
    rig.receiver.fail_next(10)
    for n in range(10):
        rig.add(subject=f"n{n}")
        rig.settle()
    assert webhook.banned_at is not None
    rig.add(subject="while banned")
    rig.settle()
    dropped = rig.log("dropped")
    assert dropped and "banned" in dropped[-1].error
    return webhook


def assert_delivers_after_30_minutes(rig: Rig) -> None:
    rig.store.clock.advance(30 * 60 - 1)
    rig.settle()
    rig.add(subject="during the ban")
    rig.settle()
    assert "banned" in rig.log("dropped")[-1].error
    rig.store.clock.advance(1)
    rig.settle()
    rig.add(subject="after the ban")
    assert rig.receiver.wait_for()[0]["data"]["subject"] == "after the ban"


def test_ten_failed_first_attempts_ban_the_webhook_for_30_minutes(rig: Rig) -> None:
    banned_webhook(rig)
    assert len(rig.receiver.deliveries) == 10  # the retries of the ten were dropped as well
    assert_delivers_after_30_minutes(rig)


def failing_webhook(rig: Rig) -> Any:
    """A webhook whose one event failed all four attempts: no success since it was subscribed."""
    webhook = rig.subscribe()
    rig.receiver.fail_next(4)
    rig.add()
    rig.settle()
    return webhook


def test_three_days_without_success_delete_the_webhook(rig: Rig) -> None:
    webhook = failing_webhook(rig)
    assert webhook.id in rig.company.webhooks.items
    rig.store.clock.advance(3 * 24 * 3600)
    rig.settle()
    assert webhook.id not in rig.company.webhooks.items
    assert rig.log("deleted")[0].webhook_id == webhook.id


def test_ban_after_the_clock_moved_back_lasts_30_minutes_from_the_new_now(rig: Rig) -> None:
    banned_webhook(rig)
    rig.store.clock.set(START - 24 * 3600)  # a day back: the ban must not now last a day and a half hour
    assert_delivers_after_30_minutes(rig)


def test_deletion_after_the_clock_moved_back_counts_three_days_from_the_new_now(rig: Rig) -> None:
    webhook = failing_webhook(rig)
    rig.store.clock.set(START - 10 * 24 * 3600)
    rig.settle()
    assert webhook.id in rig.company.webhooks.items  # moving back is not three days without success
    rig.store.clock.advance(3 * 24 * 3600 - 1)
    rig.settle()
    assert webhook.id in rig.company.webhooks.items
    rig.store.clock.advance(1)
    rig.settle()
    assert webhook.id not in rig.company.webhooks.items


def test_lane_over_its_limit_drops_and_logs(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delivery, "LANE_LIMIT", 2)
    rig.subscribe(subscription_url="http://127.0.0.1:9/never")  # the discard port: refused at once
    rig.store.clock.freeze()
    for n in range(5):
        rig.add(subject=f"n{n}")
    rig.settle()
    assert any("already wait" in (e.error or "") for e in rig.log("dropped"))


def test_dead_receiver_is_logged_as_failed_with_the_error(rig: Rig) -> None:
    rig.subscribe(subscription_url="http://127.0.0.1:9/never")
    rig.add()
    rig.settle()
    entry = rig.log("failed")[0]
    assert entry.status is None and "cannot connect" in entry.error and entry.attempt == 1


def test_flush_sends_waiting_retries_now(rig: Rig) -> None:
    rig.subscribe()
    rig.receiver.fail_next(1)
    rig.add()
    rig.settle()
    assert rig.deliveries.flush() == 1
    rig.settle()
    assert [d.status for d in rig.receiver.deliveries] == [500, 200]


def test_reset_forgets_waiting_deliveries_and_the_log(rig: Rig) -> None:
    rig.subscribe()
    rig.receiver.fail_next(1)
    rig.add()
    rig.settle()
    rig.store.reset()
    rig.deliveries.reset()
    rig.store.clock.advance(3)
    rig.settle()
    assert len(rig.receiver.deliveries) == 1 and rig.log() == []


@pytest.mark.parametrize("url", ["http://10.1.2.3/hook", "http://example.com/hook", "ftp://127.0.0.1/x",
                                 "not a url"])
def test_subscribe_to_a_target_outside_loopback_is_refused(rig: Rig, url: str) -> None:
    with pytest.raises(FieldErrors) as caught:
        rig.subscribe(subscription_url=url)
    assert "subscription_url" in caught.value.errors


def test_subscribe_to_an_allowed_host_is_accepted(rig: Rig) -> None:
    rig.deliveries.targets = Targets(["hooks.example.com"])
    assert rig.subscribe(subscription_url="https://hooks.example.com/x").id == 1


def test_receiver_closing_after_each_answer_still_gets_every_event_once(rig: Rig) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    import threading

    got: list[int] = []

    class CloseEach(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # one request per connection

        def do_POST(self) -> None:  # noqa: N802
            got.append(int(orjson.loads(self.rfile.read(int(self.headers["Content-Length"])))["meta"]["entity_id"]))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), CloseEach)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        rig.subscribe(subscription_url=f"http://127.0.0.1:{server.server_address[1]}/hook")
        rig.store.clock.freeze()
        ids = [rig.add(subject=f"n{n}").id for n in range(20)]
        rig.settle()
        assert got == ids and rig.log("failed") == []
    finally:
        server.shutdown()
        server.server_close()
