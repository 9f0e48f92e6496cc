"""The state file's log, record by record: each acknowledged write (of the API or the control API) a record on
disk that does not grow with the state, replayed at start over the snapshot; a torn last record is left out, a
corrupt or missing one in the middle refuses the start, naming the file and the line."""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import requests

from pipedrive_mock import Store, create_app, snapshot
from pipedrive_mock.changes import Changes
from pipedrive_mock.statefile import StateFile
from pipedrive_mock.segments import segment_paths
from state_server import HEADERS, ROOT, TIMEOUT, _end, _restarted, _served, _subjects, path  # noqa: F401 - fixture


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
