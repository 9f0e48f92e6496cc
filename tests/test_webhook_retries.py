"""The delivery engine's retry lifecycle on the mock clock: a failed delivery retried after 3, 30 and 150 s and
then given up, ten failed first attempts a 30-minute ban, three days without success a deletion (each counted
from the new now after the clock moved back), a full lane's drops and a dead receiver logged, flush and reset."""
from __future__ import annotations

import time
from typing import Any

import pytest

from pipedrive_mock.resources.webhooks import delivery
from pipedrive_mock.resources.webhooks.lanes import Lane
from webhook_rig import START, Rig, rig  # noqa: F401 - the fixture


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


def test_flush_settles_only_after_the_retry_was_sent_when_the_lane_is_slow_to_start(
        rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    # Between the scheduler starting a lane's work and the batch being in flight, the flushed retry is
    # neither due by its time nor in flight: settling then must still wait for it (it did not, at times).
    rig.subscribe()
    rig.receiver.fail_next(1)
    rig.add()
    rig.settle()
    next_due = Lane.next_due

    def slow_next_due(lane: Lane, *args: object) -> object:
        time.sleep(0.05)
        return next_due(lane, *args)
    monkeypatch.setattr(Lane, "next_due", slow_next_due)
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
