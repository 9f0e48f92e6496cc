"""The production servers `mockserver serve` runs the app on.

uvicorn is the default: one process, one thread, an event loop with a C HTTP parser (httptools) and
uvloop where installed. The app is called inline on the loop (asgi.py), so idle keep-alive clients and
slow uploads hold nothing up, a fault's delay holds up only its own answer, and no lock is handed
between threads for each request. waitress (pure Python, a pool of threads) can be chosen with
`--server waitress`. The pytest plugin and `pipedrive_mock.serve()` run uvicorn in a thread (live.py).
"""
from __future__ import annotations

import gc
import signal
import socket
import sys
from typing import TYPE_CHECKING, Any

from .constants import MAX_BODY_BYTES, MAX_HEAD_BYTES

if TYPE_CHECKING:
    from flask import Flask

WAITRESS_MAX_BODY_BYTES = 2 * MAX_BODY_BYTES
WAITRESS_CONNECTION_LIMIT = 100
WAITRESS_IDLE_SECONDS = 30
WAITRESS_WARNING = ("mockserver: waitress is for trusted clients only: slow clients can hold its threads and "
                    "clients that never read can grow its memory; the default server (uvicorn) bounds both")
SERVERS = ("uvicorn", "waitress")
DEFAULT_SERVER = "uvicorn"
LISTEN_BACKLOG = 1024
# Seconds a stop waits for requests in hand (a fault's delay among them) before closing connections.
STOP_GRACE_SECONDS = 3


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, bound before the server starts so that `--port 0` can be reported."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named, not left 0: the connections accepted from it carry the listener's proto, and asyncio
    # sets TCP_NODELAY only on sockets whose proto says TCP. Without it a keep-alive client's every answer after
    # the first waited ~40 ms: the body, written after the head, was held (Nagle) until the client's delayed
    # ACK of the head (the thread server of the plugin, on asyncio's loop; uvloop sets TCP_NODELAY itself).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(LISTEN_BACKLOG)
    except BaseException:
        sock.close()
        raise
    return sock


def freeze_heap() -> None:
    """Leave what start-up built (the seeded store: up to millions of objects that live as long as the
    server) out of the cyclic garbage collector's walks, which otherwise cost ~20 us a request.

    With the collector off (cli.serve builds the store so, having collected first), nothing is walked
    here; it is on again afterwards."""
    if gc.isenabled():
        gc.collect()
    gc.freeze()
    gc.enable()


def run_uvicorn(app: Any, sock: socket.socket, announce: str) -> None:
    """Serve until SIGINT or SIGTERM; `announce` is printed once the socket listens.

    Webhook deliveries run on the same loop (design: work beside the loop, bounded).
    """
    import uvicorn

    from .asgi import InlineWSGI

    from .protocol import BoundedHttpTools

    config = uvicorn.Config(InlineWSGI(app, max_body=app.config.get("MAX_CONTENT_LENGTH")),
                            log_config=None, log_level="warning", access_log=False, lifespan="off",
                            server_header=False, timeout_graceful_shutdown=STOP_GRACE_SECONDS,
                            http=BoundedHttpTools)
    # uvicorn answers SIGINT and SIGTERM by stopping, then raises the signal again for the handler it
    # found: this one, which ends the process normally (exit status 0), also when the shell started us
    # with SIGINT ignored, and also for a signal that comes before uvicorn has taken over.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _exit)
    freeze_heap()
    print(announce, flush=True)
    run_server(uvicorn.Server(config), sock, app)


def run_server(server: Any, sock: socket.socket, app: Flask) -> None:
    """Run a uvicorn `server` on `sock` until it stops, the app's webhook deliveries on its loop too.

    Any WSGI app can be served so (the benchmark's floor is a bare Flask app, with no deliveries).
    """
    import asyncio

    state = getattr(app, "extensions", {}).get("pipedrive_mock")
    deliveries = state.deliveries if state is not None else None

    async def serve() -> None:
        if deliveries is None:
            await server.serve(sockets=[sock])
            return
        deliveries.attach(asyncio.get_running_loop())
        try:
            await server.serve(sockets=[sock])
        finally:
            deliveries.detach()
    with asyncio.Runner(loop_factory=server.config.get_loop_factory()) as runner:
        runner.run(serve())


def _exit(signum: int, frame: object) -> None:
    raise SystemExit(0)


def run_waitress(app: Any, sock: socket.socket, threads: int, announce: str) -> None:
    """Serve until SIGINT or SIGTERM."""
    from waitress.server import create_server

    # waitress bounds what it can (README, "The server"): the request head, the body (bodies past the
    # mock's 1 MiB are refused by the app, but waitress reads up to this much first, to disk past 512 KB),
    # open connections and idle ones. It cannot bound slow clients holding its threads or clients that
    # never read their answers: it is for trusted clients only, and says so at start.
    server: Any = create_server(app, sockets=[sock], threads=threads, ident="pipedrive-mock",
                                clear_untrusted_proxy_headers=True, max_request_header_size=MAX_HEAD_BYTES,
                                max_request_body_size=WAITRESS_MAX_BODY_BYTES,
                                connection_limit=WAITRESS_CONNECTION_LIMIT, channel_timeout=WAITRESS_IDLE_SECONDS)
    print(WAITRESS_WARNING, file=sys.stderr, flush=True)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)  # also when the shell started us with SIGINT ignored
    freeze_heap()
    print(announce, flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
