"""Calls from the CPython host into one worker: its exports, and the callbacks it lent.

The host's twin of the page's ``w.sync.NAME(...)`` and of a JS function standing for a
`create_proxy` callback. A call goes into the worker's inbox as a `WorkerCall`; the worker thread
runs it when it is not inside its own code and answers through `WorkerCalls.settle`, which the
host runs on its own thread, settling the call's Future.
"""

from __future__ import annotations

import queue
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from .errors import ChannelClosed, FfiError, ProtocolError
from .protocol import Message
from .wire import Codec


class WorkerCall:
    """One call into the worker: an export by `name`, a callback by `id`, or a forget."""

    __slots__ = ("kind", "call", "target", "frame")

    def __init__(self, kind: Message, call: int, target: str | int, frame: bytes = b"") -> None:
        self.kind = kind  # Message.EXPORT, CALLBACK or FORGET
        self.call = call
        self.target = target
        self.frame = frame


class WorkerFunction:
    """The host's function for a worker's callback: calling it runs the worker's Python function
    in the worker and returns a Future of its result (the page gets a Promise)."""

    __slots__ = ("__weakref__", "calls", "id")

    def __init__(self, calls: WorkerCalls, id: int) -> None:
        self.calls = calls
        self.id = id

    def __call__(self, *args: Any) -> Future[Any]:
        return self.calls.call(Message.CALLBACK, self.id, args)

    def __repr__(self) -> str:
        return f"<worker callback {self.id}>"


class WorkerCalls:
    """One worker's pending calls, its inbox, and the host's functions for its callbacks.

    `codec` encodes arguments and decodes results; `out` shapes each argument (lends objects).
    """

    def __init__(self, codec: Codec, out: Callable[[Any], Any]) -> None:
        self._codec = codec
        self._out = out
        self.inbox: queue.SimpleQueue[WorkerCall | None] = queue.SimpleQueue()
        self.closed = False
        self._functions: weakref.WeakValueDictionary[int, WorkerFunction] = (
            weakref.WeakValueDictionary())
        self._pending: dict[int, Future[Any]] = {}
        self._next_call = 1

    def call(self, kind: Message, target: str | int, args: tuple[Any, ...]) -> Future[Any]:
        """Run a worker export (`kind` EXPORT, `target` its name) or callback (CALLBACK, an id)
        with `args`; returns a Future of its result, settled on the host's thread while it
        serves (ChannelClosed once the worker is gone)."""
        future: Future[Any] = Future()
        if self.closed:
            future.set_exception(ChannelClosed("the worker was terminated"))
            return future
        call, self._next_call = self._next_call, self._next_call + 1
        self._pending[call] = future
        frame = self._codec.encode_value([self._out(arg) for arg in args])
        self.inbox.put(WorkerCall(kind, call, target, frame))
        return future

    def settle(self, call: int, frame: bytes | None, error: str | None) -> None:
        """The worker's answer to `call` (run on the host's thread)."""
        future = self._pending.pop(call, None)
        if future is None:
            return
        if error is not None:
            future.set_exception(RuntimeError(str(error)))
            return
        if not isinstance(frame, bytes):  # a forged or broken SETTLE: the call fails, saying so
            future.set_exception(ProtocolError(
                f"the worker's answer to call {call} carries neither a result frame nor an "
                f"error (frame: {type(frame).__name__})"))
            return
        try:
            future.set_result(self._codec.decode_value(frame))
        except FfiError as exc:
            future.set_exception(exc)

    def function(self, id: int) -> WorkerFunction:
        """The host's function for callback `id`: one while the host holds it."""
        function = self._functions.get(id)
        if function is None:
            function = WorkerFunction(self, id)
            self._functions[id] = function
            weakref.finalize(function, self._forget, id)
        return function

    def owns(self, function: WorkerFunction) -> bool:
        return function.calls is self

    def _forget(self, id: int) -> None:
        """The host dropped the function for callback `id`: the worker may free a one-off one."""
        if id not in self._functions and not self.closed:
            self.inbox.put(WorkerCall(Message.FORGET, 0, id))

    def close(self, why: str) -> None:
        """Fail every pending call with ChannelClosed(`why`) and end the worker's inbox."""
        self.closed = True
        self.inbox.put(None)
        for future in self._pending.values():
            future.set_exception(ChannelClosed(why))
        self._pending.clear()
