"""Many worker threads against one host: every reply reaches its own caller, nothing is lost,
duplicated or reordered, and the handle table returns to empty after garbage collection."""

from __future__ import annotations

import gc

from broker.host import Host
from pyscript_ffi import _runtime, threads

from .fixtures import Fixtures

WORKERS = 8
CALLS = 2000


def caller(tag: int):
    def main() -> list[int]:
        from pyscript_ffi import js

        fx = js.fixtures
        echo, point = fx.echo, fx.Point
        seen = []
        for i in range(CALLS):
            value = f"{tag}:{i}"
            got = echo(value)
            assert got == value, f"call {i} of worker {tag} got {got!r}"
            p = point.new(tag, i)  # a new handle each time, dropped at once
            assert (p.x, p.y) == (tag, i)
            seen.append(i)
        del fx, echo, point, p  # drop every proxy, then return their handles
        gc.collect()
        _runtime.current().channel.flush()
        return seen

    return main


def test_workers_x_calls_every_reply_to_its_caller():
    host = Host({"fixtures": Fixtures()})
    workers = [threads.start(host, caller(tag)) for tag in range(WORKERS)]
    for worker in workers:
        assert host.serve(until=worker.ready, timeout=120) == list(range(CALLS))
    for worker in workers:
        stats = worker.statistics()
        # per worker: HELLO, then GET fixtures/echo/Point, then per call: echo, new, x, y
        assert stats.calls >= 4 * CALLS and stats.errors <= 2  # 2: no `document`, no `window`
        assert stats.live_handles == 0, stats
        assert stats.bad_drops == 0
