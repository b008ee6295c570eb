"""A request that ran nothing (withdrawn unclaimed, or interrupted before it was sent) loses
nothing: the releases it carried go out with the next request (docs/protocol.md, "Failures of
a round trip"). The browser's twin is tests/browser/test_interrupts.py."""

from __future__ import annotations

import gc
import time

import pytest

from broker.errors import CallTimeout
from broker.host import Host
from pyscript_ffi import threads

from .fixtures import Fixtures

TIMEOUT = 30


def _run(main, timeout=0.3):
    """Run `main(host, worker)` in a worker of a new host; (its result, the connection)."""
    host = Host({"fixtures": Fixtures()})
    holder = []
    worker = threads.start(host, lambda: main(host, holder[0]), timeout=timeout)
    holder.append(worker)
    result = host.serve(until=worker.ready, timeout=TIMEOUT)
    return result, worker.connection


def _dropped_point(fixtures):
    """The handle id of a Point the worker was lent and has just let go of."""
    point = fixtures.Point.new(1, 2)
    handle = point.js_id
    del point
    gc.collect()
    return handle


def test_releases_riding_on_a_withdrawn_call_go_out_with_the_next():
    def main(host, worker):
        from pyscript_ffi import js

        fixtures = js.fixtures
        handle = _dropped_point(fixtures)
        host.submit(lambda: time.sleep(1.0))  # the host is busy: the next call is withdrawn
        with pytest.raises(CallTimeout, match="did not take the call within 0.3 s"):
            fixtures.echo("withdrawn")
        time.sleep(1.0)
        assert fixtures.echo("after") == "after"
        return handle

    handle, connection = _run(main)
    assert handle not in connection.handles, "the release the withdrawn call carried was lost"


def test_releases_riding_on_an_interrupted_call_go_out_with_the_next():
    def main(host, worker):
        from pyscript_ffi import js

        fixtures = js.fixtures
        handle = _dropped_point(fixtures)
        worker.interrupt()  # (a flag: the worker's next call raises before it sends anything)
        with pytest.raises(KeyboardInterrupt):
            fixtures.echo("interrupted")
        assert fixtures.echo("after") == "after"
        return handle

    handle, connection = _run(main, timeout=TIMEOUT)
    assert handle not in connection.handles, "the release the interrupted call carried was lost"


def test_releases_riding_on_a_call_that_cannot_be_encoded_go_out_with_the_next():
    def main(host, worker):
        from pyscript_ffi import js

        fixtures = js.fixtures
        handle = _dropped_point(fixtures)
        with pytest.raises(TypeError, match="cannot send a set"):
            fixtures.echo({1, 2})
        assert fixtures.echo("after") == "after"
        return handle

    handle, connection = _run(main, timeout=TIMEOUT)
    assert handle not in connection.handles, "the release the refused call carried was lost"


class _Slow:
    def __init__(self) -> None:
        self.made: list[object] = []

    def object_after(self, seconds: float) -> object:
        time.sleep(seconds)
        self.made.append(object())
        return self.made[-1]


def test_a_reply_that_lands_after_its_call_gave_up_returns_its_lends():
    """The call timed out while the host ran it (BUSY); the host's late reply lent an object the
    worker never saw: its lend comes back once the reply lands."""
    slow = _Slow()
    host = Host({"slow": slow, "live": lambda: connection.statistics().live_handles})
    worker = threads.start(host, lambda: main(), timeout=0.3)
    connection = worker.connection

    def main():
        from pyscript_ffi import js

        before = js.live()
        with pytest.raises(CallTimeout, match="did not answer within 0.3 s"):
            js.slow.object_after(0.6)
        time.sleep(0.6)
        js.live()  # the late reply lands before this call
        gc.collect()
        from pyscript_ffi import _runtime

        _runtime.current().channel.flush()
        return before, js.live()

    before, after = host.serve(until=worker.ready, timeout=TIMEOUT)
    assert len(slow.made) == 1
    assert after == before, "the late reply's lend was never returned"
