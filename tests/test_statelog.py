"""The state file's log: each acknowledged write a record on disk, replayed at start, compacted meanwhile."""
from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import orjson
import pytest
import requests

from pipedrive_mock import ADMIN_TOKEN, Store, create_app, snapshot
from pipedrive_mock.changes import Changes
from pipedrive_mock.live import LiveServer
from pipedrive_mock.statefile import StateFile
from pipedrive_mock.segments import segment_paths

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


@pytest.fixture
def logged(path: Path) -> Iterator[Any]:
    """A test client of a mock whose state file has its snapshot and a log in use."""
    state_file = StateFile(path)
    store = Store.default(seed=1, activities=3)
    store.clock.freeze(1_900_000_000)
    state_file.save(store)
    client = create_app(store, state_file=state_file).test_client()
    assert client.post("/api/v2/activities", json={"subject": "First"}, headers=HEADERS).status_code == 200
    yield client, store, state_file
    state_file.close()


# -- what a record holds -------------------------------------------------------------------------------
def test_record_of_an_add_does_not_grow_with_the_state() -> None:
    sizes = []
    for activities in (10, 5_000):
        store = Store.default(seed=1, activities=activities)
        changes = Changes()
        changes.baseline(store)
        company = store.company(1)
        company.add(company.users[1], {"subject": "One more"}, store.clock.now())
        sizes.append(len(orjson.dumps(changes.record(store, company))))
    assert sizes[1] <= sizes[0] + 16  # the same record, give or take the digits of the id


def test_record_after_nothing_changed_is_none() -> None:
    store = Store.default(seed=1, activities=5)
    changes = Changes()
    changes.baseline(store)
    assert changes.record(store) is None


def test_acknowledged_write_is_in_the_log_not_a_new_snapshot(logged: Any, path: Path) -> None:
    client, store, _ = logged
    before = path.read_bytes()
    assert client.patch("/api/v2/activities/1", json={"subject": "Renamed"}, headers=HEADERS).status_code == 200
    assert path.read_bytes() == before
    assert _restarted(path).company(1).get(1).subject == "Renamed"


@pytest.mark.parametrize(("method", "url", "body"), [
    ("POST", "/_mock/reset", {}),
    ("POST", "/_mock/seed", {"seed": 4, "activities": 5}),
    ("POST", "/_mock/companies", {"activities": 2}),
    ("POST", "/_mock/clock", {"now": "2031-02-03T04:05:06Z"}),
    ("POST", "/_mock/clock", {"now": "2031-02-03T04:05:06Z", "frozen": False}),
    ("PUT", "/_mock/snapshot", None),
])
def test_control_write_is_logged_and_restarts_the_same(logged: Any, path: Path, method: str, url: str,
                                                        body: Any) -> None:
    client, store, _ = logged
    client.post("/_mock/companies", json={"activities": 1})
    if body is None:  # a snapshot of another state: one company, one activity renamed
        document = orjson.loads(client.get("/_mock/snapshot").data)
        document["companies"] = document["companies"][:1]
        document["companies"][0]["activities"][0]["subject"] = "Restored"
        body = document
    assert client.open(url, method=method, json=body).status_code in (200, 201)
    live, again = (orjson.loads(snapshot.dumps(s)) for s in (store, _restarted(path)))
    if not live["clock"]["frozen"]:  # a flowing clock's now moves on; its offset is what is kept
        del live["clock"]["now"], again["clock"]["now"]
        # The offset is read from each clock as now minus the wall time, to the millisecond, at two moments:
        # the two readings may round to neighbouring milliseconds.
        assert abs(live["clock"].pop("offset") - again["clock"].pop("offset")) <= 0.002
    assert again == live


def test_reset_of_a_company_is_logged(logged: Any, path: Path) -> None:
    client, store, _ = logged
    assert "First" in _subjects(_restarted(path))
    assert client.post("/_mock/reset", json={"company_id": 1}).status_code == 200
    assert "First" not in _subjects(_restarted(path))


# -- replay --------------------------------------------------------------------------------------------
def test_replay_over_a_snapshot_that_has_the_records_changes_nothing(logged: Any, path: Path) -> None:
    client, store, state_file = logged
    client.post("/_mock/companies", json={"activities": 1})
    client.delete("/api/v2/activities/2", headers=HEADERS)
    client.patch("/api/v2/activities/1", json={"subject": "Again"}, headers=HEADERS)
    expected = StateFile(path).read()[0]  # type: ignore[index]
    # A kill after a compaction renamed its snapshot in, before it removed the log it holds.
    path.write_bytes(orjson.dumps(expected))
    assert StateFile(path).read()[0] == expected  # type: ignore[index]


def test_torn_last_record_is_left_out_and_gone_after_the_start(path: Path) -> None:
    process, url = _served(path)
    for subject in ("Kept 1", "Kept 2"):
        assert requests.post(url + "/api/v2/activities", json={"subject": subject}, headers=HEADERS,
                             timeout=TIMEOUT).status_code == 200
    _end(process)
    (_, segment), = segment_paths(path)
    whole = segment.read_bytes()
    segment.write_bytes(whole + whole.splitlines(keepends=True)[-1][:40])  # a write cut short by a kill
    assert {"Kept 1", "Kept 2"} <= set(_subjects(_restarted(path)))
    process, url = _served(path)
    try:
        subjects = [a["subject"] for a in requests.get(url + "/api/v2/activities?limit=500", headers=HEADERS,
                                                        timeout=TIMEOUT).json()["data"]]
        assert {"Kept 1", "Kept 2"} <= set(subjects)
        assert all(p.read_bytes() in (b"",) or p.read_bytes().endswith(b"\n") for _, p in segment_paths(path))
    finally:
        _end(process)


def test_corrupt_record_in_the_middle_refuses_the_start_naming_file_and_line(path: Path) -> None:
    process, url = _served(path)
    for subject in ("One", "Two", "Three"):
        requests.post(url + "/api/v2/activities", json={"subject": subject}, headers=HEADERS, timeout=TIMEOUT)
    _end(process)
    (_, segment), = segment_paths(path)
    lines = segment.read_bytes().splitlines(keepends=True)
    assert len(lines) == 3
    lines[1] = lines[1].replace(b"Two", b"Tw0")
    segment.write_bytes(b"".join(lines))
    result = subprocess.run([sys.executable, "-m", "pipedrive_mock", "serve", "--port", "0", "--state-file",
                             str(path)], capture_output=True, text=True, timeout=TIMEOUT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert f"{segment} line 2" in result.stderr and "checksum" in result.stderr


def test_record_missing_from_the_middle_refuses_the_start(logged: Any, path: Path) -> None:
    client, _, _ = logged
    for subject in ("A", "B"):
        client.post("/api/v2/activities", json={"subject": subject}, headers=HEADERS)
    (_, segment), = segment_paths(path)
    lines = segment.read_bytes().splitlines(keepends=True)
    segment.write_bytes(lines[0] + lines[2])
    with pytest.raises(Exception, match="line 2: record 3 follows record 1"):
        StateFile(path).read()


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
