"""Server processes for the HTTP benchmarks: started on 127.0.0.1, ended by their own pid."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
TOKEN = "admin-token"
READY_POLL_SECONDS = 0.01
STOP_TIMEOUT_SECONDS = 5
_URL = re.compile(r"http://127\.0\.0\.1:(\d+)")


def python_env() -> dict[str, str]:
    """The environment for child Pythons: this tree first on the path."""
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{path}" if path else str(ROOT)}


def free_port() -> int:
    """A port free now, for servers that cannot be told to pick one (Prism)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def answers(url: str, token: str | None = TOKEN) -> bool:
    request = urllib.request.Request(url, headers={"x-api-token": token} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, OSError):
        return False


@dataclass
class Server:
    """A running server process and its base URL."""
    name: str
    process: subprocess.Popen[str]
    url: str
    started: float

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def pids(self) -> list[int]:
        """The process and its live children, from /proc."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [pid, *map(int, children)]

    def cpu_seconds(self) -> float:
        """User and system CPU time the process and its live children have used so far, from /proc."""
        return sum(_cpu_seconds(pid) for pid in self.pids())

    def rss_mb(self) -> float:
        """Memory of the process and its children now: their proportional set sizes (PSS), so pages a
        forked worker shares with its master count once, from /proc."""
        kilobytes = 0
        for pid in self.pids():
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            kilobytes += int(re.search(r"^Pss:\s+(\d+) kB", rollup, re.M).group(1))  # type: ignore[union-attr]
        return kilobytes / 1024

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_python(name: str, args: list[str], timeout: float) -> Server:
    """A Python server that prints its URL (port 0 picks a free port) on its first line."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=python_env(), text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    line = process.stdout.readline()
    match = _URL.search(line)
    if match is None:
        process.kill()
        raise RuntimeError(f"{name} did not print its URL: {line!r}")
    # Whatever it prints next (an access log) is read and dropped, so a full pipe never stops it: in
    # large reads, as a file or a terminal would take it (reading it line by line, the reader fell behind
    # and the server waited on a full pipe).
    threading.Thread(target=_drain, args=(process.stdout.fileno(),), daemon=True).start()
    return Server(name, process, f"http://{HOST}:{match.group(1)}", started)


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 1 << 20):
            pass
    except OSError:  # closed as the server stopped
        pass


def start_command(name: str, command: list[str], port: int, env: dict[str, str] | None = None) -> Server:
    process = subprocess.Popen(command, cwd=ROOT, env=env, text=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    return Server(name, process, f"http://{HOST}:{port}", time.perf_counter())


def wait_ready(server: Server, path: str, timeout: float) -> float:
    """Seconds from the server's start to its first 200 on `path`."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if answers(server.url + path):
            return time.perf_counter() - server.started
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.process.returncode}")
        time.sleep(READY_POLL_SECONDS)
    raise RuntimeError(f"{server.name} not ready within {timeout} s")
