"""The access log's lines (`mockserver serve --access-log`): their format, that each request gets one, that they
come out while the server runs and at its stop, and that none is lost to concurrent requests or a reader that
falls behind."""
from __future__ import annotations

import errno
import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from werkzeug.test import Client

from pipedrive_mock import ADMIN_TOKEN, Store, accesslog, create_app
from pipedrive_mock.accesslog import AccessLines, AccessLog
from pipedrive_mock.live import LiveServer
from pipedrive_mock.statefile import StateFile

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 30
HOUR = 3600.0  # a writer thread that never writes on its own within a test
TOKEN = {"x-api-token": "admin-token"}
CLIENT = {"REMOTE_ADDR": "127.0.0.1"}
TEXT_LINE = re.compile(r"(\S+) (\S+) (\S+) (\d{3}) (\d+\.\d\d)ms (\S+) violations=(\d+)")


class Entry:
    """A journal entry's two fields the access log reads."""

    def __init__(self, operation: str | None, violations: tuple[str, ...] = ()) -> None:
        self.operation = operation
        self.violations = violations


def _request(method: str, path: str, client: str = "127.0.0.1", entry: Entry | None = None) -> dict[str, Any]:
    """The environ keys of a request the access log reads, as a server and the app leave them."""
    return {"REQUEST_METHOD": method, "PATH_INFO": path, "REMOTE_ADDR": client, accesslog.JOURNAL_ENTRY: entry}


def _logged(log_format: str = "text", flush_seconds: float = HOUR) -> tuple[Client, AccessLines, io.StringIO]:
    stream = io.StringIO()
    lines = AccessLines(stream, log_format, flush_seconds=flush_seconds)
    return Client(AccessLog(create_app(activities=3), lines)), lines, stream


def _eventually(read: Any, want: int) -> list[str]:
    """The lines read once `want` of them are there (or what there is after TIMEOUT seconds)."""
    deadline = time.monotonic() + TIMEOUT
    seen = read().splitlines()
    while len(seen) < want and time.monotonic() < deadline:
        time.sleep(0.01)
        seen = read().splitlines()
    return seen


def test_access_log_text_line_names_client_method_path_status_time_operation_and_violations() -> None:
    client, lines, stream = _logged()
    client.get("/api/v2/activities/1?api_token=admin-token", environ_base=CLIENT)
    client.post("/api/v2/activities", json={"subject": "x", "colour": "red"}, headers=TOKEN, environ_base=CLIENT)
    lines.flush()
    written = stream.getvalue().splitlines()
    assert [TEXT_LINE.fullmatch(line).groups()[:4] + TEXT_LINE.fullmatch(line).groups()[5:]  # type: ignore[union-attr]
            for line in written] == [("127.0.0.1", "GET", "/api/v2/activities/1", "200", "getActivity", "0"),
                                     ("127.0.0.1", "POST", "/api/v2/activities", "400", "addActivity", "1")]
    assert "admin-token" not in stream.getvalue()


def test_access_log_json_line_is_the_json_formatters_object_byte_for_byte() -> None:
    stream = io.StringIO()
    lines = AccessLines(stream, "json", flush_seconds=HOUR)
    path = '/api/v2/"quoted"\\back\tslash/caf\u00e9/\x7f'
    lines.write(_request("GET", path, "", Entry(None, ("one", "two"))), "404 NOT FOUND", 0.0012345)
    lines.write(_request("PATCH", "/api/v2/activities/7", "::1", Entry("updateActivity")), "200 OK", 1.5)
    lines.flush()
    written = stream.getvalue().splitlines()
    first, second = (json.loads(line) for line in written)
    # The same text json.dumps gives (JsonFormatter's), keys in the documented order.
    assert written == [json.dumps(first, ensure_ascii=False), json.dumps(second, ensure_ascii=False)]
    assert list(first) == ["time", "level", "logger", "message", "client", "method", "path", "status", "ms",
                           "operation", "violations"]
    assert (first["path"], first["status"], first["ms"], first["operation"], first["violations"],
            first["client"]) == (path, 404, 1.23, "-", 2, "")
    assert first["message"] == f"- GET {path} 404 1.23ms - violations=2"
    assert (second["level"], second["logger"], second["ms"], second["message"]) == (
        "INFO", accesslog.ACCESS_LOGGER, 1500.0, "::1 PATCH /api/v2/activities/7 200 1500.00ms updateActivity "
                                                "violations=0")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}", first["time"])


def test_access_log_lines_come_out_without_a_flush_while_the_server_runs() -> None:
    client, _, stream = _logged(flush_seconds=0.01)
    for _ in range(3):
        client.get("/api/v2/activities/1", headers=TOKEN)
    assert len(_eventually(stream.getvalue, 3)) == 3
    client.get("/api/v2/activities/2", headers=TOKEN)  # a later batch wakes the writer again
    seen = _eventually(stream.getvalue, 4)
    assert len(seen) == 4 and "/api/v2/activities/2 200" in seen[-1]


