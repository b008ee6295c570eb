"""Worker threads under the CPython host: the same ``pyscript_ffi`` API as a browser worker.

    from broker.host import Host
    from pyscript_ffi import threads

    def main():
        from pyscript_ffi import js           # the host's scope
        js.label.config(text="from a worker")  # runs on the host's thread, synchronously

    host = Host({"label": label})
    worker = threads.start(host, main)
    host.serve(until=worker.ready)   # the host's thread serves while the worker runs

A worker thread is like a browser worker: `target` is its top-level code, and once it returns
the thread stays to answer the host's calls into it (``worker.sync.NAME(...)`` for functions in
`exports`, and `create_proxy` callbacks the host calls) until `terminate`. Those calls, like a
browser worker's messages, run when the worker is not inside its own code.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Awaitable, Callable, Iterable, Mapping
from concurrent.futures import Future
from typing import Any

from broker.errors import ChannelClosed
from broker.host import Connection, ConnectionStatistics, Host
from broker.protocol import Message
from broker.transfer import Caller

from . import _runtime
from ._calls import PageCalls
from .channel import Channel
from .tracking import WeakTracking

DEFAULT_TIMEOUT = 30.0


class _Sync:
    """``worker.sync.NAME(*args)``: call an export; returns a Future, settled while the host
    serves."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def __getattr__(self, name: str) -> Callable[..., Future[Any]]:
        return lambda *args: self._connection.calls.call(Message.EXPORT, name, args)


class Worker:
    """A worker thread with its own channel to a `Host`. Made by `start`."""

    def __init__(self, host: Host, target: Callable[..., Any], args: tuple[Any, ...],
                 exports: Mapping[str, Callable[..., Any]], timeout: float, name: str | None
                 ) -> None:
        self.connection = host.connect()
        self.ready: Future[Any] = Future()  #: the result of `target`, or its exception
        self.sync = _Sync(self.connection)
        self._host = host
        self._target = target
        self._args = args
        self._exports = dict(exports)
        self._timeout = timeout
        self.thread = threading.Thread(target=self._main, name=name or "pyscript-ffi worker",
                                       daemon=True)

    def _main(self) -> None:
        connection = self.connection
        channel = Channel(Caller(connection.buffer, self._timeout, connection.ring),
                          WeakTracking())
        try:
            try:
                _runtime.install(channel, in_worker=True, thread_only=True)
                calls = PageCalls(channel, self._post, _run_awaitable)
                calls.exports = self._exports
                result = self._target(*self._args)
            except BaseException as exc:  # noqa: BLE001 - the host sees it through `ready`
                self._host.submit(functools.partial(self.ready.set_exception, exc))
                return
            self._host.submit(lambda: self.ready.set_result(result))
            while (message := connection.calls.inbox.get()) is not None:
                calls.deliver(message.kind, message.call, message.target, message.frame)
        finally:
            _runtime.uninstall_thread()

    def _post(self, call: int, frame: bytes | None, error: str | None) -> None:
        self._host.submit(lambda: self.connection.calls.settle(call, frame, error))

    def terminate(self) -> None:
        """Close the channel: every handle the worker held is freed, its later calls raise
        ChannelClosed, the host's pending calls into it fail, and its thread ends once it is
        back from its own code. (A Python thread cannot be killed, so code that never calls
        the host again runs on.) Call it on the host's thread."""
        self.connection.close("the worker was terminated")

    def interrupt(self) -> bool:
        """Raise KeyboardInterrupt in the worker thread at its next call to the host, or at
        once if it is waiting for the host. Code that makes no call to the host runs on: a
        Python thread takes no signal, and an exception forced into it at any bytecode
        (PyThreadState_SetAsyncExc) could land inside the channel's own bookkeeping.

        Returns False if the worker had not yet taken the interrupt sent before (the two are
        raised as one KeyboardInterrupt). Raises ChannelClosed if the worker was terminated."""
        if self.connection.closed:
            raise ChannelClosed("interrupt() on a terminated worker: start a new one")
        return self.connection.buffer.interrupt()

    def join(self, timeout: float | None = None) -> None:
        self.thread.join(timeout)

    def statistics(self) -> ConnectionStatistics:
        return self.connection.statistics()


def _run_awaitable(awaitable: Awaitable[Any], done: Callable[[Any], None],
                   failed: Callable[[BaseException], None]) -> None:
    """An async export or callback: a worker thread has no running loop, so run it here."""

    async def wrap() -> Any:
        return await awaitable

    try:
        result = asyncio.run(wrap())
    except BaseException as exc:  # noqa: BLE001 - it goes back to the host
        failed(exc)
        return
    done(result)


def start(host: Host, target: Callable[..., Any], *args: Any,
          exports: Mapping[str, Callable[..., Any]] | Iterable[Callable[..., Any]] = (),
          timeout: float = DEFAULT_TIMEOUT, name: str | None = None) -> Worker:
    """Run ``target(*args)`` in a new worker thread whose ``pyscript_ffi.js`` is `host`'s scope.

    `exports`: functions the host may call with ``worker.sync.NAME(...)`` (a mapping of names,
    or functions named by their ``__name__``). `timeout`: seconds each of the worker's calls may
    wait for the host. Call it on the host's thread; the host must serve for the worker to start
    (its first act is a HELLO round trip).
    """
    if not isinstance(exports, Mapping):
        exports = {func.__name__: func for func in exports}
    worker = Worker(host, target, args, exports, timeout, name)
    worker.thread.start()
    return worker

