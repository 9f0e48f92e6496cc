"""The state file: every acknowledged write is on disk before the response, and survives restarts."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from pipedrive_mock import ADMIN_TOKEN, Store, create_app, snapshot
from pipedrive_mock.statefile import StateFile, StateFileError

ROOT = Path(__file__).resolve().parents[1]
CONTROL_TOKEN = "let-me-in"
START_TIMEOUT = 30


def saved_document(path: Path) -> dict[str, Any]:
    """What a start would load from the state file at `path` and its log."""
    found = StateFile(path).read()
    assert found is not None
    return found[0]


def saved_subjects(path: Path) -> list[str]:
    return [a["subject"] for c in saved_document(path)["companies"] for a in c["activities"]]


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    return tmp_path / "state.json"


# -- in-process ---------------------------------------------------------------------------------------
def test_statefile_save_then_load_restores_the_same_state(state_path: Path) -> None:
    store = Store.default(activities=4)
    store.clock.set(1_900_000_000)
    store.create_company(activities=2)
    StateFile(state_path).save(store)
    restored = Store.default(activities=0)
    assert StateFile(state_path).load(restored) is True
    assert snapshot.dumps(restored) == snapshot.dumps(store)


def test_statefile_load_of_missing_file_returns_false(state_path: Path) -> None:
    assert StateFile(state_path).load(Store.default(activities=0)) is False


@pytest.mark.parametrize("content", [b"not json", b'{"version": 1}', b'{"version": 7, "clock": {}}'])
def test_statefile_load_of_bad_file_raises_naming_the_file(state_path: Path, content: bytes) -> None:
    state_path.write_bytes(content)
    with pytest.raises(StateFileError, match="state.json"):
        StateFile(state_path).load(Store.default(activities=0))


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/api/v2/activities", {"subject": "Saved before the answer"}),
    ("PATCH", "/api/v2/activities/1", {"subject": "Saved before the answer"}),
])
def test_statefile_acknowledged_write_is_on_disk_before_the_response(state_path: Path, method: str, path: str,
                                                                      body: dict[str, Any]) -> None:
    client = create_app(activities=2, state_file=StateFile(state_path)).test_client()
    response = client.open(path, method=method, json=body, headers={"x-api-token": ADMIN_TOKEN})
    assert response.status_code == 200
    assert "Saved before the answer" in saved_subjects(state_path)


@pytest.mark.parametrize(("method", "path"), [("DELETE", "/api/v2/activities/1"), ("DELETE", "/v1/activities?ids=1")])
def test_statefile_deletes_are_saved(state_path: Path, method: str, path: str) -> None:
    client = create_app(activities=2, state_file=StateFile(state_path)).test_client()
    assert client.open(path, method=method, headers={"x-api-token": ADMIN_TOKEN}).status_code == 200
    deleted = saved_document(state_path)["companies"][0]["activities"][0]["deleted_time"]
    assert deleted is not None


def test_statefile_control_write_is_saved(state_path: Path) -> None:
    client = create_app(activities=2, state_file=StateFile(state_path)).test_client()
    client.post("/_mock/seed", json={"seed": 3, "activities": 6})
    assert len(saved_subjects(state_path)) == 6


def test_statefile_refused_write_leaves_the_file_alone(state_path: Path) -> None:
    client = create_app(activities=2, state_file=StateFile(state_path)).test_client()
    response = client.post("/api/v2/activities", json={"subject": 5}, headers={"x-api-token": ADMIN_TOKEN})
    assert response.status_code == 400
    assert not state_path.exists()


def test_statefile_write_that_cannot_be_saved_answers_500(tmp_path: Path) -> None:
    client = create_app(activities=1, state_file=StateFile(tmp_path / "missing" / "state.json")).test_client()
    response = client.post("/api/v2/activities", json={"subject": "x"}, headers={"x-api-token": ADMIN_TOKEN})
    assert response.status_code == 500
    assert "state file" in response.get_json()["error"]


def test_statefile_leaves_no_temporary_files(state_path: Path) -> None:
    client = create_app(activities=1, state_file=StateFile(state_path)).test_client()
    for _ in range(3):
        client.post("/api/v2/activities", json={"subject": "x"}, headers={"x-api-token": ADMIN_TOKEN})
    assert sorted(os.listdir(state_path.parent)) == [state_path.name, f"{state_path.name}.log.1"]


# -- a served mock in a subprocess ---------------------------------------------------------------------
class Served:
    def __init__(self, state: Path, *extra: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pipedrive_mock", "serve", "--port", "0", "--activities", "3",
             "--state-file", str(state), *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)})
        line = self.process.stdout.readline()  # type: ignore[union-attr]
        if "http://" not in line:
            self.process.kill()
            errors = self.process.stderr.read()  # type: ignore[union-attr]
            raise AssertionError(f"server did not start: {line!r} {errors!r}")
        self.url = line.split()[3]
        self.session = requests.Session()

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"x-api-token": ADMIN_TOKEN, "x-mock-control-token": CONTROL_TOKEN}
        return self.session.request(method, self.url + path, headers=headers, timeout=START_TIMEOUT, **kwargs)

    def stop(self, sig: int) -> None:
        self.session.close()
        if self.process.poll() is None:
            self.process.send_signal(sig)
        self.process.wait(timeout=START_TIMEOUT)
        for stream in (self.process.stdout, self.process.stderr):
            stream.close()  # type: ignore[union-attr]


@pytest.fixture
def serve(state_path: Path) -> Iterator[Any]:
    started: list[Served] = []

    def start() -> Served:
        served = Served(state_path, "--control-token", CONTROL_TOKEN)
        started.append(served)
        return served

    yield start
    for served in started:
        if served.process.poll() is None:
            served.stop(signal.SIGKILL)


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGKILL], ids=["clean-stop", "kill-9"])
def test_statefile_served_writes_survive_a_restart(serve: Any, stop_signal: int) -> None:
    first = serve()
    assert first.call("POST", "/_mock/clock", json={"now": "2031-01-01T00:00:00Z"}).status_code == 200
    added = first.call("POST", "/api/v2/activities", json={"subject": "Survivor"}).json()["data"]
    assert first.call("DELETE", "/api/v2/activities/1").status_code == 200
    assert first.call("PATCH", "/api/v2/activities/2", json={"done": True}).status_code == 200
    first.stop(stop_signal)  # right after the last acknowledged write

    second = serve()
    assert second.call("GET", f"/api/v2/activities/{added['id']}?include_fields=attendees").json()["data"] == added
    assert second.call("GET", "/api/v2/activities/1").json()["data"]["is_deleted"] is True
    assert second.call("GET", "/api/v2/activities/2").json()["data"]["done"] is True
    assert second.call("GET", "/_mock/clock").json() == {"now": "2031-01-01T00:00:00Z", "frozen": True}


def test_statefile_served_control_api_needs_its_token(serve: Any) -> None:
    served = serve()
    response = served.session.get(served.url + "/_mock/users", timeout=START_TIMEOUT)
    assert response.status_code == 401 and response.json()["success"] is False
    assert served.call("GET", "/_mock/users").status_code == 200


def test_statefile_corrupt_file_stops_the_server_with_a_message(state_path: Path) -> None:
    state_path.write_text("{broken")
    result = subprocess.run([sys.executable, "-m", "pipedrive_mock", "serve", "--port", "0", "--state-file",
                             str(state_path)], capture_output=True, text=True, timeout=START_TIMEOUT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 2
    assert "state.json" in result.stderr


def test_statefile_concurrent_writes_are_all_saved(state_path: Path) -> None:
    app = create_app(activities=0, state_file=StateFile(state_path))
    writers, adds = 6, 10

    def write(worker: int) -> None:
        client = app.test_client()
        for i in range(adds):
            client.post("/api/v2/activities", json={"subject": f"{worker}-{i}"}, headers={"x-api-token": ADMIN_TOKEN})

    with ThreadPoolExecutor(writers) as pool:
        list(pool.map(write, range(writers)))
    assert sorted(saved_subjects(state_path)) == sorted(f"{w}-{i}" for w in range(writers) for i in range(adds))
