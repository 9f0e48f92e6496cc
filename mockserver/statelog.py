"""The state file's log: each acknowledged write appended as one record, on disk before it is answered.

The log is a run of segments beside the state file (beside its target when it is a symlink):
`NAME.log.1`, `NAME.log.2`, ..., replayed over the snapshot `NAME` in their order (statefile.py). A
record is one line (segments.py: its form, and how it is read back and checked).

Group commit: a write appends its record and gets a token; one thread writes every record waiting in
one write and one fsync, then tells each waiter, a thread (`wait`) or a coroutine on the server's event
loop (`durable`), that its token is on disk. Concurrent writes so share an fsync, and the event loop
serves other requests while one is in flight. When a write or fsync fails, the log stops taking records
to disk and `on_failure` is called (by a waiter) to put the store back to what is on disk;
`recovered` then fails every token not on disk, cuts the segment back to its last good record and goes on.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .segments import fsync_directory, line_of, segment_path

log = logging.getLogger(__name__)


@dataclass(eq=False)
class Rotation:
    """A request to begin a new segment after the records appended so far; `done` is set once it is
    decided, `ok` when the new segment was made (the old ones then hold only records up to it)."""
    before: int = 0  # the number of the segment the records up to here are in
    done: threading.Event = field(default_factory=threading.Event)
    ok: bool = False


class Log:
    """Appends records to segment `number` of `target` (made if missing), the next record's seq `seq + 1`."""

    def __init__(self, target: Path, number: int, seq: int) -> None:
        self.target = target
        self.on_failure: Callable[[], None] = lambda: None
        self._cond = threading.Condition()
        self._queue: deque[tuple[int, bytes] | Rotation] = deque()
        self._token = 0      # the last token handed out
        self._durable = 0    # every token up to here is on disk
        self._failed: list[tuple[int, int, OSError]] = []  # token ranges that never reached the disk
        self._broken: OSError | None = None
        self._cut = False    # the segment may end in records that failed: cut it back before writing on
        self._writing = False
        self._closed = False
        self._futures: list[tuple[int, asyncio.Future[OSError | None]]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self.appended = 0    # bytes appended to the current segment (written or waiting)
        self._open(number, seq)
        self._thread = threading.Thread(target=self._run, name="state-file-log", daemon=True)
        self._thread.start()

    def _open(self, number: int, seq: int) -> None:
        path = segment_path(self.target, number)
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        fsync_directory(path.parent)
        self.number, self._seq = number, seq
        self._offset = self.appended = os.fstat(self._fd).st_size

    @property
    def position(self) -> tuple[int, int]:
        """The segment written and how many of its bytes are on disk."""
        return self.number, self._offset

    @property
    def broken(self) -> bool:
        return self._broken is not None

    # -- the writing side --------------------------------------------------------------------------
    def append(self, payload: bytes) -> int:
        """Queue a record; its token, for `wait` or `durable`."""
        with self._cond:
            self._token += 1
            self._queue.append((self._token, payload))
            self.appended += len(payload) + 24
            self._cond.notify_all()
            return self._token

    def last(self) -> int:
        """The last token not yet on disk, or 0: what an answer that may show its write waits for."""
        token = self._token
        return token if token > self._durable else 0

    def rotate(self) -> Rotation:
        """Begin a new segment after the records appended so far (for a compaction, statefile.py)."""
        rotation = Rotation(self.number)
        with self._cond:
            self._queue.append(rotation)
            self.appended = 0
            self._cond.notify_all()
        return rotation

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._queue or self._broken is not None:
                    if self._closed:
                        return
                    self._cond.wait()
                batch: list[tuple[int, bytes]] = []
                rotation = None
                while self._queue:
                    item = self._queue.popleft()
                    if isinstance(item, Rotation):
                        rotation = item
                        break
                    batch.append(item)
                self._writing = True
                seq = self._seq
            data = b"".join(line_of(seq + i, payload) for i, (_, payload) in enumerate(batch, 1))
            try:
                if self._cut:
                    os.ftruncate(self._fd, self._offset)
                    self._cut = False
                if data:
                    view = memoryview(data)
                    while view:
                        view = view[os.write(self._fd, view):]
                    os.fsync(self._fd)
            except OSError as exc:
                log.error("could not write the state file's log %s: %s", segment_path(self.target, self.number), exc)
                with self._cond:
                    self._broken, self._writing = exc, False
                    if rotation is not None:
                        rotation.done.set()
                    self._cond.notify_all()
                self._tell()
                continue
            with self._cond:
                self._offset += len(data)
                self._seq += len(batch)
                if batch:
                    self._durable = batch[-1][0]
                self._writing = False
                self._cond.notify_all()
            if rotation is not None:
                self._rotate(rotation)
            self._tell()

    def _rotate(self, rotation: Rotation) -> None:
        old = self._fd
        try:
            with self._cond:
                self._open(self.number + 1, self._seq)
            rotation.ok = True
            os.close(old)
        except OSError as exc:
            log.error("could not begin a new segment of the state file's log: %s", exc)
        rotation.done.set()

    # -- waiting ----------------------------------------------------------------------------------
    def _outcome(self, token: int) -> tuple[bool, OSError | None]:
        """(decided, error) for `token` (the caller holds the condition)."""
        for low, high, error in self._failed:
            if low <= token <= high:
                return True, error
        return token <= self._durable, None

    def wait(self, token: int) -> None:
        """Until `token` is on disk; raises the OSError that kept it off (the store is back by then)."""
        while True:
            with self._cond:
                while True:
                    decided, error = self._outcome(token)
                    if decided:
                        if error is not None:
                            raise error
                        return
                    if self._broken is not None:
                        break
                    self._cond.wait()
            self.on_failure()  # puts the store back, then `recovered`

    async def durable(self, token: int) -> OSError | None:
        """Waits on the running event loop until `token` is on disk: None, or the OSError that kept it off."""
        loop = asyncio.get_running_loop()
        with self._cond:
            decided, error = self._outcome(token)
            if decided:
                return error
            self._loop = loop
            future: asyncio.Future[OSError | None] = loop.create_future()
            self._futures.append((token, future))
            broken = self._broken is not None
        if broken:
            loop.call_soon(self._settle)
        return await future

    def _tell(self) -> None:
        """From the writing thread: the loop settles its waiters (and recovers after a failure)."""
        loop = self._loop
        if loop is not None and self._futures:
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits on it any more
                loop.call_soon_threadsafe(self._settle)

    def _settle(self) -> None:
        if self._broken is not None:
            self.on_failure()
        with self._cond:
            waiting = []
            for token, future in self._futures:
                decided, error = self._outcome(token)
                if not decided:
                    waiting.append((token, future))
                elif not future.done():
                    future.set_result(error)
            self._futures = waiting

    def recovered(self) -> None:
        """After a failure, once the store is back to what is on disk: every record not on disk failed,
        and the log goes on from its last good record."""
        with self._cond:
            if self._broken is None:
                return
            if self._token > self._durable:
                self._failed.append((self._durable + 1, self._token, self._broken))
                self._durable = self._token  # decided: `_outcome` finds them failed
            for item in self._queue:
                if isinstance(item, Rotation):
                    item.done.set()
            self._queue.clear()
            self._broken, self._cut = None, True
            self.appended = self._offset
            self._cond.notify_all()
        self._settle_later()

    def _settle_later(self) -> None:
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._settle)

    # -- a pause, a new start, the end ------------------------------------------------------------
    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Every record appended so far on disk (or failed), and none written while the block runs."""
        with self._cond:
            while (self._queue or self._writing) and self._broken is None:
                self._cond.wait()
            yield

    def restart(self, number: int) -> None:
        """In `paused`: go on in a new segment `number`, seq from 0 (a snapshot holds everything before)."""
        old = self._fd
        self._open(number, 0)
        os.close(old)

    def close(self) -> None:
        """Write what is waiting, then stop."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join()
        with contextlib.suppress(OSError):
            os.close(self._fd)
