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

    def load(self, store: Store) -> bool:
        """Restore `store` from the file; False when there is no file yet."""
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
        return True

    def save(self, store: Store) -> None:
        with self._lock:
            self._write(snapshot.dumps(store))

    def _write(self, data: bytes) -> None:
        directory = self.path.parent
        fd, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)
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
