"""Waiting for a main-thread Promise (or a host-side Future) from a worker.

The worker polls the serving side with `Op.AWAIT` (docs/protocol.md): each poll is one round
trip that answers ``[settled, value]``, or raises the rejection as `JsException`. Between polls:

- ``await promise`` lets the worker's event loop run (``asyncio.sleep``, a pause growing from
  0 to `MAX_PAUSE`), the same on Pyodide's loop, MicroPython's asyncio and a CPython thread's;
- `run_sync` blocks the worker (never the page) with the runtime's `pause`: ``Atomics.wait`` on
  a private word in a browser worker, ``time.sleep`` under the CPython host.

Polling needs nothing from an event loop but ``sleep``; a push from the page would need a hook
into each loop that a message handler can wake, which MicroPython's asyncio does not have.
Cancelling the awaiting task ends the polling at its next pause; the proxy then goes the way of
any other (its handle is released when it is collected), and the page keeps nothing per promise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from broker.errors import CallTimeout
from broker.interpreter import monotonic
from broker.protocol import Op, RemoteFlag

if TYPE_CHECKING:
    from collections.abc import Callable, Generator

#: the longest pause between two polls (seconds): the latency bound once a Promise has settled
MAX_PAUSE = 0.016
_FIRST_PAUSE = 0.001


def _thread_sleep(seconds: float) -> None:  # replaced by the browser runtimes
    import time

    time.sleep(seconds)


#: block this worker (never the page) for `seconds`; a browser runtime installs Atomics.wait
pause: Callable[[float], None] = _thread_sleep
#: `run_sync`'s bound when none is given (seconds): the worker's call timeout once booted
default_timeout = 30.0


def configure(pause_for: Callable[[float], None] | None, timeout: float) -> None:
    """Called by a browser worker's runtime at boot: its blocking pause and call timeout."""
    global pause, default_timeout
    if pause_for is not None:
        pause = pause_for
    default_timeout = timeout


def _poll(promise: Any) -> tuple[bool, Any]:
    settled, value = promise._ffi_send(Op.AWAIT)
    return bool(settled), value


def _await_step(delay: float) -> Any:
    """An awaitable that lets the event loop run for `delay` seconds (an iterator to delegate
    to: a coroutine's ``__await__`` on CPython and Pyodide, the sleep itself on MicroPython)."""
    import asyncio

    sleep = asyncio.sleep(delay)
    step = getattr(sleep, "__await__", None)
    return step() if step is not None else sleep


def awaiting(promise: Any) -> Generator[Any, None, Any]:
    """``await promise``: poll until it settles, letting the event loop run in between."""
    delay = 0.0
    while True:
        settled, value = _poll(promise)
        if settled:
            return value
        yield from _await_step(delay)
        delay = min(MAX_PAUSE, max(_FIRST_PAUSE, delay * 2))


def run_sync(promise: Any, timeout: float | None = None) -> Any:
    """Block this worker until `promise` (a main-thread Promise, any thenable, or a host-side
    Future) settles, and return its value. The page keeps running meanwhile.

    `timeout`: seconds to wait at most; by default the worker's call timeout.

    Raises:
        JsException: the Promise rejected (a non-Error reason is named in the message).
        CallTimeout: it did not settle within `timeout` (it may still settle later; nothing of
            it is kept if the proxy is dropped).
        TypeError: `promise` is not a proxy of a thenable (a coroutine: ``await`` it instead).
    """
    if not (getattr(type(promise), "_ffi_send", None) and promise._ffi_flags & RemoteFlag.THENABLE):
        raise TypeError(
            f"run_sync waits for a main-thread Promise (a proxy of a thenable), not a "
            f"{type(promise).__name__}; a coroutine needs an event loop: await it instead")
    limit = default_timeout if timeout is None else float(timeout)
    start = monotonic()
    delay = _FIRST_PAUSE
    while True:
        settled, value = _poll(promise)
        if settled:
            return value
        left = limit - (monotonic() - start)
        if left <= 0:
            raise CallTimeout(f"the Promise did not settle within {limit:g} s (run_sync); wait "
                              "longer with run_sync(promise, timeout=...), or await it")
        pause(min(delay, left))
        delay = min(MAX_PAUSE, delay * 2)

