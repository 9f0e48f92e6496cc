"""First contact: every way `mockserver serve` can be started wrong is one line, exit status 2, no traceback.

Each case runs the real command (`python -m pipedrive_mock serve ...`) as a user would.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pipedrive_mock import __version__

TIMEOUT = 60
UNWRITABLE_AS_ROOT = Path("/sys/kernel/notes")  # a regular file even root may not write


def mockserver(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipedrive_mock", *args], capture_output=True, text=True,
                          timeout=TIMEOUT, check=False, stdin=subprocess.DEVNULL)


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def _unwritable_file(tmp: Path) -> str:
    if os.geteuid() == 0:
        if not UNWRITABLE_AS_ROOT.is_file():
            pytest.skip("no file here that root cannot write")
        return str(UNWRITABLE_AS_ROOT)
    path = tmp / "state.json"
    path.write_text("{}")
    path.chmod(0o400)
    return str(path)


def _unwritable_folder(tmp: Path) -> str:
    if os.geteuid() == 0:
        return "/proc/mockserver-state.json"  # /proc takes no new files, whoever asks
    folder = tmp / "locked"
    folder.mkdir(mode=0o500)
    return str(folder / "state.json")


def _fifo(tmp: Path) -> str:
    path = tmp / "state.fifo"
    os.mkfifo(path)
    return str(path)


def _bad_data(tmp: Path) -> str:
    path = tmp / "data.yaml"
    path.write_text("users:\n  - {name: Ann, admin: maybe}\n")
    return str(path)


def _not_yaml(tmp: Path) -> str:
    path = tmp / "data.yaml"
    path.write_text("users: [\n")
    return str(path)


def _not_a_snapshot(tmp: Path) -> str:
    path = tmp / "state.json"
    path.write_text('{"version": 1}')
    return str(path)


Case = Callable[[Path], list[str]]
CASES: dict[str, tuple[Case, str]] = {
    "port out of range": (lambda tmp: ["--port", "70000"], "--port must be from 0 to 65535"),
    "negative port": (lambda tmp: ["--port", "-1"], "--port must be from 0 to 65535"),
    "port not a number": (lambda tmp: ["--port", "http"], "--port must be a whole number"),
    "unresolvable host": (lambda tmp: ["--host", "no-such-host.invalid"], "this machine can resolve"),
    "host not of this machine": (lambda tmp: ["--host", "192.0.2.1"], "is not an address of this machine"),
    "state-file folder missing": (lambda tmp: ["--state-file", str(tmp / "nowhere" / "s.json")], "does not exist"),
    "state-file is a directory": (lambda tmp: ["--state-file", str(tmp)], "is a directory"),
    "state-file is a FIFO": (lambda tmp: ["--state-file", _fifo(tmp)], "is not a regular file"),
    "state-file unwritable": (lambda tmp: ["--state-file", _unwritable_file(tmp)], "cannot be read and written"),
    "state-file folder unwritable": (lambda tmp: ["--state-file", _unwritable_folder(tmp)], "cannot write in the folder"),
    "state-file not a snapshot": (lambda tmp: ["--state-file", _not_a_snapshot(tmp)], "is not a snapshot"),
    "empty admin token": (lambda tmp: ["--admin-token", ""], "--admin-token must not be empty"),
    "blank user token": (lambda tmp: ["--user-token", "  "], "--user-token must not be empty"),
    "empty control token": (lambda tmp: ["--control-token", ""], "--control-token must not be empty"),
    "duplicate tokens": (lambda tmp: ["--admin-token", "same", "--user-token", "same"], "must differ"),
    "zero threads": (lambda tmp: ["--threads", "0"], "--threads must be at least 1"),
    "negative activities": (lambda tmp: ["--activities", "-5"], "--activities must be at least 0"),
    "negative seed": (lambda tmp: ["--seed", "-1"], "--seed must be at least 0"),
    "zero journal size": (lambda tmp: ["--journal-size", "0"], "--journal-size must be at least 1"),
    "unknown option": (lambda tmp: ["--colour", "red"], "unrecognized arguments: --colour"),
    "unknown server": (lambda tmp: ["--server", "gunicorn"], "invalid choice: 'gunicorn'"),
    "data file missing": (lambda tmp: ["--data", str(tmp / "none.yaml")], "does not exist"),
    "data file against the schema": (lambda tmp: ["--data", _bad_data(tmp)], "users[0].admin"),
    "data file not YAML": (lambda tmp: ["--data", _not_yaml(tmp)], "is not YAML or JSON at line"),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_serve_started_wrong_says_one_line_and_exits_2(case: str, tmp_path: Path) -> None:
    make_args, expected = CASES[case]
    result = mockserver("serve", "--port", "0", *make_args(tmp_path))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("mockserver"), result.stderr
    assert expected in lines[0]


def test_serve_port_in_use_is_found_before_seeding(busy_port: int, tmp_path: Path) -> None:
    # A data file that would be refused: the port is bound first, so the port is what is told.
    result = mockserver("serve", "--port", str(busy_port), "--data", _bad_data(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == f"mockserver: port {busy_port} on 127.0.0.1 is in use " \
                                    f"(another server? --port 0 picks a free one)"


@pytest.mark.parametrize("args", [["--version"], ["serve", "--version"]])
def test_mockserver_version_prints_the_package_version(args: list[str]) -> None:
    result = mockserver(*args)
    assert (result.returncode, result.stdout.strip()) == (0, f"mockserver {__version__}")


@pytest.mark.parametrize("args", [["--version"], ["record", "--version"], ["check-recording", "--version"]])
def test_pipedrive_contracts_version_prints_the_package_version(args: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", "pipedrive_mock.contracts", *args], capture_output=True,
                            text=True, timeout=TIMEOUT, check=False)
    assert (result.returncode, result.stdout.strip()) == (0, f"pipedrive-contracts {__version__}")


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_serve_access_log_writes_one_line_a_request_without_tokens(log_format: str) -> None:
    import json
    import re

    import requests

    process = subprocess.Popen([sys.executable, "-m", "pipedrive_mock", "serve", "--port", "0", "--activities", "3",
                                "--access-log", "--log-format", log_format], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = re.search(r"http://127\.0\.0\.1:\d+", process.stdout.readline())
        assert url, "no announce line"
        base = url.group(0)
        requests.get(f"{base}/api/v2/activities/1?api_token=admin-token", timeout=10)
        requests.post(f"{base}/api/v2/activities", json={"subject": "x", "colour": "red"},
                      headers={"x-api-token": "admin-token"}, timeout=10)
        lines = [process.stdout.readline().strip() for _ in range(2)]
    finally:
        process.terminate()
        process.wait(TIMEOUT)
    assert not any("admin-token" in line or "adm" in line for line in lines)
    if log_format == "json":
        seen = [json.loads(line) for line in lines]
        assert [(s["method"], s["path"], s["status"], s["operation"], s["violations"]) for s in seen] == [
            ("GET", "/api/v2/activities/1", 200, "getActivity", 0), ("POST", "/api/v2/activities", 400,
                                                                    "addActivity", 1)]
        assert all(isinstance(s["ms"], float) for s in seen)
    else:
        assert re.fullmatch(r"127\.0\.0\.1 GET /api/v2/activities/1 200 [\d.]+ms getActivity violations=0", lines[0])
        assert re.fullmatch(r"127\.0\.0\.1 POST /api/v2/activities 400 [\d.]+ms addActivity violations=1", lines[1])
