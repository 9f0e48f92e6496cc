"""A delivery attempt and what becomes of it, for the delivery engine (delivery.py).

A batch of a lane's events is posted on its webhook's connection; each outcome then tells the webhook's
health (health.py), the log and the event: a 2xx is delivered, anything else failed, and a failed event
waits in its lane for its retry unless it was the last attempt. Every attempt and every drop is logged
here (`_log_event`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from . import health, payload
from .lanes import Lane, Pending
from .log import DELIVERED, FAILED, DeliveryLog, LogEntry
from .model import Change, Webhook
from .sender import DeliveryError

if TYPE_CHECKING:
    from ...clock import Clock
    from .delivery import Registry


class Attempts:
    """The attempts of `Deliveries`, which holds the state they read and keep."""

    clock: Clock
    registry: Registry
    timeout: float
    log: DeliveryLog
    _generation: int  # counts full resets and detaches: an attempt of an earlier one is not recorded
    _in_flight: int

    async def _attempt(self, lane: Lane, batch: list[Pending], generation: int) -> None:
        # In flight until the outcomes are recorded, so `idle` never sees a retry before its time is set.
        self._in_flight += len(batch)
        try:
            webhook = lane.webhook
            permitted = self.registry.permitted(webhook)
            bodies = payload.bodies(webhook, [(item.change, item.event_id, item.attempt) for item in batch],
                                    permitted)
            outcomes = await lane.sender.post_many(bodies, self.timeout)
            if generation != self._generation:
                return  # reset meanwhile: these attempts belong to a state that is gone
            for item, body, (result, seconds) in zip(batch, bodies, outcomes):
                self._record(lane, item, body, result, round(seconds * 1000, 3))
        finally:
            self._in_flight -= len(batch)

    def _record(self, lane: Lane, item: Pending, body: bytes, result: int | DeliveryError,
                duration: float) -> None:
        """What one attempt's outcome does to the webhook's health, the log and the event."""
        webhook = lane.webhook
        now = self.clock.time()
        status = result if isinstance(result, int) else None
        if status is not None and 200 <= status < 300:
            health.succeeded(webhook, status, now)
            self._log_event(webhook, item.change, item, DELIVERED, status=status, duration_ms=duration, body=body)
            return
        error = str(result) if status is None else f"the receiver answered {status}"
        retry_at = health.failed(webhook, status, item.attempt, now)
        self._log_event(webhook, item.change, item, FAILED, status=status, error=error, duration_ms=duration,
                        body=body, next_attempt_at=payload.iso_millis(retry_at) if retry_at is not None else None)
        if retry_at is not None:
            item.failed(now)
            lane.retries.append(item)

    def _log_event(self, webhook: Webhook, change: Change, item: Pending | None, outcome: str, *,
                   status: int | None = None, error: str | None = None, duration_ms: float | None = None,
                   body: bytes | None = None, next_attempt_at: str | None = None) -> None:
        # Made positionally and numbered by the log: an entry is logged for every attempt and drop.
        self.log.append(LogEntry(0, self.clock.time(), webhook.company_id, webhook.id, outcome,
                                 item.event_id if item else None, change.action, change.after.id,
                                 item.attempt if item else None, status, error, duration_ms, next_attempt_at,
                                 body))