def test_access_log_keeps_every_line_of_concurrent_requests_in_one_piece() -> None:
    stream = io.StringIO()
    lines = AccessLines(stream, flush_seconds=0.001)  # batches written while the requests go on
    threads, each = 8, 500

    def serve(thread: int) -> None:
        for number in range(each):
            lines.write(_request("GET", f"/t{thread}/r{number}", entry=Entry("getActivity")), "200 OK", 0.0)
    workers = [threading.Thread(target=serve, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    lines.flush()
    written = stream.getvalue().splitlines()
    assert sorted(written) == sorted(f"127.0.0.1 GET /t{t}/r{n} 200 0.00ms getActivity violations=0"
                                     for t in range(threads) for n in range(each))


def test_access_log_past_its_bound_the_request_writes_the_waiting_lines_itself(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accesslog, "MAX_PENDING_LINES", 5)
    stream = io.StringIO()
    lines = AccessLines(stream, flush_seconds=HOUR)  # the writer thread is asleep all along
    for number in range(5):
        lines.write(_request("GET", f"/r{number}"), "200 OK", 0.0)
    assert stream.getvalue().splitlines() == [f"127.0.0.1 GET /r{n} 200 0.00ms - violations=0" for n in range(5)]


class Closed(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_access_log_whose_reader_went_away_says_so_once_and_the_requests_go_on(
        capsys: pytest.CaptureFixture[str]) -> None:
    lines = AccessLines(Closed(), flush_seconds=HOUR)
    client = Client(AccessLog(create_app(activities=3), lines))
    for _ in range(2):
        assert client.get("/api/v2/activities/1", headers=TOKEN).status_code == 200
        lines.flush()
    assert capsys.readouterr().err.count("access lines are no longer written") == 1


def _serve(stdout: Any, *options: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "pipedrive_mock", "serve", "--port", "0", "--activities", "3",
                             "--access-log", *options], stdout=stdout, stderr=subprocess.DEVNULL, text=True, env=env)


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_serve_access_log_in_a_file_has_every_request_after_sigterm(tmp_path: Path, log_format: str) -> None:
    import requests

    log = tmp_path / "access.log"
    with log.open("w") as out:
        process = _serve(out, "--log-format", log_format)
    try:
        announce = _eventually(log.read_text, 1)
        url = re.search(r"http://127\.0\.0\.1:\d+", announce[0] if announce else "")
        assert url, announce
        with requests.Session() as session:
            for number in range(1, 201):
                session.get(f"{url.group(0)}/api/v2/activities/{number % 3 + 1}", headers=TOKEN, timeout=10)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(TIMEOUT)
    written = log.read_text().splitlines()[1:]
    assert len(written) == 200
    paths = [json.loads(line)["path"] if log_format == "json" else line.split()[2] for line in written]
    assert paths == [f"/api/v2/activities/{number % 3 + 1}" for number in range(1, 201)]


def test_access_log_lines_still_waiting_at_exit_are_written() -> None:
    program = ("import sys\n"
               "from pipedrive_mock.accesslog import AccessLines, _own_buffer\n"
               f"lines = AccessLines(_own_buffer(sys.stdout), flush_seconds={HOUR})\n"
               "for number in range(1000):\n"
               "    lines.write({'REQUEST_METHOD': 'GET', 'PATH_INFO': f'/r{number}', 'REMOTE_ADDR': '127.0.0.1'},"
               " '200 OK', 0.0)\n"
               "raise SystemExit(0)  # as the server's SIGTERM handler ends it\n")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=TIMEOUT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    assert done.stdout.splitlines() == [f"127.0.0.1 GET /r{n} 200 0.00ms - violations=0" for n in range(1000)]


def _behind(app: Any) -> Any:
    """`app` behind a middleware of its own: the server no longer sees the AccessLog and calls it."""
    return lambda environ, start_response: app(environ, start_response)


@pytest.mark.parametrize("served", [lambda app: app, _behind],
                         ids=["written-by-the-server", "written-by-the-middleware"])
def test_access_log_line_of_a_served_write_that_cannot_be_saved_says_the_500_the_client_heard(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, served: Any) -> None:
    # On the event-loop server a write's answer is held until it is on disk (asgi.py); when it cannot be
    # saved the client hears a 500 instead, and so does the access log (not the 200 the view gave): whether
    # the server writes the line itself (it serves an AccessLog so) or the middleware does.
    state_file = StateFile(tmp_path / "state.json")
    store = Store.default(seed=1, activities=2)
    state_file.save(store)
    stream = io.StringIO()
    lines = AccessLines(stream, flush_seconds=HOUR)
    headers = {"x-api-token": ADMIN_TOKEN}
    heard = []
    with LiveServer(served(AccessLog(create_app(store, state_file=state_file), lines))) as server:
        session = requests.Session()
        heard.append(session.post(server.url + "/api/v2/activities", json={"subject": "Saved"}, headers=headers,
                                  timeout=10).status_code)

        def disk_full(fd: int) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        with monkeypatch.context() as patch:
            patch.setattr(os, "fsync", disk_full)
            heard.append(session.post(server.url + "/api/v2/activities", json={"subject": "Not saved"},
                                      headers=headers, timeout=10).status_code)
    lines.flush()
    state_file.close()
    logged = [line.split()[3] for line in stream.getvalue().splitlines() if " POST /api/v2/activities " in line]
    assert heard == [200, 500] and logged == ["200", "500"]


def test_access_log_whose_reader_stopped_reading_does_not_hold_the_exit() -> None:
    # Standard output a pipe whose reader takes nothing (a paused `| less`): the exit writes what it can
    # within accesslog.EXIT_WAIT_SECONDS, says the rest was not written, and the process ends.
    program = ("import sys\n"
               "from pipedrive_mock.accesslog import AccessLines, _own_buffer\n"
               f"lines = AccessLines(_own_buffer(sys.stdout), flush_seconds={HOUR})\n"
               "for number in range(20000):  # ~1 MB of lines, far more than a pipe holds\n"
               "    lines.write({'REQUEST_METHOD': 'GET', 'PATH_INFO': f'/r{number}', 'REMOTE_ADDR': '127.0.0.1'},"
               " '200 OK', 0.0)\n"
               "raise SystemExit(0)\n")
    process = subprocess.Popen([sys.executable, "-c", program], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + TIMEOUT
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)  # nothing reads its standard output meanwhile
        assert process.poll() == 0, "the exit waited for a reader that never read"
        assert b"the last access lines were not written" in process.stderr.read()
    finally:
        process.kill()
        process.wait()
