"""pyscript-ffi under Pyodide: the transport over the worker's JS stub, and the runtime that runs
the user's file and answers the page's calls (exports, callbacks).

Imported by ``js_glue/worker.js`` (after it registered the ``_pyscript_ffi_stub`` module) and by
``PyMain`` in ``js_glue/main.js`` for Python on the page's own thread.
"""

from __future__ import annotations

import io
import sys
from typing import TYPE_CHECKING, Any

from pyodide.code import eval_code_async  # type: ignore[import-not-found]
from pyodide.ffi import can_run_sync, create_proxy, run_sync, to_js  # type: ignore[import-not-found]

from broker.protocol import Message

from . import _runtime
from ._local_js import LocalObjects
from ._worker import WITHDRAWN, WorkerRuntime, call_timeout, use_worker_clock
from .channel import Channel
from .interrupts import DeferredInterrupts
from .tracking import WeakTracking

if TYPE_CHECKING:
    from collections.abc import Callable

#: Frames of at least this many bytes go into the shared buffer in place (Caller.frameView +
#: assign) instead of through a new Uint8Array (to_js): for a small frame the two calls into JS
#: cost more than the copy they save; a large one (a 1 MB argument) saves a copy. Smaller
#: frames, and replies up to this size, go through the pinned bytearray (PINNED_BYTES).
IN_PLACE_BYTES = 1 << 16
#: The size of the transport's pinned bytearray (stub.js PinnedFrames).
PINNED_BYTES = IN_PLACE_BYTES


class StubTransport:
    """Round trips through the worker stub's Caller (Atomics.wait on the shared buffer).

    A frame under PINNED_BYTES goes through a bytearray that JS views in place (stub.js
    `PinnedFrames`, given by `pin`): Python copies the request into it and passes its length,
    and gets back the length of the reply JS copied into it, so no Uint8Array is made and no
    JsProxy of the reply crosses back per call (measured: docs/benchmarks.md, "Design choices").
    A larger frame goes to JS as a Uint8Array, or in place into the shared buffer; a reply too
    large for the bytearray comes back as a JsProxy of a Uint8Array.
    """

    def __init__(self, caller: Any, pin: Callable[[Any], Any]) -> None:
        self._caller = caller
        #: replies that landed after their call gave up: the channel returns their lends
        self.late: list[bytes] = []
        self._roundtrip = caller.roundtrip
        self._frame_view = caller.frameView
        self._pinned = bytearray(PINNED_BYTES)  # exported to JS for good: never resized
        self._pinned_view = memoryview(self._pinned)
        self._frames = pin(create_proxy(self._pinned))
        self._pinned_roundtrip = self._frames.roundtrip
        if getattr(caller, "suspends", False):  # the relay's suspending lane (relay-stub.js)
            self._suspending = caller.roundtripSuspending
            self._resumed = caller.resumed
            self.roundtrip = self._suspending_roundtrip  # type: ignore[method-assign]

    #: the last round trip that raised was withdrawn before the page took it (nothing ran)
    withdrawn = False
    #: a call gave up while the page ran it: its reply may land during a later round trip
    owed = False

    def roundtrip(self, frame: bytes) -> bytes:
        self.withdrawn = False
        n = len(frame)
        if n < PINNED_BYTES:
            self._pinned_view[:n] = frame
            reply = self._pinned_roundtrip(n)
            if type(reply) is int:  # the reply is in the bytearray (copied: it is reused)
                if self.owed:
                    self._take_late()
                return self._pinned_view[:reply].tobytes()
        else:
            # to_js copies the frame into a new Uint8Array, which costs less than handing JS the
            # bytes object (a PyProxy it must getBuffer and release). A large frame is written
            # straight into the shared buffer instead: one copy less (IN_PLACE_BYTES)
            view = self._frame_view(n) if n >= IN_PLACE_BYTES else None
            if view is not None:
                view.assign(frame)
            reply = self._roundtrip(to_js(frame) if view is None else view)
        if type(reply) is str:  # a Failure code
            self._failed(reply)
        if self.owed:
            self._take_late()
        # a copy: the view into the shared buffer is reused next call
        return reply.to_bytes()  # type: ignore[no-any-return]

    def _suspending_roundtrip(self, frame: bytes) -> bytes:
        """`roundtrip` over the relay's suspending lane: Python's stack waits suspended while
        the worker's loop carries the call; where it cannot suspend (`can_run_sync`: a call
        made from a synchronous entry from JavaScript), the blocking request."""
        if not can_run_sync():
            return StubTransport.roundtrip(self, frame)
        self.withdrawn = False
        try:
            reply = run_sync(self._suspending(to_js(frame)))
        finally:
            self._resumed()  # what the worker held while this stack waited may run (worker.js)
        if type(reply) is str:
            self._failed(reply)
        if self.owed:
            self._take_late()
        return reply.to_bytes()  # type: ignore[no-any-return]

    def _failed(self, failure: str) -> None:
        """Raise the call's `Failure` as the error that says what became of it."""
        self.withdrawn = failure in WITHDRAWN
        self.owed = self.owed or not self.withdrawn
        raise call_timeout(failure, self._caller.timeoutMs / 1000)

    def _take_late(self) -> None:
        """The reply that landed during this round trip after its own call gave up, if any."""
        late = self._caller.takeLate()
        if late is not None:
            self.late.append(late.to_bytes())
            self.owed = False


