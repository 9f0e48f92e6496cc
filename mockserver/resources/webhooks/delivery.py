"""The delivery engine: one ordered, bounded lane per webhook, Pipedrive's retry lifecycle on the mock clock.

Writes hand changes over (`emit`, from any thread, under the company's lock so lanes keep the order of
the changes) and return at once; deliveries run on an asyncio loop: the server's own (uvicorn,
`attach`) or one worker thread of their own (waitress, the pytest plugin, a test client).

The lifecycle of retries, bans and deletions is health.py's; its timers are mock-clock instants, so
moving the clock forward makes what is due run at once, and moving it back counts from the new now.
An attempt, its outcome and the log entry of every attempt and drop are attempts.py's.

Bounds: at most INBOX_LIMIT changes wait to be sorted into lanes, LANE_LIMIT events wait in a lane,
one delivery per webhook is in flight, the log keeps LOG_SIZE entries; over a bound, events are
dropped and logged, never held.
"""
from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import Protocol

from ...clock import Clock
from . import health, payload
from .attempts import Attempts
from .health import BAN_AFTER_FAILURES, TIMEOUT_SECONDS
from .lanes import Lane, Pending
from .log import DELETED, DROPPED, DeliveryLog
from .model import Change, Webhook
from .runner import MAX_SLEEP_SECONDS, Runner
from .sender import Sender
from .targets import TargetRefused, Targets

INBOX_LIMIT = 10_000
LANE_LIMIT = 1_000
# Deliveries of one webhook written back to back on its connection before their answers are read.
PIPELINE = 64
# A change waits this long (real seconds) for others to go out with it: the deliveries of a burst of
# writes share a scheduler pass and one write to each receiver instead of one each.
GATHER_SECONDS = 0.01


class Registry(Protocol):
    """The subscriptions the engine serves (subscriptions.py)."""

    def alive(self, webhook: Webhook) -> bool: ...
    def remove(self, webhook: Webhook) -> None: ...
    def permitted(self, webhook: Webhook) -> list[int]: ...
    def webhooks(self) -> list[Webhook]: ...


