"""End to end: `python -m mockserver serve` in a subprocess, used by a plain `requests` client."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
import requests

from pipedrive_mock.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30


def start_server(command: tuple[str, ...] = ("serve",), preexec_fn: Callable[[], object] | None = None
                 ) -> tuple[subprocess.Popen[str], str, str]:
    """The served mock, its base URL and the line it printed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "pipedrive_mock", *command, "--port", "0", "--activities", "50",
                                "--seed", "3"], stdout=subprocess.PIPE, text=True, env=env,
                               preexec_fn=preexec_fn)
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"(http://127\.0\.0\.1:\d+)", line)
    assert match, line
    return process, match.group(1), line


@contextmanager
def serving(*options: str) -> Iterator[str]:
    """`mockserver serve` with these options; yields its base URL; ends it by its PID."""
    process, url, _ = start_server(command=("serve", *options))
    try:
        yield url
    finally:
        process.kill()
        process.wait(START_TIMEOUT)


@pytest.fixture
def served() -> Iterator[tuple[subprocess.Popen[str], str, str]]:
    process, url, line = start_server()
    try:
        yield process, url, line
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(START_TIMEOUT)


def test_serve_prints_one_line_with_url_and_tokens(served: tuple[subprocess.Popen[str], str, str]) -> None:
    _, url, line = served
    assert "admin-token" in line and "user-token" in line and url in line


