"""Injected faults: the next matching requests get an error status and/or a delay.

The delay is of the answer: the request takes effect when it arrives, and the server holds the answer
back for `latency_ms` (`MockFlask.wsgi_app`), without holding up other requests meanwhile.
"""
from __future__ import annotations

import fnmatch
import itertools
import random
import threading
from dataclasses import asdict, dataclass
from typing import Any

from .errors import InjectedFault

FAULT_MESSAGES = {
    429: "Request over limit",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service temporarily unavailable",
    504: "Gateway timeout",
}


@dataclass
class Fault:
    id: int
    method: str | None = None
    path: str | None = None
    status: int | None = None
    latency_ms: int = 0
    times: int | None = None
    probability: float = 1.0

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method.upper() == method) and \
               (self.path is None or fnmatch.fnmatchcase(path, self.path))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def delay(self) -> float:
        """Seconds the answer is held back."""
        return self.latency_ms / 1000

    def raise_status(self) -> None:
        """Fail the request with the fault's status, if it has one."""
        if self.status is not None:
            message = FAULT_MESSAGES.get(self.status, f"Injected fault: status {self.status}")
            raise InjectedFault(message, status=self.status, error_info="Injected by the mock (POST /_mock/faults)")


class Faults:
    """Faults in the order they were added; the first that matches a request applies to it."""

    def __init__(self, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._seed = seed
        self._faults: dict[int, Fault] = {}
        self._ids = itertools.count(1)
        self._random = random.Random(seed)

    def reset(self) -> None:
        """No faults, ids from 1 again, and the same chances as at the start."""
        with self._lock:
            self._faults.clear()
            self._ids = itertools.count(1)
            self._random = random.Random(self._seed)

    def add(self, *, method: str | None = None, path: str | None = None, status: int | None = None,
            latency_ms: int = 0, times: int | None = None, probability: float = 1.0) -> Fault:
        with self._lock:
            fault = Fault(next(self._ids), method, path, status, latency_ms, times, probability)
            self._faults[fault.id] = fault
            return fault

    def list(self) -> list[Fault]:
        with self._lock:
            return list(self._faults.values())

    def clear(self, fault_id: int | None = None) -> bool:
        with self._lock:
            if fault_id is None:
                self._faults.clear()
                return True
            return self._faults.pop(fault_id, None) is not None

    def take(self, method: str, path: str) -> Fault | None:
        """The fault that applies to this request, counting it as used."""
        if not self._faults:
            return None  # the usual case: no lock to take on every request
        with self._lock:
            for fault in self._faults.values():
                if not fault.matches(method, path) or self._random.random() >= fault.probability:
                    continue
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        del self._faults[fault.id]
                return fault
        return None
