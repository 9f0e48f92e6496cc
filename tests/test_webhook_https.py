"""Deliveries to an HTTPS receiver: encrypted, with the receiver's certificate verified (its CA trusted through
SSL_CERT_FILE, as a user's own test CA would be); an untrusted certificate is a failed delivery, logged and
retried like any other."""
from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from pipedrive_mock.fixtures.receiver import Receiver
from pipedrive_mock.resources.webhooks import ActivityEvents, Deliveries, StoreRegistry, payload_errors
from pipedrive_mock.resources.webhooks.subscriptions import subscribe
from pipedrive_mock.store import Store

START = 1_750_000_000.0


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def https_receiver(ca: trustme.CA) -> Iterator[Receiver]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    with Receiver(tls=context) as receiver:
        yield receiver


def _deliver_one(receiver: Receiver) -> Deliveries:
    """Subscribe `receiver` in a fresh store with a frozen clock, add an activity, wait until settled."""
    store = Store.default(activities=0)
    store.clock.freeze(START)
    deliveries = Deliveries(store.clock, StoreRegistry(store), timeout=2)
    store.listen(ActivityEvents(store.clock, deliveries))
    company = store.company(1)
    admin = next(u for u in company.users.values() if u.is_admin)
    body = {"subscription_url": receiver.url, "event_action": "*", "event_object": "activity", "name": "tls"}
    subscribe(company, admin, body, store.clock.time(), deliveries.targets)
    company.add(admin, {"subject": "Over TLS"}, store.clock.now())
    assert deliveries.wait_idle(5), "deliveries did not settle"
    deliveries.stop()
    return deliveries


def test_delivery_to_an_https_receiver_with_a_trusted_certificate_arrives(
        https_receiver: Receiver, ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    assert https_receiver.url.startswith("https://127.0.0.1:")
    deliveries = _deliver_one(https_receiver)
    [payload] = https_receiver.received
    assert payload_errors(payload) == [] and payload["data"]["subject"] == "Over TLS"
    assert [e.outcome for e in deliveries.log.entries()] == ["delivered"]


def test_delivery_to_an_https_receiver_with_an_untrusted_certificate_fails_and_is_retried(
        https_receiver: Receiver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    monkeypatch.setenv("SSL_CERT_FILE", str(other))  # trusts a CA that did not sign the receiver's certificate
    deliveries = _deliver_one(https_receiver)
    assert https_receiver.received == []
    [entry] = deliveries.log.entries()
    assert entry.outcome == "failed" and entry.attempt == 1 and entry.status is None
    assert "CERTIFICATE_VERIFY_FAILED" in (entry.error or "")
    assert entry.next_attempt_at is not None  # attempt 2 waits its 3 s of mock time, as after any failure
