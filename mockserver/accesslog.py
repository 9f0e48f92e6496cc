"""`mockserver serve --access-log`: one line a request, as text or JSON, on standard output.

Each line: method, path (never the query string, which may carry `api_token`), status, the time the
mock took (an injected fault's delay included), the contract operation and how many violations the
journal noted. Tokens are never written. Other log records (warnings, errors) go to standard error in
the same format (`--log-format`), at `--log-level`.
"""
from __future__ import annotations

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
FLUSH_SECONDS = 0.1

access_log = logging.getLogger(ACCESS_LOGGER)


class JsonFormatter(logging.Formatter):
    """A JSON object a line: time, level, logger, message, and the fields of an access line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"), "level": record.levelname,
                                "logger": record.name, "message": record.getMessage()}
        line.update(getattr(record, "access", {}))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure(level: str = "warning", log_format: str = "text", access: bool = False) -> None:
    """Log records at `level` to standard error; access lines (when asked for) to standard output."""
    formatter: logging.Formatter = JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    errors = logging.StreamHandler(sys.stderr)
    errors.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [errors]
    root.setLevel(level.upper())
    access_log.propagate = False
    access_log.handlers[:] = []
    if access:
        out = BatchedStreamHandler(_own_buffer(sys.stdout))
        out.setFormatter(formatter if log_format == "json" else logging.Formatter("%(message)s"))
        access_log.addHandler(out)
        access_log.setLevel(logging.INFO)
    else:
        access_log.setLevel(logging.CRITICAL + 1)


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


class BatchedStreamHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler that flushes at most every FLUSH_SECONDS, from a thread of its own, not per line.

    A flush per line is a write to the pipe or file for every request: with a reader that falls behind
    (a pipe), the server waited on it, and the access log cost a third of get-one's throughput. A line is
    out within FLUSH_SECONDS; at exit `logging.shutdown` flushes the rest (a kill -9 loses at most that).
    """

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._pending = threading.Event()
        threading.Thread(target=self._flusher, name="access-log-flush", daemon=True).start()

    def flush(self) -> None:
        self._pending.set()

    def _flusher(self) -> None:
        while True:
            self._pending.wait()
            time.sleep(FLUSH_SECONDS)
            self._pending.clear()
            with self.lock:  # type: ignore[union-attr]  # emit writes under the same lock
                if self.stream and hasattr(self.stream, "flush"):
                    self.stream.flush()

    def close(self) -> None:
        with self.lock:  # type: ignore[union-attr]
            if self.stream and hasattr(self.stream, "flush"):
                self.stream.flush()
        super().close()


class AccessLog:
    """WSGI middleware writing one access line for each request the app answers."""

    def __init__(self, app: Any) -> None:
        self.app = app

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
        write(environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""), status, elapsed, environ.get(JOURNAL_ENTRY),
              environ.get("REMOTE_ADDR", ""))
        return body


def write(method: str, path: str, status: int, seconds: float, entry: Any, client: str) -> None:
    operation = entry.operation if entry is not None and entry.operation else "-"
    violations = len(entry.violations) if entry is not None else 0
    fields = {"client": client, "method": method, "path": path, "status": status, "ms": round(seconds * 1000, 2),
              "operation": operation, "violations": violations}
    access_log.info("%s %s %s %d %.2fms %s violations=%d", client or "-", method, path, status, seconds * 1000,
                    operation, violations, extra={"access": fields})
