"""The delivery log: every attempt, drop and removal, newest last, in a bounded ring."""
from __future__ import annotations

import itertools
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

import orjson

from .payload import iso_millis

LOG_SIZE = 1000

# What became of an attempt or an event.
DELIVERED = "delivered"  # a 2xx answer
FAILED = "failed"  # no answer, or not 2xx; a retry follows unless it was attempt 4
DROPPED = "dropped"  # never sent: the webhook was banned, or its queue was full
DELETED = "deleted"  # the webhook was deleted after 3 days without a successful delivery


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs a call per field, on every delivery
class LogEntry:
    id: int
    at: float  # mock clock, seconds
    company_id: int
    webhook_id: int
    outcome: str
    event_id: str | None = None
    action: str | None = None
    entity_id: int | None = None
    attempt: int | None = None
    status: int | None = None
    error: str | None = None
    duration_ms: float | None = None
    next_attempt_at: str | None = None
    body: bytes | None = None

    @property
    def time(self) -> str:
        """When, on the mock clock, ISO with milliseconds (formatted when read: most entries never are)."""
        return iso_millis(self.at)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "time": self.time, "company_id": self.company_id, "webhook_id": self.webhook_id,
                "event_id": self.event_id, "action": self.action, "entity_id": self.entity_id,
                "attempt": self.attempt, "outcome": self.outcome, "status": self.status, "error": self.error,
                "duration_ms": self.duration_ms, "next_attempt_at": self.next_attempt_at,
                "payload": orjson.Fragment(self.body) if self.body is not None else None}


class DeliveryLog:
    """The last `size` entries (older ones fall off); safe to read and write from any thread."""

    def __init__(self, size: int = LOG_SIZE) -> None:
        self.size = size
        self._entries: deque[LogEntry] = deque(maxlen=size)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def add(self, **fields: Any) -> LogEntry:
        return self.append(LogEntry(id=0, **fields))

    def append(self, entry: LogEntry) -> LogEntry:
        """Log `entry`, numbered next (its `id` is set here)."""
        with self._lock:
            entry.id = next(self._ids)
            self._entries.append(entry)
        return entry

    def entries(self, webhook_id: int | None = None, company_id: int | None = None) -> list[LogEntry]:
        with self._lock:
            found = list(self._entries)
        return [e for e in found if (webhook_id is None or e.webhook_id == webhook_id)
                and (company_id is None or e.company_id == company_id)]

    def clear(self) -> int:
        with self._lock:
            cleared = len(self._entries)
            self._entries.clear()
        return cleared

    def __len__(self) -> int:
        return len(self._entries)
