"""A mock started from a state file, for the state log's tests: served by `pipedrive_mock serve` in a process
of its own (and ended, by default with a kill -9), or restarted in this one as the store a start would give."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from pipedrive_mock import ADMIN_TOKEN, Store
from pipedrive_mock.statefile import StateFile

ROOT = Path(__file__).resolve().parents[1]
HEADERS = {"x-api-token": ADMIN_TOKEN}
TIMEOUT = 30


def _restarted(path: Path) -> Store:
    """The store a start from the state file at `path` (and its log) gives."""
    store = Store.default(activities=0)
    assert StateFile(path).load(store)
    return store


def _subjects(store: Store) -> list[str]:
    return [a.subject for c in store.companies() for a in c.activities.values()]


def _served(path: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen([sys.executable, "-m", "pipedrive_mock", "serve", "--port", "0", "--activities", "3",
                                "--state-file", str(path), *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    line = process.stdout.readline()  # type: ignore[union-attr]
    if "http://" not in line:
        process.kill()
        raise AssertionError(f"server did not start: {line!r} {process.stderr.read()!r}")  # type: ignore[union-attr]
    return process, line.split()[3]


def _end(process: subprocess.Popen[str], sig: int = signal.SIGKILL) -> None:
    if process.poll() is None:
        process.send_signal(sig)
    process.wait(timeout=TIMEOUT)
    for stream in (process.stdout, process.stderr):
        stream.close()  # type: ignore[union-attr]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "state.json"
