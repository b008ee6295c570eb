"""What only the CPython host has: its ways of serving (blocking, polled from a GUI-style loop,
inside asyncio and trio), its bounds, terminate, thread ownership, and bad frames."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import anyio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broker.errors import CallTimeout, ChannelClosed, PermissionDenied
from broker.host import Host
from broker.protocol import Status
from broker.wire import plain_codec
from pyscript_ffi import threads

from .fixtures import Fixtures

TIMEOUT = 30


def reader(count: int):
    """A worker body: read `fixtures.counter.inc()` `count` times, return the last value."""

    def main() -> int:
        from pyscript_ffi import js

        counter = js.fixtures.counter
        return [counter.inc() for _ in range(count)][-1]

    return main


def test_blocking_serve_returns_the_workers_result():
    host = Host({"fixtures": Fixtures()})
    worker = threads.start(host, reader(100))
    assert host.serve(until=worker.ready, timeout=TIMEOUT) == 100


def test_worker_exception_reaches_the_host():
    host = Host({})

    def main():
        raise LookupError("worker failed")

    with pytest.raises(LookupError, match="worker failed"):
        host.serve(until=threads.start(host, main).ready, timeout=TIMEOUT)


def test_poll_from_a_gui_style_loop():
    host = Host({"fixtures": Fixtures()})
    worker = threads.start(host, reader(50))
    served = 0
    deadline = time.monotonic() + TIMEOUT
    while not worker.ready.done():  # as Tkinter's `after` would: poll, then do other work
        assert time.monotonic() < deadline
        served += host.poll()
        time.sleep(0.001)
    host.poll()
    assert worker.ready.result() == 50
    assert served >= 50


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_serve_async_inside_an_event_loop(backend):
    async def main() -> tuple[int, int]:
        host = Host({"fixtures": Fixtures()})
        worker = threads.start(host, reader(200))
        ticks = 0
        async with anyio.create_task_group() as group:
            group.start_soon(host.serve_async)
            with anyio.fail_after(TIMEOUT):
                while not worker.ready.done():
                    ticks += 1  # the loop stays free for other tasks meanwhile
                    await anyio.sleep(0.001)
            group.cancel_scope.cancel()
        return worker.ready.result(), ticks

    # in a thread of its own: when the browser tests ran first, Playwright's sync API keeps an
    # asyncio loop marked running in this thread, and a second loop refuses to start here
    with ThreadPoolExecutor(1) as pool:
        result, ticks = pool.submit(anyio.run, main, backend=backend).result()
    assert result == 200 and ticks > 0


def test_a_host_that_does_not_serve_gives_a_timeout_not_a_hang():
    host = Host({"fixtures": Fixtures()})
    outcome: list[BaseException] = []

    def call_unserved():
        try:
            threads.start(host, reader(1), timeout=0.3)
        except BaseException as exc:  # noqa: BLE001
            outcome.append(exc)

    worker = threads.start(host, reader(1), timeout=0.3)
    worker.join(5)  # the host never serves: the worker's HELLO is withdrawn after 0.3 s
    assert not worker.thread.is_alive()
    host.poll()  # deliver the worker's failure
    with pytest.raises(CallTimeout, match="did not take the call within 0.3 s"):
        worker.ready.result(0)
    assert not outcome


def test_a_busy_host_times_the_call_out_and_later_calls_work():
    host = Host({"fixtures": Fixtures(), "sleep": time.sleep})

    def main():
        from pyscript_ffi import js

        with pytest.raises(CallTimeout, match="did not answer within 0.3 s"):
            js.sleep(0.6)
        time.sleep(0.5)  # the host is free again (its late reply is discarded)
        return js.fixtures.echo("after")

    assert host.serve(until=threads.start(host, main, timeout=0.3).ready, timeout=10) == "after"


def test_terminate_frees_handles_and_fails_everything_pending():
    host = Host({"fixtures": Fixtures()})
    go = threading.Event()

    def main():
        from pyscript_ffi import js

        keep = [js.fixtures.Point.new(i, i) for i in range(20)]
        return len(keep)

    def hold():
        from pyscript_ffi import js

        go.wait(TIMEOUT)
        js.fixtures.echo(1)

    worker = threads.start(host, main)
    assert host.serve(until=worker.ready, timeout=TIMEOUT) == 20
    assert worker.statistics().live_handles >= 1
    pending = worker.sync.anything()
    worker.terminate()
    assert worker.statistics().live_handles == 0
    with pytest.raises(ChannelClosed, match="terminated"):
        pending.result(0)
    worker.join(5)
    assert not worker.thread.is_alive()

    holder = threads.start(host, hold)
    holder.terminate()
    go.set()
    holder.join(5)
    host.poll()
    with pytest.raises(ChannelClosed, match="closed this worker's channel"):
        holder.ready.result(0)


def test_only_the_owner_thread_serves():
    host = Host({})
    errors: list[BaseException] = []
    thread = threading.Thread(target=lambda: errors.extend(_catch(host.poll)))
    thread.start()
    thread.join()
    assert "thread that made the Host" in str(errors[0])


def _catch(fn):
    try:
        fn()
    except RuntimeError as exc:
        return [exc]
    return []


def test_python_internals_are_refused():
    host = Host({"fixtures": Fixtures()})

    def main():
        from pyscript_ffi import js

        for name in ["__class__", "__dict__", "__globals__"]:
            with pytest.raises(PermissionDenied, match="Python internal"):
                js.fixtures[name]  # (a proxy answers dunder attributes itself)
        return True

    assert host.serve(until=threads.start(host, main).ready, timeout=TIMEOUT)


def test_bad_frames_get_error_replies():
    host = Host({})
    connection = host.connect()
    codec = plain_codec()
    for frame, expected in [(b"\xc1", Status.BAD_REQUEST),
                            (b"\x93\x01\x02\x03", Status.BAD_REQUEST),
                            (codec.encode_value([99, 0, None, []]), Status.BAD_REQUEST),
                            (codec.encode_value([1, 12345, "x", []]), Status.BAD_HANDLE),
                            (codec.encode_value([1, 0, "missing", []]), Status.MISSING),
                            (codec.encode_value([15, 0, None, [], [7, 1]]), Status.BAD_HANDLE)]:
        assert codec.decode_reply(connection.handle(frame)).status is expected, frame


@settings(max_examples=2000, deadline=None)
@given(st.binary(max_size=64))
def test_fuzzed_frames_never_break_the_host(frame):
    connection = _FUZZ_HOST.connect()
    reply = plain_codec().decode_reply(connection.handle(frame))
    assert reply.status in (Status.OK, Status.BAD_REQUEST, Status.BAD_HANDLE, Status.MISSING,
                            Status.THROWN, Status.DENIED)
    connection.close("fuzzed")


_FUZZ_HOST = Host({"fixtures": Fixtures()})


def test_a_call_that_timed_out_mid_reply_does_not_clobber_the_next_one():
    # a reply bigger than the buffer goes in chunks; the host stalls before its second chunk,
    # the worker's call times out while it waits for that chunk (STATE is MORE), and its next
    # call must wait for the stalled chunk to land instead of writing over it
    host = Host({"big": lambda: b"x" * 300, "echo": lambda x: x}, buffer_bytes=256)
    connection = host.connect()
    stalled = []
    put_chunk = connection.buffer.put_chunk

    def slow_second_chunk(frame, sent):
        if sent > 0 and not stalled:  # the host's second chunk of big()'s reply, once
            stalled.append(sent)
            time.sleep(0.75)  # past the worker's 0.5 s bound, well within its next call's
        return put_chunk(frame, sent)

    connection.buffer.put_chunk = slow_second_chunk
    from broker.transfer import Caller
    from pyscript_ffi.channel import Channel
    from pyscript_ffi.tracking import WeakTracking

    outcome: dict[str, object] = {}

    def worker():
        channel = Channel(Caller(connection.buffer, 0.5, connection.ring), WeakTracking())
        scope = channel.hello()
        with pytest.raises(CallTimeout, match="did not answer"):
            scope.big()
        connection.buffer.put_chunk = put_chunk
        outcome["after"] = scope.echo("after")

    thread = threading.Thread(target=worker)
    thread.start()
    deadline = time.monotonic() + TIMEOUT
    while thread.is_alive() and time.monotonic() < deadline:
        host.poll()
        time.sleep(0.001)
    thread.join(1)
    assert stalled and outcome == {"after": "after"}