class LineWriter(io.TextIOBase):
    """sys.stdout or sys.stderr of a worker whose page has a handler for it: each line (without
    its newline) goes to `emit`, and `flush()` sends a partial one, as Pyodide's own "batched"
    output does. (Pyodide's output hook cannot call back into Python: it runs inside the write.)"""

    def __init__(self, name: str, emit: Callable[[str, str], bool]) -> None:
        super().__init__()
        self.name = name
        self._emit = emit
        self._pending = ""

    @property
    def encoding(self) -> str:  # type: ignore[override]  # (read-only in io.TextIOBase)
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        *lines, self._pending = (self._pending + text).split("\n")
        for line in lines:
            self._send(line)
        return len(text)

    def flush(self) -> None:
        if self._pending:
            line, self._pending = self._pending, ""
            self._send(line)

    def _send(self, line: str) -> None:
        if self._emit(self.name, line):
            raise KeyboardInterrupt("interrupted by the page (interrupt()) while printing")


class Runtime(WorkerRuntime):
    """Runs the user's file (top-level await allowed) and answers the page's calls."""

    def __init__(self, channel: Channel | None, post: Any = None) -> None:
        super().__init__(channel)
        self._post = post

    async def run(self, code: str, filename: str) -> list[str]:
        """Run the user's file; returns the names it lists in __export__."""
        namespace = self._namespace(filename)
        await eval_code_async(code, namespace, filename=filename)
        return self._exported(namespace, filename)

    def use_stdio(self, frame: Any) -> None:
        """BOOT's io frame (a Uint8Array): input() asks the page, and the streams the page has
        handlers for become `LineWriter`s."""
        for name in self._stdio(frame.to_bytes()):
            setattr(sys, name, LineWriter(name, self.write))

    def deliver(self, message: Any) -> None:
        """A message from the page: {kind, call, name | id, frame}."""
        assert self.calls is not None, "only a worker's runtime answers page calls"
        kind = message.kind
        if kind == Message.FORGET:
            self.calls.deliver(kind, 0, message.id, b"")
            return
        target = message.name if kind == Message.EXPORT else message.id
        self.calls.deliver(kind, message.call, target, message.frame.to_bytes())

    def _settle(self, call: int, frame: bytes | None, error: str | None) -> None:
        if error is not None:
            self._post({"kind": Message.SETTLE, "call": call, "error": error})
        else:
            self._post({"kind": Message.SETTLE, "call": call}, frame)


def start_worker() -> Runtime:
    """In a worker: talk to the page through the stub's Caller (shared buffer or relay)."""
    import _pyscript_ffi_stub as stub  # type: ignore[import-not-found]

    channel = Channel(StubTransport(stub.caller, stub.pin), WeakTracking())
    channel.local = local_objects()
    channel.interrupts = DeferredInterrupts()
    channel.interrupts.install()
    _runtime.install(channel, in_worker=True)
    use_worker_clock(stub.caller.timeoutMs / 1000, stub.caller.pause)
    return Runtime(channel, stub.post)


def local_objects() -> LocalObjects:
    """This worker's own JavaScript objects, as the channel sends them (`_local_js`)."""
    import js  # type: ignore[import-not-found]  # the worker's own globals
    from pyodide.ffi import JsDoubleProxy, JsProxy, jsnull

    def unwrap(proxy: Any) -> Any:  # a create_proxy result: its Python callable
        return proxy.unwrap() if isinstance(proxy, JsDoubleProxy) else None

    return LocalObjects(JsProxy, js, jsnull, is_function=lambda p: p.typeof == "function",
                        unwrap=unwrap)


def start_local() -> Runtime:
    """On the page's own thread: pyscript_ffi over Pyodide's own FFI, no channel."""
    import js

    _runtime.install_local(js)
    return Runtime(None)