def test_requests_client_works_unchanged_but_for_base_url(served: tuple[subprocess.Popen[str], str, str]) -> None:
    _, url, _ = served
    session = requests.Session()
    session.headers["x-api-token"] = "admin-token"
    v2 = f"{url}/api/v2"
    added = session.post(f"{v2}/activities", json={"subject": "Call Anna", "type": "call"}, timeout=10)
    assert added.status_code == 200
    activity_id = added.json()["data"]["id"]
    updated = session.patch(f"{v2}/activities/{activity_id}", json={"done": True}, timeout=10).json()["data"]
    assert updated["done"] is True and updated["marked_as_done_time"]
    collection = session.get(f"{url}/v1/activities/collection", params={"limit": 500}, timeout=10).json()
    assert activity_id in [a["id"] for a in collection["data"]]
    assert session.delete(f"{v2}/activities/{activity_id}", timeout=10).json() == \
        {"success": True, "data": {"id": activity_id}}
    bad = session.get(f"{v2}/activities", params={"limit": 0}, timeout=10)
    assert bad.status_code == 400 and bad.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_serve_stops_cleanly_on_ctrl_c_and_sigterm(signum: int) -> None:
    # Started with SIGINT ignored, as a non-interactive shell starts a background job.
    process, url, _ = start_server(preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        assert requests.get(f"{url}/openapi.yaml", timeout=10).status_code == 200
        process.send_signal(signum)
        assert process.wait(START_TIMEOUT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(START_TIMEOUT)


def test_cli_serve_defaults_to_loopback_port_8000_seed_1() -> None:
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.seed, args.activities) == ("127.0.0.1", 8000, 1, 200)


def test_cli_without_command_serves() -> None:
    process, url, _ = start_server(command=())
    try:
        assert requests.get(f"{url}/openapi.yaml", timeout=10).status_code == 200
    finally:
        process.kill()
        process.wait(START_TIMEOUT)


@pytest.mark.parametrize("server", ["uvicorn", "waitress"])
def test_served_mock_keeps_keep_alive_in_step_after_an_ignored_body(server: str) -> None:
    # A body the operation does not take (here on a GET) must not be read as the next request.
    with serving("--server", server) as url:
        session = requests.Session()
        session.headers["x-api-token"] = "admin-token"
        first = session.get(f"{url}/api/v2/activities/1", data=b'{"stray": "body"}' * 100, timeout=10)
        second = session.get(f"{url}/api/v2/activities/2", timeout=10)
        assert (first.status_code, second.status_code) == (200, 200)
        assert second.json()["data"]["id"] == 2


@pytest.mark.parametrize("server", ["uvicorn", "waitress"])
def test_more_open_connections_than_threads_are_all_answered(server: str) -> None:
    # Clients that keep their connections open (pools, sessions) must not hold the server's threads:
    # with 2 threads, a third client holding its connection is answered as promptly as the first two.
    with serving("--server", server, "--threads", "2") as url, ExitStack() as clients:
        address = _address(url)
        request = (f"GET /api/v2/activities/1 HTTP/1.1\r\nHost: {address[0]}\r\n"
                   "x-api-token: admin-token\r\n\r\n").encode()
        for _ in range(3):  # each client sends, reads its answer, and leaves its connection open
            client = clients.enter_context(socket.create_connection(address, timeout=3))
            client.sendall(request)
            assert _read_response(client).startswith(b"HTTP/1.1 200")


def _address(url: str) -> tuple[str, int]:
    host, port = url.removeprefix("http://").split(":")
    return host, int(port)


def _read_response(client: socket.socket) -> bytes:
    """One whole response (head and Content-Length body) from a connection, which stays open."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += client.recv(65536) or _closed()
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
    while len(body) < length:
        body += client.recv(65536) or _closed()
    return head + b"\r\n\r\n" + body


def _closed() -> bytes:
    raise AssertionError("the server closed the connection before the whole response")


@pytest.mark.parametrize("server", ["uvicorn", "waitress"])
def test_a_delayed_answer_holds_up_no_other_request(server: str) -> None:
    headers = {"x-api-token": "admin-token"}
    delay_ms = 3000
    with serving("--server", server) as url:
        requests.post(f"{url}/_mock/faults", json={"path": "/api/v2/activities/1", "latency_ms": delay_ms,
                                                   "times": 1}, timeout=10).raise_for_status()
        slow: dict[str, object] = {}

        def call_slow() -> None:
            response = requests.get(f"{url}/api/v2/activities/1", headers=headers, timeout=30)
            # elapsed: until the status line and headers came, which are held back too
            slow.update(status=response.status_code, seconds=response.elapsed.total_seconds())

        caller = threading.Thread(target=call_slow)
        caller.start()
        while requests.get(f"{url}/_mock/faults", timeout=10).json()["faults"]:
            time.sleep(0.01)  # the fault is used up once the slow request has arrived
        other = requests.get(f"{url}/api/v2/activities/2", headers=headers, timeout=10)
        assert other.status_code == 200 and caller.is_alive()  # answered while the first is held back
        caller.join(30)
        assert slow["status"] == 200 and slow["seconds"] >= delay_ms / 1000  # type: ignore[operator]


@pytest.mark.parametrize("server", ["uvicorn", "waitress"])
def test_idle_connections_and_a_slow_upload_hold_up_no_other_request(server: str) -> None:
    body = b'{"subject": "Sent slowly"}'
    with serving("--server", server, "--threads", "2") as url, ExitStack() as clients:
        address = _address(url)
        for _ in range(20):  # connections that never send anything
            clients.enter_context(socket.create_connection(address, timeout=10))
        uploader = clients.enter_context(socket.create_connection(address, timeout=10))
        uploader.sendall((f"POST /api/v2/activities HTTP/1.1\r\nHost: {address[0]}\r\n"
                          f"x-api-token: admin-token\r\nContent-Type: application/json\r\n"
                          f"Content-Length: {len(body)}\r\n\r\n").encode() + body[:10])  # the rest later
        other = requests.get(f"{url}/api/v2/activities/1", headers={"x-api-token": "admin-token"}, timeout=10)
        assert other.status_code == 200
        uploader.sendall(body[10:])
        answer = _read_response(uploader)
        assert answer.startswith(b"HTTP/1.1 200") and b"Sent slowly" in answer


def test_a_chunked_body_over_the_limit_is_refused_413_over_http(served: tuple[subprocess.Popen[str], str, str]
                                                                 ) -> None:
    _, url, _ = served

    def chunks() -> Iterator[bytes]:
        yield b'{"note": "'
        for _ in range(40):
            yield b"x" * 65536  # 2.5 MB in all, over the 1 MB limit, sent without a Content-Length

    response = requests.post(f"{url}/api/v2/activities", data=chunks(), timeout=30,
                             headers={"x-api-token": "admin-token", "Content-Type": "application/json"})
    assert response.status_code == 413 and response.json()["success"] is False


def test_served_mock_with_access_log_answers_and_logs_each_request() -> None:
    process, url, _ = start_server(command=("serve", "--access-log"))
    try:
        answer = requests.get(f"{url}/api/v2/activities/1", headers={"x-api-token": "admin-token"}, timeout=10)
        assert answer.status_code == 200
        assert process.stdout is not None
        assert "/api/v2/activities/1" in process.stdout.readline()
    finally:
        process.kill()
        process.wait(START_TIMEOUT)
