"""The server's own output stays clean: no traceback for a client that disconnects mid-pipeline, nor for
SIGTERM during a delayed answer (over HTTP, `mockserver serve`)."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import requests

from test_serve import ROOT, START_TIMEOUT


def test_disconnects_and_sigterm_during_a_delayed_answer_leave_no_traceback() -> None:
    process = subprocess.Popen([sys.executable, "-m", "pipedrive_mock", "serve", "--port", "0", "--activities", "5"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert process.stdout is not None
    url = re.search(r"(http://\S+:\d+)", process.stdout.readline()).group(1)  # type: ignore[union-attr]
    host, port = url.removeprefix("http://").rsplit(":", 1)
    try:
        requests.post(f"{url}/_mock/faults", json={"latency_ms": 10_000}, timeout=10).raise_for_status()
        answers: list[int] = []
        caller = threading.Thread(target=lambda: answers.append(requests.get(
            f"{url}/api/v2/activities/1", headers={"x-api-token": "admin-token"}, timeout=30).status_code))
        caller.start()
        for body in (b"", b'{"subject": "half'):  # gone during the delay; gone mid-body
            with socket.create_connection((host, int(port)), timeout=10) as client:
                client.sendall(f"POST /api/v2/activities HTTP/1.1\r\nHost: {host}\r\nx-api-token: admin-token\r\n"
                               f"Content-Type: application/json\r\nContent-Length: {len(body) + 100 if body else 2}"
                               f"\r\n\r\n".encode() + (body or b"{}"))
                time.sleep(0.3)
        time.sleep(0.3)
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=START_TIMEOUT)
        caller.join(30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(START_TIMEOUT)
    assert process.returncode == 0
    assert "Traceback" not in errors and "Exception in ASGI application" not in errors, errors
    assert answers == [200]  # the delayed answer went out as the server stopped
