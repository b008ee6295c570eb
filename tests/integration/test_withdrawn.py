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
