"""`mockserver serve --access-log`: one line a request, as text or JSON, on standard output.

Each line: method, path (never the query string, which may carry `api_token`), status, the time the
mock took (an injected fault's delay included), the contract operation and how many violations the
journal noted. Tokens are never written. Other log records (warnings, errors) go to standard error in
the same format (`--log-format`), at `--log-level`.
"""
from __future__ import annotations

import atexit
import io
import json
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from .pipeline import ANSWER_DELAY, JOURNAL_ENTRY, SERVER_HOLDS_ANSWERS

ACCESS_LOGGER = "pipedrive_mock.access"
FORMATS = ("text", "json")
LEVELS = ("debug", "info", "warning", "error")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
JSON_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
FLUSH_SECONDS = 0.1


class JsonFormatter(logging.Formatter):
    """A JSON object a line: time, level, logger, message (AccessLines writes access lines in the same shape)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {"time": self.formatTime(record, JSON_TIME_FORMAT), "level": record.levelname,
                                "logger": record.name, "message": record.getMessage()}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure(level: str = "warning", log_format: str = "text", access: bool = False) -> AccessLines | None:
    """Log records at `level` to standard error; the writer of access lines on standard output, when asked for."""
    formatter: logging.Formatter = JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    errors = logging.StreamHandler(sys.stderr)
    errors.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [errors]
    root.setLevel(level.upper())
    return AccessLines(_own_buffer(sys.stdout), log_format) if access else None


def _own_buffer(stream: Any) -> Any:
    """A buffered writer of its own on `stream`'s file: with PYTHONUNBUFFERED set (common in containers)
    standard output writes each line at once, a system call a request. `stream` itself when it has no file
    (a test's captured output)."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return stream
    stream.flush()
    return io.TextIOWrapper(io.BufferedWriter(io.FileIO(fd, "w", closefd=False), 1 << 16),
                            encoding=getattr(stream, "encoding", None) or "utf-8", errors="replace")


class AccessLines:
    """Access lines, each formatted straight into a buffered stream, flushed at most every FLUSH_SECONDS by a
    thread of its own.

    Not through `logging`: a LogRecord, a formatter and a handler per request cost about 24 us, a tenth of a
    get-one. The lines are the ones the logging formats gave (`%(message)s`; for json, JsonFormatter's
    object). A flush per line would be a write to the pipe or file for every request: with a reader that
    falls behind (a pipe), the server waited on it, and the access log cost a third of get-one's throughput.
    A line is out within FLUSH_SECONDS; at exit the rest is flushed (a kill -9 loses at most that).
    """

    def __init__(self, stream: Any, log_format: str = "text") -> None:
        self.stream = stream
        self.json = log_format == "json"
        self._lock = threading.Lock()
        self._pending = threading.Event()
        self._second = -1
        self._time = ""
        threading.Thread(target=self._flusher, name="access-log-flush", daemon=True).start()
        atexit.register(self.flush)

    def write(self, method: str, path: str, status: int, seconds: float, entry: Any, client: str) -> None:
        operation = entry.operation if entry is not None and entry.operation else "-"
        violations = len(entry.violations) if entry is not None else 0
        ms = seconds * 1000
        message = f"{client or '-'} {method} {path} {status} {ms:.2f}ms {operation} violations={violations}"
        line = self._json(message, client, method, path, status, ms, operation, violations) if self.json \
            else message
        with self._lock:
            self.stream.write(line + "\n")
        if not self._pending.is_set():  # set() takes the event's lock and wakes the flusher: once a batch
            self._pending.set()

    def _json(self, message: str, client: str, method: str, path: str, status: int, ms: float, operation: str,
              violations: int) -> str:
        now = time.time()
        if int(now) != self._second:  # the time field has whole seconds: made once a second
            self._second = int(now)
            self._time = time.strftime(JSON_TIME_FORMAT, time.localtime(now))
        return json.dumps({"time": self._time, "level": "INFO", "logger": ACCESS_LOGGER, "message": message,
                           "client": client, "method": method, "path": path, "status": status,
                           "ms": round(ms, 2), "operation": operation, "violations": violations},
                          ensure_ascii=False)

    def flush(self) -> None:
        with self._lock:
            if hasattr(self.stream, "flush"):
                self.stream.flush()

    def _flusher(self) -> None:
        while True:
            self._pending.wait()
            time.sleep(FLUSH_SECONDS)
            self._pending.clear()
            try:
                self.flush()
            except (OSError, ValueError):  # the reader went away, or the stream closed at exit
                return


class AccessLog:
    """WSGI middleware writing one access line for each request the app answers."""

    def __init__(self, app: Any, lines: AccessLines) -> None:
        self.app = app
        self.lines = lines

    def __getattr__(self, name: str) -> Any:
        # The servers read the app's body limit and state (`config`, `extensions`) through the wrapper.
        return getattr(self.app, name)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.perf_counter()
        seen: list[str] = []

        def remember(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen.append(status)
            return start_response(status, headers, exc_info)

        body = self.app(environ, remember)
        # The delay of an injected fault is waited after the app returns (asgi.py) or inside it.
        held = environ.get(ANSWER_DELAY) or 0.0 if environ.get(SERVER_HOLDS_ANSWERS) else 0.0
        elapsed = time.perf_counter() - started + held
        status = int(seen[-1].split(" ", 1)[0]) if seen else 0
        self.lines.write(environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""), status, elapsed,
                         environ.get(JOURNAL_ENTRY), environ.get("REMOTE_ADDR", ""))
        return body
