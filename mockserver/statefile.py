"""The state file of `mockserver serve --state-file PATH`: a snapshot, and a log of the writes since.

Each acknowledged write appends a record of what it changed (changes.py) to the log beside the file
(statelog.py), fsynced before the answer; writes that come together share one fsync. The cost of a write
is what it changed, not the size of the state. When the log has grown as large as the snapshot (and at
least `COMPACT_BYTES`), the state at that record is taken, the log goes on in a new segment, and a
thread writes the snapshot (a temporary file in the same directory, fsynced, renamed over the file, the
directory fsynced) and then removes the segments it holds. A start reads the snapshot and replays every
segment in order: records set values, so one replayed over a snapshot that has it already changes
nothing, and a kill at any point of a compaction loses nothing. A start with a log writes the whole
state to the snapshot once and begins a new log; a clean stop does the same, so the file alone then holds
everything.
"""
from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Awaitable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from . import snapshot
from .changes import Changes, Replay
from .contract import CONTROL_SPEC_FILE, Contract
from .errors import ApiError, MockServerError
from .segments import LogCorrupt, fsync_directory, records, segment_paths
from .statelog import Log, Rotation
from .store import Store

if TYPE_CHECKING:
    from .company import Company

log = logging.getLogger(__name__)

SNAPSHOT_OPERATION = "putSnapshot"
# A log smaller than this is never compacted (the snapshot of a small state is rewritten seldom).
COMPACT_BYTES = 4 * 1024 * 1024
SNAPSHOT_STEP_BYTES = 1024 * 1024


class StateFileError(MockServerError):
    """The state file cannot be read back into a store."""