class Deliveries(Attempts):
    """Every webhook delivery of one mock server."""

    def __init__(self, clock: Clock, registry: Registry, targets: Targets | None = None, *,
                 timeout: float = TIMEOUT_SECONDS, log_size: int | None = None) -> None:
        self.clock = clock
        self.registry = registry
        self.targets = targets or Targets()
        self.timeout = timeout
        self.log = DeliveryLog(log_size) if log_size else DeliveryLog()
        self._inbox: deque[tuple[Webhook, Change]] = deque()
        self._lanes: dict[Webhook, Lane] = {}
        self._seq = 0
        self._runner = Runner(self._schedule, self._detached, self._close_senders)
        self._hurry = False
        self._generation = 0
        self._in_flight = 0
        clock.listeners.append(self._clock_moved)

    # -- any thread ---------------------------------------------------------------------------
    def emit(self, webhooks: list[Webhook], change: Change) -> None:
        """Queue `change` for each of `webhooks` (the company's matching ones); never waits."""
        if len(self._inbox) + len(webhooks) > INBOX_LIMIT:
            for webhook in webhooks:
                self._log_event(webhook, change, None, DROPPED, error=f"more than {INBOX_LIMIT} changes wait "
                                f"to be delivered: this one is dropped")
            return
        for webhook in webhooks:
            self._inbox.append((webhook, change))
        if self._runner.loop is None:
            self._runner.start()
        self.poke(GATHER_SECONDS)

    def poke(self, within: float = 0.0) -> None:
        """Have the scheduler look again now (the clock moved, a flush), or `within` seconds (a change came)."""
        self._runner.poke(within)

    def _clock_moved(self) -> None:
        """A clock moved back before a ban, a run of failures or a failed attempt counts from the new now, at
        once: a later move forward then finds each length whole, whenever the scheduler looks next."""
        now = self.clock.time()
        for webhook in self.registry.webhooks():
            health.clock_moved(webhook, now)
        for lane in list(self._lanes.values()):
            lane.clock_moved(now)
        self.poke()

    def flush(self) -> int:
        """Send every waiting delivery now, retries without waiting for their time; how many wait."""
        waiting = len(self._inbox) + sum(len(lane) for lane in list(self._lanes.values()))
        if not waiting:
            return 0
        self._hurry = True
        self.poke()
        return waiting

    def idle(self) -> bool:
        """Nothing waits to be sorted, no lane is at work or has anything in flight, and nothing is due now.

        A lane is busy from the moment the scheduler starts its work, before the batch is in flight: a
        flushed retry (not due by its own time) is then counted as work, not as idle."""
        now = self.clock.time()
        return not self._inbox and not self._in_flight and not self._runner.kicked and not self._hurry and all(
            not lane.busy and ((at := lane.wake_at(now)) is None or at > now) for lane in list(self._lanes.values()))

    def wait_idle(self, timeout: float) -> bool:
        """Block (not on the loop's thread) until `idle`, at most `timeout` seconds; whether it got there."""
        deadline = time.monotonic() + timeout
        while not self.idle():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.002)
        return True

    def reset(self, company_id: int | None = None, *, log: bool = True) -> None:
        """Forget the deliveries still waiting (of one company, or all), and the log unless `log=False`
        (a reset of the data: MockState.reset)."""
        def gone(webhook: Webhook) -> bool:
            return company_id is None or webhook.company_id == company_id
        if company_id is None:
            self._generation += 1
            self._hurry = False
        self._inbox = deque(item for item in list(self._inbox) if not gone(item[0]))
        for webhook, lane in list(self._lanes.items()):
            if gone(webhook):
                self._lanes.pop(webhook, None)
                lane.take_all()
                self._close_later(lane.sender)
        if log:
            self.log.clear()

    # -- running (runner.py) --------------------------------------------------------------------
    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Run on `loop` (the server's); call from a coroutine on that loop."""
        self._runner.attach(loop)

    def detach(self) -> None:
        """The server's loop is ending: what waits is dropped with it; a later change starts a thread."""
        self._runner.detach()

    def stop(self) -> None:
        """End the worker thread, if the engine runs one."""
        self._runner.stop()

    def _detached(self) -> None:
        self._generation += 1
        self._close_senders()
        self._lanes = {}

    def _close_senders(self) -> None:
        for lane in self._lanes.values():
            lane.sender.close()

    def _schedule(self, loop: asyncio.AbstractEventLoop) -> float:
        """Sort new changes into lanes, run the lifecycle, start due work; real seconds to sleep."""
        now = self.clock.time()
        alive: dict[Webhook, bool] = {}  # looked up once a pass, not once a change
        while self._inbox:
            webhook, change = self._inbox.popleft()
            self._enqueue(webhook, change, now, alive)
        hurry, self._hurry = self._hurry, False
        wake = [MAX_SLEEP_SECONDS]
        for webhook, lane in list(self._lanes.items()):
            if not self.registry.alive(webhook):
                self._drop_lane(webhook)
                continue
            self._lifecycle(webhook, now, wake)
            if lane.busy or webhook not in self._lanes:
                continue
            at = lane.wake_at(now)
            if at is not None and (hurry or at <= now):
                lane.busy = True
                loop.create_task(self._work(lane, self._generation, hurry))
            elif at is not None and not self.clock.frozen:
                wake.append(at - now)
        return max(0.0, min(wake))

    def _enqueue(self, webhook: Webhook, change: Change, now: float, alive: dict[Webhook, bool]) -> None:
        known = alive.get(webhook)
        if known is None:
            known = alive[webhook] = self.registry.alive(webhook)
        if not known:
            return
        if health.banned(webhook, now):
            self._log_event(webhook, change, None, DROPPED, error="the webhook is banned after "
                            f"{BAN_AFTER_FAILURES} failed first attempts in a row")
            return
        lane = self._lanes.get(webhook)
        if lane is None:
            url = self.targets.parse(webhook.subscription_url)
            lane = self._lanes[webhook] = Lane(webhook, Sender(url, self.targets, webhook.http_auth_user,
                                                                webhook.http_auth_password))
        if len(lane) >= LANE_LIMIT:
            self._log_event(webhook, change, None, DROPPED, error=f"{LANE_LIMIT} events already wait for "
                            "this webhook")
            return
        self._seq += 1
        lane.fresh.append(Pending(self._seq, change, payload.new_event_id()))

    def _lifecycle(self, webhook: Webhook, now: float, wake: list[float]) -> None:
        """End a ban that is over; delete a webhook 3 days without success."""
        if health.banned(webhook, now) and not self.clock.frozen:
            wake.append(health.ban_ends_at(webhook) - now)  # type: ignore[operator]
        deleted_at = health.deleted_at(webhook, now)
        if deleted_at is not None and now >= deleted_at:
            self._delete(webhook, now)
        elif deleted_at is not None and not self.clock.frozen:
            wake.append(deleted_at - now)

    async def _work(self, lane: Lane, generation: int, hurry: bool) -> None:
        """Send the lane's due events in order, up to PIPELINE at a time on its connection."""
        webhook = lane.webhook
        # A flush sends each retry waiting now once, without waiting for its time; a retry that fails
        # again waits for its own time as usual.
        hurried = frozenset(lane.retries) if hurry else frozenset()
        try:
            while generation == self._generation and self.registry.alive(webhook):
                if health.banned(webhook, self.clock.time()):
                    self._drop_waiting(lane, "the webhook was banned")
                    break
                batch: list[Pending] = []
                now = self.clock.time()
                while len(batch) < PIPELINE and (item := lane.next_due(now, hurried)) is not None:
                    batch.append(item)
                if not batch:
                    break
                await self._attempt(lane, batch, generation)
        finally:
            lane.busy = False
            if generation == self._generation:
                # The scheduler sees to what follows (retries, a ban, a deletion, the changes that came
                # meanwhile) after the gathering time, like a change: at once, it would send each change
                # that came during this batch's round trip on its own.
                self.poke(GATHER_SECONDS)

    # -- endings ------------------------------------------------------------------------------
    def _drop_waiting(self, lane: Lane, why: str) -> None:
        for item in lane.take_all():
            self._log_event(lane.webhook, item.change, item, DROPPED, error=f"{why}: never sent")

    def _drop_lane(self, webhook: Webhook) -> None:
        lane = self._lanes.pop(webhook, None)
        if lane is not None:
            lane.take_all()
            self._close_later(lane.sender)

    def _delete(self, webhook: Webhook, now: float) -> None:
        self.registry.remove(webhook)
        self.log.add(at=now, company_id=webhook.company_id, webhook_id=webhook.id,
                     outcome=DELETED, error="no successful delivery for 3 days: the webhook was deleted")
        lane = self._lanes.get(webhook)
        if lane is not None:
            self._drop_waiting(lane, "the webhook was deleted")
        self._drop_lane(webhook)

    def _close_later(self, sender: Sender) -> None:
        self._runner.call(sender.close)


__all__ = ["Deliveries", "TargetRefused"]
