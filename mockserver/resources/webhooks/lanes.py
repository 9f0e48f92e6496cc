"""A webhook's lane: its waiting events, first attempts in change order and retries waiting for their time."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from .health import RETRY_DELAYS
from .model import Change, Webhook
from .sender import Sender


@dataclass(eq=False, slots=True)
class Pending:
    """One event for one webhook, through its attempts."""
    seq: int
    change: Change
    event_id: str
    attempt: int = 1
    failed_at: float = 0.0

    def due_at(self, now: float) -> float:
        if self.attempt == 1:
            return 0.0
        if self.failed_at > now:  # the clock went back: count from now
            self.failed_at = now
        return self.failed_at + RETRY_DELAYS[self.attempt - 2]

    def failed(self, now: float) -> None:
        """Wait for the next attempt, counted from `now`."""
        self.attempt += 1
        self.failed_at = now


class Lane:
    """A webhook's waiting events: first attempts in change order, and retries waiting for their time."""

    def __init__(self, webhook: Webhook, sender: Sender) -> None:
        self.webhook = webhook
        self.sender = sender
        self.fresh: deque[Pending] = deque()
        self.retries: list[Pending] = []
        self.busy = False

    def __len__(self) -> int:
        return len(self.fresh) + len(self.retries)

    def next_due(self, now: float, hurried: frozenset[Pending] = frozenset()) -> Pending | None:
        """The oldest event that may go now: retries whose time has come (or that a flush hurries)
        compete with first attempts by change order."""
        due = [p for p in self.retries if p in hurried or p.due_at(now) <= now]
        retry = min(due, key=lambda p: p.seq) if due else None
        if self.fresh and (retry is None or self.fresh[0].seq < retry.seq):
            return self.fresh.popleft()
        if retry is not None:
            self.retries.remove(retry)
        return retry

    def wake_at(self, now: float) -> float | None:
        """When something of this lane is due next (mock seconds), None when nothing waits."""
        if self.fresh:
            return now
        return min((p.due_at(now) for p in self.retries), default=None)

    def clock_moved(self, now: float) -> None:
        """A retry whose failure is after `now` (the clock went back) counts its delay from now."""
        for item in list(self.retries):
            if item.failed_at > now:
                item.failed_at = now

    def take_all(self) -> list[Pending]:
        taken = [*self.fresh, *self.retries]
        self.fresh.clear()
        self.retries.clear()
        return taken