class StateFile:
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path).absolute()
        # Held by a write request from before its view until its record is appended (app.py,
        # pipeline.py), so that each record holds whole writes on a threaded server, and while the
        # store is put back after a failed write.
        self.writing = threading.Lock()
        self.compact_bytes = COMPACT_BYTES
        self._changes = Changes()
        self._store: Store | None = None
        self._log: Log | None = None
        self._based = False         # the files hold the store as `_changes` last saw it
        self._replayed = False      # loaded from a snapshot and a log: `open` compacts them first
        self._snapshot_size = 0
        # One snapshot written at a time; a compaction started before a `save` does not write after it.
        self._snapshot_lock = threading.Lock()
        self._generation = 0
        self._compaction: threading.Thread | None = None

    @property
    def target(self) -> Path:
        """The file written: the state file, or where it links to (a symlinked state file keeps its link)."""
        return Path(os.path.realpath(self.path))

    def clean_temporaries(self) -> list[Path]:
        """Remove the temporary files a save killed mid-way (kill -9) left beside the file; those removed."""
        removed = []
        for leftover in self.target.parent.glob(f".{self.target.name}.*.tmp"):
            with contextlib.suppress(OSError):
                leftover.unlink()
                removed.append(leftover)
        return removed

    # -- reading -----------------------------------------------------------------------------------
    def read(self, upto: tuple[int, int] | None = None) -> tuple[dict[str, Any], bytes | None] | None:
        """The state on disk as a checked snapshot document, with the snapshot's own bytes when no log
        record was applied; None when there is no file. `upto` (segment, bytes) leaves later records out."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        segments = segment_paths(self.target)
        if upto is not None:
            segments = [(number, path) for number, path in segments if number <= upto[0]]
        document = None
        if segments:
            try:
                replay = Replay(orjson.loads(raw))
            except (orjson.JSONDecodeError, KeyError, TypeError):
                replay = None  # told below, by the schema's check
            if replay is not None:
                last_seq = None
                for number, path in segments:
                    limit = upto[1] if upto is not None and number == upto[0] else None
                    try:
                        for line, seq, payload in records(path, limit):
                            if last_seq is not None and seq not in (last_seq + 1, 1):
                                raise LogCorrupt(path, line, f"record {seq} follows record {last_seq}: "
                                                 f"records are missing")
                            try:
                                replay.apply(orjson.loads(payload))
                            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
                                raise LogCorrupt(path, line, f"not a record of the state file's log ({exc})") from None
                            last_seq = seq
                    except LogCorrupt as exc:
                        raise StateFileError(f"state file log {exc}; the start is refused so that nothing "
                                             f"after it is lost (move the file away to start from "
                                             f"{self.path} alone)") from None
                    except OSError as exc:
                        raise StateFileError(f"state file log {path}: {exc.strerror or exc}") from None
                raw_checked = orjson.dumps(replay.result())
                document = raw_checked
        operation = Contract(name=CONTROL_SPEC_FILE, costs=False).by_id[SNAPSHOT_OPERATION]
        checked, violations = operation.check_body("application/json", document or raw)
        if violations:
            where = f"{self.path} with its log" if document else str(self.path)
            raise StateFileError(f"{where} is not a snapshot this mock can load: {'; '.join(violations)}")
        return checked, None if document else raw

    def load(self, store: Store) -> bool:
        """Restore `store` from the file and its log; False when there is no file yet."""
        self.clean_temporaries()
        found = self.read()
        if found is None:
            return False
        document, raw = found
        try:
            snapshot.restore(store, document)
        except ApiError as exc:
            raise StateFileError(f"{self.path}: {exc.message}") from None
        self._store, self._based, self._replayed = store, True, raw is None
        self._snapshot_size = self.path.stat().st_size
        self._changes.baseline(store)
        return True

    # -- writing -----------------------------------------------------------------------------------
    def save(self, store: Store) -> None:
        """Write the whole state to the snapshot now; the log begins anew. Raises OSError."""
        with self._snapshot_lock:
            self._generation += 1
            with self._log.paused() if self._log is not None else contextlib.nullcontext():
                data = snapshot.dumps(store)
                # Records of a state this store did not come from must never be replayed over it.
                stale = not (self._based and store is self._store)
                if stale:
                    self._remove_segments()
                self._write_snapshot(data)
                self._remove_segments()
                if self._log is not None:
                    self._log.restart(1)
                self._store, self._based, self._replayed = store, True, False
                self._snapshot_size = len(data)
                self._changes.baseline(store)

    def open(self, store: Store) -> None:
        """Ready to log writes of `store` (what the files hold, or it is saved whole first). Raises OSError."""
        if self._log is not None:
            return
        if not self._based or self._replayed or store is not self._store or not self.path.exists():
            self.save(store)
        self._log = Log(self.target, max((n for n, _ in segment_paths(self.target)), default=1), 0)
        self._log.on_failure = self._recover

    def record(self, store: Store, company: Company | None = None) -> int:
        """Log what changed since the last record (only in `company` when given); the token to wait for
        (0: nothing to wait for). Raises OSError when the log cannot be begun."""
        self.open(store)
        assert self._log is not None
        record = self._changes.record(store, company)
        if record is None:
            return self._log.last()
        token = self._log.append(orjson.dumps(record))
        if self._log.appended >= max(self.compact_bytes, self._snapshot_size) and self._compaction is None:
            self._compact(store)
        return token

    def pending(self) -> int:
        """The token an answer that may show a write not yet on disk waits for (0: none)."""
        return self._log.last() if self._log is not None else 0

    def wait(self, token: int) -> None:
        """Block until `token` is on disk; raises OSError when it could not be (the store is back)."""
        if token and self._log is not None:
            self._log.wait(token)

    def durable(self, token: int) -> Awaitable[OSError | None]:
        """On the server's event loop: None once `token` is on disk, or the OSError that kept it off."""
        assert self._log is not None
        return self._log.durable(token)

    def close(self) -> None:
        """A clean stop: what is logged goes into the snapshot, and the log is removed."""
        if self._log is None:
            return
        if self._compaction is not None:
            self._compaction.join()
        store, saved = self._store, False
        try:
            if store is not None and not self._log.broken:
                with self.writing:
                    self.save(store)
                    saved = True
        except OSError as exc:
            log.error("could not save the state file %s at the stop (the log keeps every write): %s", self.path, exc)
        finally:
            self._log.close()
            self._log = None
        if saved:
            with contextlib.suppress(OSError):
                self._remove_segments()  # the one begun by the save, empty

    # -- compaction, failures ----------------------------------------------------------------------
    def _compact(self, store: Store) -> None:
        """Begin a compaction at the record just appended: the state now, the log on in a new segment."""
        assert self._log is not None
        make = snapshot.capture(store)
        rotation = self._log.rotate()
        thread = threading.Thread(target=self._compacted, args=(make, rotation, self._generation),
                                  name="state-file-compaction", daemon=True)
        self._compaction = thread
        thread.start()

    def _compacted(self, make: Callable[[], bytes], rotation: Rotation, generation: int) -> None:
        try:
            data = make()
            rotation.done.wait()
            with self._snapshot_lock:
                if not rotation.ok or generation != self._generation:
                    return  # no new segment, or a save came first: it holds more than this
                self._write_snapshot(data)
                self._snapshot_size = len(data)
                self._remove_segments(upto=rotation.before)
        except OSError as exc:
            log.error("could not compact the state file %s (its log keeps every write): %s", self.path, exc)
        finally:
            self._compaction = None

    def _recover(self) -> None:
        """After a failed write of the log: the store back to what is on disk, then the log goes on."""
        log_ = self._log
        if log_ is None or not log_.broken or not self.writing.acquire(timeout=60):
            return
        try:
            if not log_.broken:
                return
            store = self._store
            try:
                with self._snapshot_lock:
                    found = self.read(upto=log_.position)
                if found is not None and store is not None:
                    snapshot.restore(store, found[0])
                    self._changes.baseline(store)
            except (OSError, MockServerError, ApiError) as exc:
                log.error("could not put the state back to the state file %s: %s", self.path, exc)
            log_.recovered()
        finally:
            self.writing.release()

    def _remove_segments(self, upto: int | None = None) -> None:
        for number, path in segment_paths(self.target):
            if upto is None or number <= upto:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
        fsync_directory(self.target.parent)

    def _write_snapshot(self, data: bytes) -> None:
        target = self.target
        directory = target.parent
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
        try:
            sync = getattr(os, "fdatasync", os.fsync)
            with os.fdopen(fd, "wb") as file:
                # In steps, each on disk before the next: a log fsync meanwhile waits for one step at most.
                for start in range(0, len(data), SNAPSHOT_STEP_BYTES):
                    file.write(data[start:start + SNAPSHOT_STEP_BYTES])
                    file.flush()
                    sync(file.fileno())
                os.fsync(file.fileno())
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        fsync_directory(directory)
