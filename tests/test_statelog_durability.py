"""The state file's log under stress: a kill -9 mid-stream loses no acknowledged write, compaction while writes
go on (or compactions that never finish) lose nothing, concurrent writes share fsyncs, a write that cannot be
saved answers 500 and did not happen, and a clean stop leaves the snapshot whole and no log."""
from __future__ import annotations

import errno
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from pipedrive_mock import Store, create_app
from pipedrive_mock.live import LiveServer
from pipedrive_mock.statefile import StateFile
from pipedrive_mock.segments import segment_paths
from state_server import HEADERS, TIMEOUT, _end, _restarted, _served, _subjects, path  # noqa: F401 - fixture


# -- kill -9, compaction, group commit, failures ---------------------------------------------------------
def test_kill_9_mid_stream_loses_no_acknowledged_write(path: Path) -> None:
    process, url = _served(path)
    acknowledged: list[tuple[int, str]] = []
    stop = threading.Event()

    def write(worker: int) -> None:
        session = requests.Session()
        for i in range(100_000):
            if stop.is_set():
                return
            subject = f"w{worker}-{i}"
            try:
                response = session.post(url + "/api/v2/activities", json={"subject": subject}, headers=HEADERS,
                                        timeout=TIMEOUT)
            except requests.RequestException:
                return  # the server is gone: this write was never acknowledged
            if response.status_code == 200:
                acknowledged.append((response.json()["data"]["id"], subject))

    threads = [threading.Thread(target=write, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    os.kill(process.pid, signal.SIGKILL)  # mid-stream: writes in flight on every connection
    stop.set()
    for thread in threads:
        thread.join(TIMEOUT)
    _end(process)
    assert len(acknowledged) > 50
    saved = _restarted(path).company(1).activities
    assert all(saved[i].subject == subject for i, subject in acknowledged)


def test_compaction_while_writes_continue_loses_nothing(path: Path) -> None:
    state_file = StateFile(path)
    state_file.compact_bytes = 4_000  # a compaction every few writes
    app = create_app(activities=20, state_file=state_file)

    def write(worker: int) -> list[str]:
        client = app.test_client()
        done = []
        for i in range(40):
            subject = f"{worker}-{i}"
            if client.post("/api/v2/activities", json={"subject": subject}, headers=HEADERS).status_code == 200:
                done.append(subject)
        return done

    with ThreadPoolExecutor(4) as pool:
        acknowledged = [s for done in pool.map(write, range(4)) for s in done]
    assert len(acknowledged) == 160
    saved = set(_subjects(_restarted(path)))
    assert set(acknowledged) <= saved
    assert max(number for number, _ in segment_paths(path)) > 2  # compactions happened and removed logs
    state_file.close()
    assert set(acknowledged) <= set(_subjects(_restarted(path))) and not segment_paths(path)


def test_concurrent_writes_share_fsyncs(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    state_file = StateFile(path)
    app = create_app(activities=2, state_file=state_file)
    app.test_client().post("/api/v2/activities", json={"subject": "open the log"}, headers=HEADERS)
    real_fsync, fsyncs = os.fsync, []

    def slow_fsync(fd: int) -> None:
        fsyncs.append(fd)
        time.sleep(0.02)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", slow_fsync)

    def write(worker: int) -> int:
        client = app.test_client()
        return sum(client.post("/api/v2/activities", json={"subject": f"{worker}-{i}"},
                               headers=HEADERS).status_code == 200 for i in range(5))

    with ThreadPoolExecutor(8) as pool:
        assert sum(pool.map(write, range(8))) == 40
    assert len(fsyncs) <= 20  # 40 writes, fsynced in groups


def test_served_write_that_cannot_be_saved_answers_500_and_did_not_happen(path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    state_file = StateFile(path)
    store = Store.default(seed=1, activities=2)
    state_file.save(store)
    with LiveServer(create_app(store, state_file=state_file)) as server:
        session = requests.Session()
        assert session.post(server.url + "/api/v2/activities", json={"subject": "Saved"}, headers=HEADERS,
                            timeout=TIMEOUT).status_code == 200

        def disk_full(fd: int) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        with monkeypatch.context() as patch:
            patch.setattr(os, "fsync", disk_full)
            refused = session.post(server.url + "/api/v2/activities", json={"subject": "Not saved"},
                                   headers=HEADERS, timeout=TIMEOUT)
        assert refused.status_code == 500 and "not applied" in refused.json()["error"]
        journaled = server.app.extensions["pipedrive_mock"].journal.entries("POST")[-1]
        assert journaled.status == 500 and journaled.body == {"subject": "Not saved"}  # what the client heard
        listed = session.get(server.url + "/api/v2/activities?limit=500", headers=HEADERS, timeout=TIMEOUT).json()
        assert "Not saved" not in [a["subject"] for a in listed["data"]]
        assert session.post(server.url + "/api/v2/activities", json={"subject": "Later"}, headers=HEADERS,
                            timeout=TIMEOUT).status_code == 200
    saved = _subjects(_restarted(path))
    assert {"Saved", "Later"} <= set(saved) and "Not saved" not in saved
    state_file.close()


def test_clean_stop_leaves_the_snapshot_whole_and_no_log(path: Path) -> None:
    process, url = _served(path)
    requests.post(url + "/api/v2/activities", json={"subject": "In the snapshot"}, headers=HEADERS, timeout=TIMEOUT)
    _end(process, signal.SIGTERM)
    assert not segment_paths(path)
    assert b"In the snapshot" in path.read_bytes()


def test_compactions_that_never_finish_lose_nothing(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    state_file = StateFile(path)
    state_file.compact_bytes = 3_000
    client = create_app(activities=5, state_file=state_file).test_client()
    client.post("/api/v2/activities", json={"subject": "before"}, headers=HEADERS)  # the base snapshot

    def killed(data: bytes) -> None:  # as if killed before the rename: the old snapshot stays
        raise OSError(errno.EIO, "killed")

    monkeypatch.setattr(state_file, "_write_snapshot", killed)
    subjects = [f"during {i}" for i in range(90)]
    for subject in subjects:
        assert client.post("/api/v2/activities", json={"subject": subject}, headers=HEADERS).status_code == 200
        deadline = time.monotonic() + TIMEOUT
        while state_file._compaction is not None and time.monotonic() < deadline:
            time.sleep(0.01)  # each compaction fails before the next is begun
    assert len(segment_paths(path)) > 2  # the log went on in new segments; none was removed
    assert set(subjects) | {"before"} <= set(_subjects(_restarted(path)))
