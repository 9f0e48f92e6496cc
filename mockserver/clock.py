"""The one clock every timestamp, purge and rate-limit window reads from."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone


class Clock:
    """Wall time by default; tests can freeze it, set it and move it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._frozen_at: float | None = None
        self._offset = 0.0
        # Called after every move (e.g. webhook retries due at a mock instant look again at once).
        self.listeners: list[Callable[[], None]] = []

    def _moved(self) -> None:
        for listener in self.listeners:
            listener()

    def time(self) -> float:
        """Seconds since the epoch, as the mock sees them."""
        frozen = self._frozen_at
        return frozen if frozen is not None else time.time() + self._offset

    def now(self) -> datetime:
        """The current instant, whole seconds, UTC (Pipedrive timestamps carry no fraction)."""
        return datetime.fromtimestamp(int(self.time()), tz=timezone.utc)

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def freeze(self, at: datetime | float | None = None) -> None:
        """Stop time, at `at` or at the current instant."""
        with self._lock:
            self._frozen_at = self._seconds(at) if at is not None else self.time()
        self._moved()

    def set(self, at: datetime | float) -> None:
        """Set and freeze the clock."""
        self.freeze(at)

    def advance(self, seconds: float) -> None:
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at += seconds
            else:
                self._offset += seconds
        self._moved()

    def unfreeze(self) -> None:
        """Let time flow again, from the mock's current instant."""
        with self._lock:
            if self._frozen_at is not None:
                self._offset = self._frozen_at - time.time()
                self._frozen_at = None
        self._moved()

    def reset(self) -> None:
        """Back to wall time."""
        with self._lock:
            self._frozen_at = None
            self._offset = 0.0
        self._moved()

    @staticmethod
    def _seconds(at: datetime | float) -> float:
        if isinstance(at, datetime):
            if at.tzinfo is None:
                at = at.replace(tzinfo=timezone.utc)
            return at.timestamp()
        return float(at)
