"""The production servers `mockserver serve` runs the app on.

uWSGI (through the `pyuwsgi` wheel) is the default: its HTTP layer is C, so a request costs far less than
on a pure-Python server (README, "Performance"). It runs a master process and ONE worker process with
threads; the worker builds the app after the fork and alone holds the state, and `--no-orphans` ends
the worker if the master is killed, even by `kill -9`. waitress (pure Python, one
process) is the fallback where uWSGI is not available, and can be chosen with `--server waitress`.
"""
from __future__ import annotations

import logging
import os
import signal
import socket
import sys
from collections.abc import Callable
from typing import Any

from flask import Flask

SERVERS = ("waitress", "uwsgi")
DEFAULT_SERVER = "waitress"
LISTEN_BACKLOG = 1024

# How uWSGI's worker makes its app, and what it says once it has: set by run_uwsgi() before the worker
# imports `mockserver.uwsgi_app`.
app_factory: Callable[[], Flask] | None = None
announcement: str = ""
announcement_fd: int = 1


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, bound before the server starts so that `--port 0` can be reported."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(LISTEN_BACKLOG)
    return sock


def run_uwsgi(factory: Callable[[], Flask], sock: socket.socket, threads: int, announce: str) -> None:
    """Serve the app `factory` makes in the worker, until SIGINT or SIGTERM.

    `announce` is printed by the worker once its app is built: by then the master handles SIGINT and
    SIGTERM, so a client that stops the server as soon as it reads the line stops it cleanly.
    """
    import pyuwsgi

    global app_factory, announcement, announcement_fd
    # uWSGI points the worker's stdout at its log; the line goes to the stdout we were started with.
    app_factory, announcement, announcement_fd = factory, announce, os.dup(1)
    sock.set_inheritable(True)
    _quiet_native_stderr()
    pyuwsgi.run([
        "--http11-socket", f"fd://{sock.fileno()}",  # HTTP/1.1 with keep-alive
        "--module", "mockserver.uwsgi_app:application",
        "--master", "--processes", "1", "--threads", str(threads),
        "--no-orphans",          # the worker ends with the master, even after kill -9
        "--die-on-term",         # SIGTERM stops (uWSGI would otherwise reload)
        "--worker-reload-mercy", "3", "--reload-mercy", "3",  # a stop never waits on a worker longer
        "--lazy-apps",           # the app (and the state) is built in the worker only
        "--single-interpreter", "--need-app", "--enable-threads",
        "--disable-logging",     # no per-request log lines
        "--log-master", "--logger", f"file:{os.devnull}",  # nor uWSGI's own banner
        "--buffer-size", "65535",  # long query strings (100 ids, cursors) fit in one request
        "--post-buffering", "65536",  # read every body whole, even one the app ignores: keep-alive stays in step
    ])


def _quiet_native_stderr() -> None:
    """Send uWSGI's own start-up banner (written to file descriptor 2) nowhere, while Python's
    stderr, and so the mock's logging and tracebacks, keeps writing where stderr went before."""
    python_stderr = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = os.fdopen(python_stderr, "w", buffering=1)
    logging.basicConfig(stream=sys.stderr, force=True, level=logging.getLogger().level,
                        format="%(levelname)s %(name)s: %(message)s")


def run_waitress(app: Flask, sock: socket.socket, threads: int, announce: str) -> None:
    """Serve until SIGINT or SIGTERM."""
    from waitress.server import create_server

    server: Any = create_server(app, sockets=[sock], threads=threads, ident="pipedrive-mock",
                                clear_untrusted_proxy_headers=True)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)  # also when the shell started us with SIGINT ignored
    print(announce, flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
