"""Where the delivery engine runs: an asyncio loop, the server's own (`attach`) or one worker thread of its own
(waitress, the pytest plugin, a test client), and the wake-ups of its scheduler.

The scheduler (`Deliveries._schedule`) is called on the loop; it says how long it may sleep, and any thread
may wake it sooner (`poke`): at once (the clock moved, a flush) or after a change's gathering time.
"""
from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

# The scheduler looks again at least this often (real seconds), whatever it was told.
MAX_SLEEP_SECONDS = 1.0
STOP_TIMEOUT_SECONDS = 5.0

Schedule = Callable[[asyncio.AbstractEventLoop], float]


class Runner:
    """Runs `schedule` on an asyncio loop whenever it is due or woken. On the loop's thread, `detached` runs
    when the server's loop ends (what waits goes with it), `stopping` when the engine's own thread stops."""

    def __init__(self, schedule: Schedule, detached: Callable[[], None], stopping: Callable[[], None]) -> None:
        self._schedule = schedule
        self._detached = detached
        self._stopping = stopping
        self.loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._own_thread: threading.Thread | None = None
        self._attached: asyncio.Task[None] | None = None
        self._start_lock = threading.Lock()
        self._waiter: asyncio.Future[None] | None = None
        self.kicked = False  # a wake is asked for and has not come yet
        self._gathering = False  # the wake asked for is a change's, some time after it

    # -- any thread ---------------------------------------------------------------------------
    def poke(self, within: float = 0.0) -> None:
        """Have the scheduler look again now, or `within` seconds from now."""
        loop = self.loop
        # Not running: nothing was ever queued. Already asked: as soon, or sooner than this asks.
        if loop is None or (self.kicked and (within or not self._gathering)):
            return
        self.kicked, self._gathering = True, bool(within)
        try:
            if self.on_loop_thread():
                self._wake_within(within)
            else:
                loop.call_soon_threadsafe(self._wake_within, within)
        except RuntimeError:  # the loop is closed: the server is stopping
            self.kicked = False

    def on_loop_thread(self) -> bool:
        return threading.get_ident() == self._loop_thread

    def call(self, function: Callable[[], None]) -> None:
        """Run `function` on the loop's thread: now when called there, else soon; not at all once it is gone."""
        loop = self.loop
        if loop is None:
            return
        try:
            if self.on_loop_thread():
                function()
            else:
                loop.call_soon_threadsafe(function)
        except RuntimeError:
            pass

    # -- running ------------------------------------------------------------------------------
    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Run on `loop` (the server's); call from a coroutine on that loop. An engine already running on
        a thread of its own (changes came before the server started) stays there."""
        with self._start_lock:
            if self.loop is not None:
                return
            self.loop, self._loop_thread = loop, threading.get_ident()
            self._attached = loop.create_task(self._run())

    def detach(self) -> None:
        """The server's loop is ending: what waits is dropped with it; a later change starts a thread."""
        with self._start_lock:
            if self._attached is None:
                return
            self._attached.cancel()
            self._attached = None
            self._detached()
            self.loop = self._loop_thread = None
            self.kicked = False

    def start(self) -> asyncio.AbstractEventLoop:
        """The loop the engine runs on: a worker thread of its own when it has none yet."""
        with self._start_lock:
            if self.loop is not None:
                return self.loop
            loop = asyncio.new_event_loop()
            ready = threading.Event()

            def run() -> None:
                asyncio.set_event_loop(loop)
                self._loop_thread = threading.get_ident()
                loop.create_task(self._run())
                ready.set()
                loop.run_forever()

            self._own_thread = threading.Thread(target=run, name="pipedrive-mock-webhooks", daemon=True)
            self._own_thread.start()
            ready.wait()
            self.loop = loop
            return loop

    def stop(self) -> None:
        """End the worker thread, if the engine runs one: its tasks are cancelled, its loop closed."""
        loop, thread = self.loop, self._own_thread
        if thread is None or loop is None:
            return

        async def shutdown() -> None:
            self._stopping()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            loop.stop()

        asyncio.run_coroutine_threadsafe(shutdown(), loop)
        thread.join(STOP_TIMEOUT_SECONDS)
        if not thread.is_alive():
            loop.close()
        self.loop = self._own_thread = None

    def _wake_within(self, within: float) -> None:
        loop = self.loop
        if loop is not None:
            loop.call_later(within, self._wake) if within else loop.call_soon(self._wake)

    def _wake(self) -> None:
        self.kicked = self._gathering = False
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                sleep = self._schedule(loop)
            except Exception:  # a bug here must not end deliveries for good
                log.exception("webhook scheduler failed")
                sleep = MAX_SLEEP_SECONDS
            self._waiter = loop.create_future()
            timer = loop.call_later(sleep, self._wake)
            await self._waiter
            timer.cancel()
