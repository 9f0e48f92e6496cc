"""The state file of `mockserver serve --state-file PATH`: a snapshot on disk, replaced atomically.

Every save writes a temporary file in the same directory, fsyncs it, renames it over the state file
and fsyncs the directory, so the file on disk is always one whole snapshot: the one before a write or
the one after it, never a mix, even when the process is killed mid-way.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from pathlib import Path

import orjson

from . import snapshot
from .contract import CONTROL_SPEC_FILE, Contract, load_spec
from .errors import ApiError, MockServerError
from .store import Store

SNAPSHOT_OPERATION = "putSnapshot"


class StateFileError(MockServerError):
    """The state file cannot be read back into a store."""


class StateFile:
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path).absolute()
        # One save at a time, each dumping the state after its own write: the last file renamed
        # in place therefore always holds every acknowledged write.
        self._lock = threading.Lock()
        # Held by a write request from before its view until after its save (app.py), so that undoing a
        # write that could not be saved never undoes another request's write on a threaded server.
        self.writing = threading.Lock()
        # The bytes of the last snapshot saved or loaded: what a write that cannot be saved is undone to.
        self._saved: bytes | None = None

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

    def load(self, store: Store) -> bool:
        """Restore `store` from the file; False when there is no file yet."""
        self.clean_temporaries()
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return False
        operation = Contract(load_spec(CONTROL_SPEC_FILE), costs=False).by_id[SNAPSHOT_OPERATION]
        document, violations = operation.check_body("application/json", raw)
        if violations:
            raise StateFileError(f"{self.path} is not a snapshot this mock can load: {'; '.join(violations)}")
        try:
            snapshot.restore(store, document)
        except ApiError as exc:
            raise StateFileError(f"{self.path}: {exc.message}") from None
        self._saved = raw
        return True

    def save(self, store: Store) -> None:
        """Write the store's state; on OSError the store is put back to the last state saved (or loaded),
        so that a write that could not be saved did not happen."""
        with self._lock:
            data = snapshot.dumps(store)
            try:
                self._write(data)
            except OSError:
                if self._saved is not None:
                    snapshot.restore(store, orjson.loads(self._saved))
                raise
            self._saved = data

    def _write(self, data: bytes) -> None:
        target = self.target
        directory = target.parent
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        _fsync_directory(directory)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); platforms that cannot open a directory skip it."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
