"""The journal: what clients sent, in a bounded ring buffer, tokens masked."""
from __future__ import annotations

import threading
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any

from .constants import JOURNAL_SIZE


def mask_token(token: str | None) -> str | None:
    """Enough of a token to tell two apart in a report, never the token itself."""
    if not token:
        return token
    return token[:3] + "***" if len(token) >= 8 else "***"


@dataclass(frozen=True)
class JournalEntry:
    time: str
    method: str
    path: str
    query: dict[str, Any]
    body: Any
    status: int
    operation: str | None
    token: str | None
    violations: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Journal:
    def __init__(self, size: int = JOURNAL_SIZE) -> None:
        self._lock = threading.Lock()
        self._entries: deque[JournalEntry] = deque(maxlen=size)

    @property
    def size(self) -> int:
        return self._entries.maxlen or 0

    def resize(self, size: int) -> None:
        with self._lock:
            self._entries = deque(self._entries, maxlen=size)

    def record(self, entry: JournalEntry) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self, method: str | None = None, path: str | None = None) -> list[JournalEntry]:
        """Oldest first, optionally only one method and/or path."""
        with self._lock:
            entries = list(self._entries)
        return [e for e in entries if (method is None or e.method == method.upper())
                and (path is None or e.path == path)]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
