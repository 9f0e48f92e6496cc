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
from collections import deque
from collections.abc import Callable, Iterable
from json.encoder import encode_basestring as _string  # json.dumps's own quoting of a str (ensure_ascii=False)
from typing import Any

from .constants import ANSWER_DELAY, ANSWER_HOLD, JOURNAL_ENTRY, SERVER_HOLDS_ANSWERS

ACCESS_LOGGER = "pipedrive_mock.access"
FORMATS = ("text", "json")
LEVELS = ("debug", "info", "warning", "error")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
JSON_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
FLUSH_SECONDS = 0.1
# How long the exit waits for the last lines to be taken by the output's reader (a pipe nobody reads
# would otherwise hold the stop for ever).
EXIT_WAIT_SECONDS = 2.0
# Lines waiting for the writer thread past which a request writes them itself (about 8 MB of text).
MAX_PENDING_LINES = 100_000
_clock = time.perf_counter
_now = time.time
# A queued line: client, method, path, status line, seconds, operation, violations, time (json only).
Line = tuple[str, str, str, str, float, str, int, float]


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
    """A writer of its own on `stream`'s file, which replaces what the file's encoding cannot take (a path
    is any latin-1 text) rather than failing, and writes a batch as one system call whatever
    PYTHONUNBUFFERED says. `stream` itself when it has no file (a test's captured output)."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return stream
    stream.flush()
    return io.TextIOWrapper(io.BufferedWriter(io.FileIO(fd, "w", closefd=False), 1 << 16),
                            encoding=getattr(stream, "encoding", None) or "utf-8", errors="replace")


class AccessLines:
    """Access lines, queued on the request path and formatted and written by a thread of their own, in batches,
    at most FLUSH_SECONDS after the first line of a batch.

    Not through `logging`: a LogRecord, a formatter and a handler per request cost about 24 us, a tenth of a
    get-one. A request only appends its line's fields to a queue (a tuple; a deque's append needs no lock):
    no system call is made and no text is formatted on the request path, so a reader that falls behind (a
    pipe) never holds up the server's event loop; it holds up the writer thread only, until
    MAX_PENDING_LINES are waiting, when the request that finds them writes them itself (as a full pipe would
    make it: every line is kept). The writer formats a batch at once (the line's time, for json, is the
    request's). The lines are the ones the logging formats gave (`%(message)s`; for json, JsonFormatter's
    object, byte for byte). At exit the rest is written (a kill -9 loses at most the last FLUSH_SECONDS),
    unless the output's reader takes nothing for EXIT_WAIT_SECONDS.
    """

    def __init__(self, stream: Any, log_format: str = "text", flush_seconds: float = FLUSH_SECONDS) -> None:
        self.stream = stream
        self.json = log_format == "json"
        self.flush_seconds = flush_seconds
        self._queue: deque[Line] = deque()
        self._writing = threading.Lock()  # one batch written at a time, in order
        self._wake = threading.Event()
        self._woken = False  # a plain flag: Event.is_set() is a method call a request
        self._closed: str | None = None  # why the stream cannot take lines any more
        self._second = -1
        self._time = ""
        threading.Thread(target=self._flusher, name="access-log-flush", daemon=True).start()
        atexit.register(self._at_exit)

    def write(self, environ: dict[str, Any], status_line: str, seconds: float) -> None:
        """Queue the line of the request of `environ`, answered with `status_line` after `seconds`."""
        if environ.get(SERVER_HOLDS_ANSWERS):  # the delay of an injected fault is waited after the app returns
            seconds += environ.get(ANSWER_DELAY) or 0.0  # (asgi.py); elsewhere inside it
        entry = environ.get(JOURNAL_ENTRY)
        if entry is None:
            operation, violations = "-", 0
        else:
            operation, violations = entry.operation or "-", len(entry.violations)
        # The fields, not the text: the writer formats them (the path is the environ's own string).
        queue = self._queue
        queue.append((environ.get("REMOTE_ADDR", ""), environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""),
                      status_line, seconds, operation, violations, _now() if self.json else 0.0))
        if not self._woken:  # the first line of a batch wakes the writer
            self._woken = True
            self._wake.set()
        elif len(queue) >= MAX_PENDING_LINES:
            self.flush()

    @staticmethod
    def _text(fields: list[Line]) -> str:
        return "".join([f"{client or '-'} {method} {path} {status[:3]} {seconds * 1000:.2f}ms {operation} "
                        f"violations={violations}\n"
                        for client, method, path, status, seconds, operation, violations, _ in fields])

    def _json(self, fields: list[Line]) -> str:
        """JsonFormatter's objects for the lines, as json.dumps(ensure_ascii=False) writes them, without its
        walk over a dict (half the cost of a line)."""
        made = []
        for client, method, path, status_line, seconds, operation, violations, now in fields:
            if int(now) != self._second:  # the time field has whole seconds: made once a second
                self._second = int(now)
                self._time = _string(time.strftime(JSON_TIME_FORMAT, time.localtime(now)))
            status, ms = status_line[:3], seconds * 1000
            message = f"{client or '-'} {method} {path} {status} {ms:.2f}ms {operation} violations={violations}"
            made.append(f'{{"time": {self._time}, "level": "INFO", "logger": "{ACCESS_LOGGER}", "message": '
                        f'{_string(message)}, "client": {_string(client)}, "method": {_string(method)}, "path": '
                        f'{_string(path)}, "status": {int(status)}, "ms": {round(ms, 2)!r}, "operation": '
                        f'{_string(operation)}, "violations": {violations}}}\n')
        return "".join(made)

    def flush(self) -> None:
        """Write every line queued so far (the writer's batches, a queue at its bound, the exit)."""
        with self._writing:
            queue = self._queue
            lines = [queue.popleft() for _ in range(len(queue))]
            if not lines or self._closed is not None:
                return
            text = self._json(lines) if self.json else self._text(lines)
            try:
                self.stream.write(text)
                self.stream.flush()
            except (OSError, ValueError) as exc:  # the reader went away, or the stream closed at exit
                self._closed = str(exc)
                print(f"mockserver: the access log's output is closed ({exc}): access lines are no longer written",
                      file=sys.stderr, flush=True)

    def _at_exit(self) -> None:
        """The rest written, within EXIT_WAIT_SECONDS: a reader that stopped reading does not hold the stop."""
        last = threading.Thread(target=self.flush, name="access-log-exit", daemon=True)
        last.start()
        last.join(EXIT_WAIT_SECONDS)
        if last.is_alive():
            print(f"mockserver: the access log's output took no line for {EXIT_WAIT_SECONDS:g} s: the last access "
                  f"lines were not written", file=sys.stderr, flush=True)

    def _flusher(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(self.flush_seconds)  # the lines of the next FLUSH_SECONDS join the batch
            # The event is cleared before the flag: a request that finds the flag down sets the event
            # again, and one that still found it up had queued its line before the batch below is taken.
            self._wake.clear()
            self._woken = False
            self.flush()


class AccessLog:
    """WSGI middleware writing one access line for each request the app answers."""

    def __init__(self, app: Any, lines: AccessLines) -> None:
        self.app = app
        self.lines = lines

    def __getattr__(self, name: str) -> Any:
        # The servers read the app's body limit and state (`config`, `extensions`) through the wrapper.
        return getattr(self.app, name)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = _clock()
        status = "0"  # the app never answered

        def remember(status_line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            nonlocal status
            status = status_line
            return start_response(status_line, headers, exc_info)

        body = self.app(environ, remember)
        hold = environ.get(ANSWER_HOLD)
        if hold is None:
            self.lines.write(environ, status, _clock() - started)
            return body

        async def logged_hold() -> Any:
            # The server holds this answer until its write is on disk (asgi.py): the line waits with it,
            # and says the 500 that replaces the answer when the write could not be saved.
            try:
                replaced = await hold()
            except BaseException:  # a stop before the write is on disk sends nothing: "0", as for no answer
                self.lines.write(environ, "0", _clock() - started)
                raise
            self.lines.write(environ, status if replaced is None else replaced[0], _clock() - started)
            return replaced

        environ[ANSWER_HOLD] = logged_hold
        return body
