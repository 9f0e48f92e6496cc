"""The journal: what clients sent, in a bounded ring buffer, tokens masked."""
from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple, Union

from urllib.parse import parse_qsl

import orjson

from .constants import (JOURNAL_BODY_BYTES, JOURNAL_PATH_CHARS, JOURNAL_QUERY_BYTES, JOURNAL_SIZE,
                        JOURNAL_VIOLATION_CHARS, JOURNAL_VIOLATIONS)

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


# Body and query fields that carry a secret (OAuth codes and tokens, client secrets, API tokens).
SECRET_FIELDS = frozenset({"api_token", "code", "refresh_token", "access_token", "client_secret"})


def mask_fields(values: dict[str, Any]) -> dict[str, Any]:
    """`values` with every secret field's value masked."""
    return {key: mask_token(value) if key in SECRET_FIELDS and isinstance(value, str) else value
            for key, value in values.items()}


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
    # The company of the token, when it was valid.
    company_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class RawEntry(NamedTuple):
    """A request as the pipeline left it, made into a JournalEntry only when someone reads the journal.

    Most entries are never read (the ring buffer drops them first); formatting the time and the query
    of each would cost every request a few microseconds. It holds a bounded form of the request
    (`RawEntry.of`): the raw query and body, each cut at 4 KiB, never their parsed forms, which can be
    many times larger (a 1 MB body of `[{},{},...]` parses into ~40 MB of objects).
    """
    seconds: float
    method: str
    path: str
    query: bytes  # the raw query string, cut at JOURNAL_QUERY_BYTES
    body: bytes | None  # the raw body, cut at JOURNAL_BODY_BYTES
    status: int
    operation: str | None
    token: str | None  # already masked
    # A tuple: an entry of strings, numbers and bytes holds nothing the cyclic garbage collector must walk,
    # so it leaves the entry alone after one look (a list would keep every entry of the ring in its walks:
    # a pause in the answers every few hundred requests).
    violations: tuple[str, ...]
    company_id: int | None
    body_size: int = 0  # the whole body's length

    @classmethod
    def of(cls, seconds: float, method: str, path: str, query: bytes, body: bytes | None, status: int,
           operation: str | None, token: str | None, violations: list[str], company_id: int | None) -> RawEntry:
        """An entry holding at most the bounds of constants.py, whatever the request's size."""
        kept = [v if len(v) <= JOURNAL_VIOLATION_CHARS else v[:JOURNAL_VIOLATION_CHARS] + "..."
                for v in violations[:JOURNAL_VIOLATIONS]]
        if len(violations) > JOURNAL_VIOLATIONS:
            kept.append(f"... and {len(violations) - JOURNAL_VIOLATIONS} more violations")
        return cls(seconds, method, path[:JOURNAL_PATH_CHARS], query[:JOURNAL_QUERY_BYTES],
                   body[:JOURNAL_BODY_BYTES] if body else None, status, operation, token, tuple(kept), company_id,
                   len(body) if body else 0)

    def entry(self) -> JournalEntry:
        parsed: dict[str, list[str]] = {}
        for key, value in parse_qsl(self.query.decode("latin-1"), keep_blank_values=True):
            parsed.setdefault(key, []).append(value)
        query = {key: (mask_token(values[0]) if key in SECRET_FIELDS else values[0] if len(values) == 1 else values)
                 for key, values in parsed.items()}
        # Whole seconds, UTC, as clock.now() gives them.
        return JournalEntry(time=time.strftime(TIME_FORMAT, time.gmtime(int(self.seconds))), method=self.method,
                            path=self.path, query=query, body=self._body(), status=self.status,
                            operation=self.operation, token=self.token, violations=list(self.violations),
                            company_id=self.company_id)

    def _body(self) -> Any:
        """The body as JSON when it was whole and JSON; else its text, cut, with its length when cut."""
        if self.body is None:
            return None
        if self.body_size <= JOURNAL_BODY_BYTES:
            try:
                parsed = orjson.loads(self.body)
            except orjson.JSONDecodeError:
                return self.body.decode("utf-8", "replace")
            return mask_fields(parsed) if isinstance(parsed, dict) else parsed
        return f"{self.body.decode('utf-8', 'replace')}... ({self.body_size} bytes in all)"


Recorded = Union[JournalEntry, RawEntry]


def as_entry(recorded: Recorded) -> JournalEntry:
    return recorded.entry() if type(recorded) is RawEntry else recorded  # type: ignore[return-value]


class Journal:
    def __init__(self, size: int = JOURNAL_SIZE) -> None:
        self._lock = threading.Lock()
        self._entries: deque[Recorded] = deque(maxlen=size)
        # How many were ever recorded: the newest entry's number (entries are numbered from 1, in order).
        self._recorded = 0

    @property
    def size(self) -> int:
        return self._entries.maxlen or 0

    def resize(self, size: int) -> None:
        with self._lock:
            self._entries = deque(self._entries, maxlen=size)

    def record(self, entry: Recorded) -> None:
        with self._lock:
            self._entries.append(entry)
            self._recorded += 1

    def restate(self, entry: RawEntry, status: int) -> None:
        """Give a recorded entry the status its client heard in the end (a held answer replaced by a 500)."""
        with self._lock:
            for index in range(len(self._entries) - 1, -1, -1):
                if self._entries[index] is entry:
                    self._entries[index] = entry._replace(status=status)
                    return

    @property
    def last_number(self) -> int:
        """The number of the newest entry ever recorded (0 before the first); clearing does not restart it."""
        return self._recorded

    def entries(self, method: str | None = None, path: str | None = None) -> list[JournalEntry]:
        """Oldest first, optionally only one method and/or path."""
        entries = [entry for _, entry in self.numbered()]
        return [e for e in entries if (method is None or e.method == method.upper())
                and (path is None or e.path == path)]

    def numbered(self) -> list[tuple[int, JournalEntry]]:
        """Every entry held with its number, oldest first."""
        # Made anew on each read and not kept: a made entry holds the parsed body, which can be many
        # times the size of the 4 KiB the journal keeps.
        return [(number, as_entry(recorded)) for number, recorded in self.held()]

    def held(self) -> list[tuple[int, Recorded]]:
        """Every entry held with its number, oldest first, as recorded: its method, path, status, operation,
        token, violations and company are there to read; `as_entry` makes the rest (query, body, time)."""
        with self._lock:
            held = list(self._entries)
            first = self._recorded - len(held) + 1
        return list(enumerate(held, first))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
