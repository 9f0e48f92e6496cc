"""The mock served from a background thread of this process, on the server `mockserver serve` runs.

`serve()` is the public way to run the mock from Python outside pytest (README, "From Python"); the
pytest plugin serves its mock through the same `LiveServer`. One thread runs uvicorn's event loop with
the app called inline (asgi.py), so a fault's delay holds up only its own answer: other requests, and
the test's own calls, go on meanwhile.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any

from .constants import ADMIN_TOKEN, DEFAULT_ACTIVITIES, DEFAULT_HOST, DEFAULT_SEED, USER_TOKEN

if TYPE_CHECKING:
    from flask import Flask

    from .state import MockState
    from .clock import Clock
    from .faults import Faults
    from .journal import Journal
    from .ratelimit import RateLimiter
    from .store import Store

START_TIMEOUT_SECONDS = 10.0
STOP_TIMEOUT_SECONDS = 5.0
# A request still in hand at stop (a fault's delay) gets this long before its connection is closed.
STOP_GRACE_SECONDS = 1
_POLL_SECONDS = 0.001
TICK_SECONDS = 0.1  # uvicorn's own
STOP_POLL_SECONDS = 0.002  # how often a stop looks whether what it waits for is done


class LiveServer:
    """The WSGI app `app` served on `host` (a free port unless one is given) by uvicorn in a daemon thread."""

    def __init__(self, app: Any, *, host: str = DEFAULT_HOST, port: int = 0) -> None:
        self.app = app
        self.host = host
        self.port = port
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None

    @property
    def url(self) -> str:
        """The root URL, e.g. http://127.0.0.1:54321 (no trailing slash)."""
        if self._server is None:
            raise RuntimeError("the server is not running")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Bind, listen and have the loop serving before returning: the first request never races it."""
        if self._server is not None:
            raise RuntimeError("the server is already running")
        import uvicorn

        from . import serving
        from .asgi import InlineWSGI
        from .protocol import BoundedHttpTools

        sock = serving.bind(self.host, self.port)  # raises OSError (port in use) here, in the caller
        self.port = int(sock.getsockname()[1])
        max_body = getattr(self.app, "config", {}).get("MAX_CONTENT_LENGTH")
        config = uvicorn.Config(InlineWSGI(self.app, max_body=max_body), log_config=None, log_level="warning",
                                access_log=False, lifespan="off", server_header=False,
                                timeout_graceful_shutdown=STOP_GRACE_SECONDS, http=BoundedHttpTools,
                                loop="asyncio")  # a thread server needs no uvloop: not importing it is 5 ms of start
        self._server = server = _thread_server()(config)  # its signal handlers are for the main thread only
        self._thread = threading.Thread(target=self._run, args=(server, sock), name=f"pipedrive-mock:{self.port}",
                                        daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self._server = None
                sock.close()
                raise RuntimeError(f"the mock's server did not start on {self.host}:{self.port}") from self._failure
            time.sleep(_POLL_SECONDS)

    def _run(self, server: Any, sock: Any) -> None:
        from . import serving

        try:
            if "pipedrive_mock" in getattr(self.app, "extensions", {}):
                serving.run_server(server, sock, self.app)  # webhook deliveries on the same loop
            else:
                server.run(sockets=[sock])
        except BaseException as exc:  # reported by start(), or lost with the daemon thread at exit
            self._failure = exc

    def stop(self) -> None:
        """Ask the loop to finish (woken at once), then wait for its thread: answers in flight are sent
        first (within STOP_GRACE_SECONDS), idle connections closed."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._server = self._thread = None
        server.should_exit = True
        server.wake()
        if thread is not None:
            thread.join(STOP_TIMEOUT_SECONDS)

    def __enter__(self) -> LiveServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


