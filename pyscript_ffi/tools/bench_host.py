"""The CPython host's lines of ``python -m pyscript_ffi bench``: a worker thread's round trip
to the host, beside two floors measured in the same run: a bare ``threading.Condition``
ping-pong (the host's own wake-up mechanism, with nothing else) and a ``queue.SimpleQueue``
ping-pong."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from types import SimpleNamespace

from broker.host import Host

from .. import threads


def _timed(calls: int, once: Callable[[], object]) -> tuple[list[float], float]:
    samples = []
    clock = time.perf_counter
    start = clock()
    for _ in range(calls):
        t = clock()
        once()
        samples.append(clock() - t)
    return samples, clock() - start


def condition_floor(calls: int) -> tuple[list[float], float]:
    """Worker stores 1 and notifies; the main thread waits for it, stores 2 and notifies."""
    changed = threading.Condition()
    state = [0]
    result: list[tuple[list[float], float]] = []

    def ask() -> None:
        with changed:
            state[0] = 1
            changed.notify_all()
            while state[0] != 2:
                changed.wait()

    def worker() -> None:
        result.append(_timed(calls, ask))
        with changed:
            state[0] = 3
            changed.notify_all()

    thread = threading.Thread(target=worker)
    thread.start()
    with changed:
        while True:
            while state[0] not in (1, 3):
                changed.wait()
            if state[0] == 3:
                break
            state[0] = 2
            changed.notify_all()
    thread.join()
    return result[0]


def queue_floor(calls: int) -> tuple[list[float], float]:
    """Worker puts a request on one queue; the main thread answers on another."""
    requests: queue.SimpleQueue[int | None] = queue.SimpleQueue()
    replies: queue.SimpleQueue[int] = queue.SimpleQueue()
    result: list[tuple[list[float], float]] = []

    def ask() -> int:
        requests.put(1)
        return replies.get()

    def worker() -> None:
        result.append(_timed(calls, ask))
        requests.put(None)

    thread = threading.Thread(target=worker)
    thread.start()
    while requests.get() is not None:
        replies.put(2)
    thread.join()
    return result[0]


def host_calls(calls: int, workload: str) -> tuple[list[float], float]:
    """A worker thread's round trips through the host: a property read, or a call."""
    scope = SimpleNamespace(obj=SimpleNamespace(value="x"), echo=lambda x: x)
    host = Host(scope)

    def main() -> tuple[list[float], float]:
        from pyscript_ffi import js

        obj, echo = js.obj, js.echo
        if workload == "read":
            return _timed(calls, lambda: obj.value)
        return _timed(calls, lambda: echo(1))

    worker = threads.start(host, main)
    try:
        return host.serve(until=worker.ready, timeout=600)  # type: ignore[no-any-return]
    finally:
        host.close()


MEASURES: list[tuple[str, Callable[[int], tuple[list[float], float]]]] = [
    ("floor: threading.Condition", condition_floor),
    ("floor: queue.SimpleQueue", queue_floor),
    ("host: obj.value read", lambda n: host_calls(n, "read")),
    ("host: echo(1) call", lambda n: host_calls(n, "call")),
]
