"""The delivery engine against a local receiver, what it sends and where: payloads that match the v1 and v2
schemas and the facts, in the order of the changes, filtered by event, with HTTP auth; every event once to a
receiver that closes each connection; and subscriptions only to loopback or an allowed host."""
from __future__ import annotations

import base64
from typing import Any

import orjson
import pytest

from pipedrive_mock.errors import FieldErrors
from pipedrive_mock.resources.webhooks import Targets, payload_errors
from webhook_rig import Rig, rig  # noqa: F401 - the fixture


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


@pytest.mark.parametrize("url", ["http://10.1.2.3/hook", "http://example.com/hook", "ftp://127.0.0.1/x",
                                 "not a url"])
def test_subscribe_to_a_target_outside_loopback_is_refused(rig: Rig, url: str) -> None:
    with pytest.raises(FieldErrors) as caught:
        rig.subscribe(subscription_url=url)
    assert "subscription_url" in caught.value.errors


def test_subscribe_to_an_allowed_host_is_accepted(rig: Rig) -> None:
    rig.deliveries.targets = Targets(["hooks.example.com"])
    assert rig.subscribe(subscription_url="https://hooks.example.com/x").id == 1