@cache
def _thread_server() -> type[Any]:
    """uvicorn's Server, made to notice a stop at once: its own loop looks for one every 0.1 s."""
    import asyncio

    import uvicorn

    class ThreadServer(uvicorn.Server):
        _loop: asyncio.AbstractEventLoop | None = None
        _woken: asyncio.Event | None = None

        async def main_loop(self) -> None:
            # uvicorn's ticks (the Date header each second, max-requests), every 0.1 s or as soon as woken.
            self._loop, self._woken = asyncio.get_running_loop(), asyncio.Event()
            counter = 0
            should_exit = await self.on_tick(counter)
            while not should_exit:
                counter = (counter + 1) % 864000
                try:
                    await asyncio.wait_for(self._woken.wait(), TICK_SECONDS)
                except asyncio.TimeoutError:
                    pass
                should_exit = await self.on_tick(counter)

        async def shutdown(self, sockets: list[Any] | None = None) -> None:
            # uvicorn's shutdown, less its fixed 0.1 s pause (and its 0.1 s polls): the same steps, and
            # what it waits for (answers in flight sent, connections closed, tasks done, within the
            # grace) looked at every few ms, so a stop with nothing in flight takes a few ms.
            for server in self.servers:
                server.close()
            for sock in sockets or []:
                sock.close()
            state, loop = self.server_state, asyncio.get_running_loop()
            for connection in list(state.connections):
                connection.shutdown()  # an idle keep-alive connection is closed, a busy one after its answer
            grace = self.config.timeout_graceful_shutdown  # always set by start(); None would be no limit
            deadline = loop.time() + (grace if grace is not None else float("inf"))
            while (state.connections or state.tasks) and not self.force_exit and loop.time() < deadline:
                await asyncio.sleep(STOP_POLL_SECONDS)
            for task in state.tasks:
                task.cancel(msg="Task cancelled, timeout graceful shutdown exceeded")
            for server in self.servers:
                await server.wait_closed()
            if not self.force_exit:
                await self.lifespan.shutdown()

        def wake(self) -> None:
            """From any thread: have the loop look at `should_exit` now."""
            loop, woken = self._loop, self._woken
            if loop is not None and woken is not None:
                try:
                    loop.call_soon_threadsafe(woken.set)
                except RuntimeError:  # the loop has already closed
                    pass

    return ThreadServer


class RunningMock:
    """A mock served by `serve()`: where it listens, its tokens, and its state to arrange and inspect."""

    admin_token = ADMIN_TOKEN
    user_token = USER_TOKEN

    def __init__(self, app: Flask, url: str) -> None:
        self.app = app
        self.state: MockState = app.extensions["pipedrive_mock"]
        self.url = url
        self.v1_url = f"{url}/v1"
        self.v2_url = f"{url}/api/v2"

    @property
    def store(self) -> Store:
        return self.state.store

    @property
    def clock(self) -> Clock:
        return self.state.clock

    @property
    def journal(self) -> Journal:
        return self.state.journal

    @property
    def faults(self) -> Faults:
        return self.state.faults

    @property
    def rate_limit(self) -> RateLimiter:
        return self.state.rate_limit

    def reset(self, *, everything: bool = False) -> list[int]:
        """Back to the seeded state, as `POST /_mock/reset` (`everything=True`: the plugin's fresh start)."""
        return self.state.reset(everything=everything)

    def __repr__(self) -> str:
        return f"<RunningMock {self.url}>"


@contextmanager
def serve(*, seed: int = DEFAULT_SEED, activities: int = DEFAULT_ACTIVITIES,
          host: str = DEFAULT_HOST, port: int = 0, strict_links: bool = False,
          control_token: str | None = None) -> Iterator[RunningMock]:
    """The mock on `host`:`port` (a free port by default) in a background thread, until the block ends.

        with pipedrive_mock.serve(activities=20) as mock:
            requests.get(f"{mock.v2_url}/activities", headers={"x-api-token": mock.admin_token})
    """
    from .app import create_app
    from .store import Store

    store = Store.default(seed=seed, activities=activities, strict_links=strict_links)
    app = create_app(store, control_token=control_token)
    with LiveServer(app, host=host, port=port) as server:
        yield RunningMock(app, server.url)
