"""The CPython host: a thread that owns objects serves them to worker threads.

The host speaks the browser's protocol over the browser's buffer layout (`broker.shared`,
`broker.transfer`), so a worker thread runs the same ``pyscript_ffi`` proxies as a browser
worker. Users: programs whose objects must be touched from one thread (Tkinter and other GUI
toolkits, single-threaded libraries), and tests of FFI code that should not need a browser. See
docs/hosts.md.

    host = Host({"counter": counter})           # the workers' `js`: these names
    worker = pyscript_ffi.threads.start(host, main)
    host.serve(until=worker.ready)              # or host.poll() from a GUI loop,
                                                # or await host.serve_async() in anyio

This module schedules: each worker's `Connection` (`broker.connection`) rings the host when a
request is in, and the host runs it on its owner thread (the one that made it). Everything runs
there except `Host.submit`, which any thread may call. The owner thread must keep serving
(`serve`, `poll` or `serve_async`) while workers call; a worker whose call is not taken within
its timeout gets a CallTimeout, never a hang.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from .connection import Connection, ConnectionStatistics
from .protocol import DEFAULT_BUFFER_BYTES
from .shared import SharedBuffer
from .values import ByValue, direct

__all__ = ["MAX_FRAME_BYTES", "ByValue", "Connection", "ConnectionStatistics", "Host", "direct"]

MAX_FRAME_BYTES = 256 * 1024 * 1024


class Host:
    """Serves `scope` (any object: a dict, a module, a namespace) to worker threads as their `js`.

    `timeout` bounds each wait of the host inside one chunked transfer; a worker's own timeout
    bounds its calls (`pyscript_ffi.threads.start`).
    """

    def __init__(self, scope: Any, *, timeout: float = 30.0,
                 buffer_bytes: int = DEFAULT_BUFFER_BYTES,
                 max_frame_bytes: int = MAX_FRAME_BYTES) -> None:
        self.scope = scope
        self.timeout = timeout
        self.buffer_bytes = buffer_bytes
        self.max_frame_bytes = max_frame_bytes
        self._owner = threading.get_ident()
        self._tasks: queue.SimpleQueue[Callable[[], object] | None] = queue.SimpleQueue()
        self._rung = threading.Event()
        self._connections: set[Connection] = set()
        self._closed = False

    def connect(self) -> Connection:
        """A new channel for one worker."""
        self._check_owner("connect")
        connection = Connection(self.scope, SharedBuffer(self.buffer_bytes),
                                timeout=self.timeout, max_frame_bytes=self.max_frame_bytes,
                                submit=self.submit, on_close=self._connections.discard)
        self._connections.add(connection)
        return connection

    # -- serving ----------------------------------------------------------------------------

    def poll(self) -> int:
        """Serve every request and answer waiting now, without blocking; returns how many.
        Call it often from a GUI loop (e.g. Tkinter's ``after``): its interval adds to each
        worker call's latency."""
        self._check_owner("poll")
        self._rung.clear()
        done = 0
        while True:
            try:
                task = self._tasks.get_nowait()
            except queue.Empty:
                return done
            if task is not None:
                task()
                done += 1

    def serve(self, until: Future[Any] | None = None, *, timeout: float | None = None) -> Any:
        """Serve until `until` is done and return its result (or raise its exception); with no
        `until`, serve until `close`. Raises TimeoutError if `timeout` seconds pass first."""
        self._check_owner("serve")
        if until is not None:
            until.add_done_callback(lambda _: self.submit(None))
        end = None if timeout is None else time.monotonic() + timeout
        # whether to look at `until` and `close`: at the start, and after each None (what both
        # queue when they happen) or a wait that ran out; not after each task, because the time
        # between a reply and this thread's next wait is time the worker cannot run (the GIL),
        # and Future.done() takes a lock
        look = True
        while True:
            if look:
                if until is not None and until.done():
                    break
                if until is None and self._closed:
                    return None
                look = False
            left = None if end is None else end - time.monotonic()
            if left is not None and left <= 0:
                raise TimeoutError(f"the host served for {timeout:g} s and the awaited "
                                   "result did not come")
            try:
                task = self._tasks.get(timeout=left)
            except queue.Empty:
                look = True
                continue
            if task is None:
                look = True
            else:
                task()
        return until.result() if until is not None else None

    async def serve_async(self) -> None:
        """Serve from inside an anyio event loop (asyncio or trio) without blocking it, until
        cancelled. The loop's thread is the one that serves: make the Host there."""
        import anyio

        self._check_owner("serve_async")
        while True:
            self.poll()
            # block in a helper thread on the doorbell, which takes nothing off the queue, so a
            # cancelled wait loses no request
            await anyio.to_thread.run_sync(self._rung.wait, 0.1, abandon_on_cancel=True)

    def close(self) -> None:
        """Close every connection: workers' later calls raise ChannelClosed."""
        self._closed = True
        for connection in list(self._connections):
            connection.close("the host was closed")
        self.submit(None)

    def statistics(self) -> list[ConnectionStatistics]:
        return [connection.statistics() for connection in self._connections]

    def submit(self, task: Callable[[], object] | None) -> None:
        """Queue `task` to run on the owner thread while it serves (any thread may call this).
        None only wakes the serving loop."""
        self._tasks.put(task)
        # (Event.set takes a lock each time; set once, it stays set until poll clears it, which
        # it does before it drains the queue: a task put after that drain finds it clear)
        if not self._rung.is_set():
            self._rung.set()

    def _check_owner(self, what: str) -> None:
        if threading.get_ident() != self._owner:
            raise RuntimeError(f"Host.{what} must run on the thread that made the Host: that "
                               "thread owns the objects the workers reach")
