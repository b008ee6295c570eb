"""The CPython host: a thread that owns objects serves them to worker threads.

The host speaks the browser's protocol over the browser's buffer layout (`broker.shared`), so a
worker thread runs the same ``pyscript_ffi`` proxies as a browser worker. Users: programs whose
objects must be touched from one thread (Tkinter and other GUI toolkits, single-threaded
libraries), and tests of FFI code that should not need a browser. See docs/hosts.md.

    host = Host({"counter": counter})           # the workers' `js`: these names
    worker = pyscript_ffi.threads.start(host, main)
    host.serve(until=worker.ready)              # or host.poll() from a GUI loop,
                                                # or await host.serve_async() in anyio

Everything here runs on the host's owner thread (the one that made it), except `Host._submit`,
which workers call to ring the doorbell. The owner thread must keep serving (`serve`, `poll` or
`serve_async`) while workers call; a worker whose call is not taken within its timeout gets a
CallTimeout, never a hang.
"""

from __future__ import annotations

import queue
import threading
import time
import traceback
import weakref
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import msgpack

from .dispatch import HANDLERS
from .errors import (
    ChannelClosed,
    ConversionError,
    FfiError,
    HandleError,
    MissingProperty,
    PermissionDenied,
    ProtocolError,
)
from .handles import HandleTable
from .protocol import DEFAULT_BUFFER_BYTES, GLOBAL_HANDLE, Ext, Op, RemoteFlag, Slot, State, Status
from .shared import SharedBuffer
from .wire import Codec, Reply, callback_ext, remote_ext, unpack_callback, unpack_remote

MAX_FRAME_BYTES = 256 * 1024 * 1024
MAX_COPY_DEPTH = 100
_STATUS = {HandleError: Status.BAD_HANDLE, ProtocolError: Status.BAD_REQUEST,
           MissingProperty: Status.MISSING, PermissionDenied: Status.DENIED}


class ByValue:
    """A value marked by `direct`: it crosses to the worker as a deep copy, not a handle."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def direct(value: Any) -> ByValue:
    """Mark what a host function returns to cross by value (a deep copy) instead of as a handle;
    the host's twin of the page's ``direct`` from ``/_ffi/main.js``."""
    return ByValue(value)


def _flags(value: Any) -> int:
    flags = 0
    if callable(value):
        flags |= RemoteFlag.CALLABLE
    if hasattr(value, "__iter__"):
        flags |= RemoteFlag.ITERABLE
    if hasattr(value, "__len__"):
        flags |= RemoteFlag.SIZED
    if isinstance(value, list | tuple):
        flags |= RemoteFlag.ARRAY
    return flags


def _error_reply(exc: BaseException) -> Reply:
    status = next((s for kind, s in _STATUS.items() if isinstance(exc, kind)), Status.THROWN)
    stack = "".join(traceback.format_exception(exc))
    return Reply(status, None, type(exc).__name__, str(exc), stack)


@dataclass(frozen=True)
class ConnectionStatistics:
    """What one worker's connection has done (see `Connection.statistics`)."""

    live_handles: int
    handles_issued: int
    calls: int
    errors: int
    bad_drops: int
    bytes_in: int
    bytes_out: int


@dataclass(frozen=True)
class PageCall:
    """A call from the host into the worker: an export by `name`, or a callback by `id`."""

    kind: str  # "export", "callback" or "forget"
    call: int
    target: str | int
    frame: bytes = b""


class WorkerFunction:
    """The host's function for a worker's callback: calling it runs the worker's Python function
    in the worker and returns a Future of its result (the page gets a Promise)."""

    __slots__ = ("__weakref__", "_connection", "id")

    def __init__(self, connection: Connection, id: int) -> None:
        self._connection = connection
        self.id = id

    def __call__(self, *args: Any) -> Future[Any]:
        return self._connection.call_worker("callback", self.id, args)

    def __repr__(self) -> str:
        return f"<worker callback {self.id}>"


class Connection:
    """One worker's channel, seen from the host: its buffer, its handles, its pending calls."""

    def __init__(self, host: Host, buffer: SharedBuffer) -> None:
        self.host = host
        self.buffer = buffer
        self.handles = HandleTable()
        self.handles.pin(GLOBAL_HANDLE, host.scope)
        self.codec = Codec(self._to_ext, self._from_ext)
        self.inbox: queue.SimpleQueue[PageCall | None] = queue.SimpleQueue()
        self.closed = False
        self._functions: weakref.WeakValueDictionary[int, WorkerFunction] = (
            weakref.WeakValueDictionary())
        self._pending: dict[int, Future[Any]] = {}
        self._next_call = 1
        self._calls = self._errors = self._bad_drops = self._in = self._out = 0

    # -- serving ------------------------------------------------------------------------------

    def ring(self) -> None:
        """Called by the worker once its request is in: queue this connection to be served."""
        self.host._submit(self.serve_one)

    def serve_one(self) -> None:
        """Serve the request in the buffer, if there is one still (it may have been withdrawn)."""
        buffer = self.buffer
        if self.closed or buffer.compare_exchange(State.REQUEST, State.BUSY) != State.REQUEST:
            return
        frame = self._read_request()
        if frame is None:
            return  # the worker gave up mid-frame
        self._write_reply(self.handle(frame))

    def _read_request(self) -> bytes | Reply | None:
        buffer, words = self.buffer, self.buffer.words
        total, chunk = words[Slot.TOTAL], words[Slot.CHUNK]
        room = len(buffer.data)
        if total < 0 or chunk < 1 or chunk > room or chunk > total:
            return Reply(Status.BAD_REQUEST, None, "ProtocolError",
                         f"bad request header: TOTAL {total}, CHUNK {chunk} bytes in a buffer "
                         f"of {room} data bytes")
        if chunk == total:
            return bytes(buffer.data[:chunk])
        if total > self.host.max_frame_bytes:
            return Reply(Status.BAD_REQUEST, None, "ProtocolError",
                         f"a request of {total} bytes is over this host's limit of "
                         f"{self.host.max_frame_bytes} bytes (Host max_frame_bytes)")
        frame = bytearray()
        deadline = self.host.deadline()
        while True:
            frame += buffer.data[:chunk]
            if len(frame) >= total:
                return bytes(frame)
            buffer.store(State.MORE)
            if buffer.wait_while(State.MORE, deadline) == State.MORE:
                return None
            if buffer.compare_exchange(State.REQUEST, State.BUSY) != State.REQUEST:
                return None
            chunk = words[Slot.CHUNK]
            if chunk < 1 or chunk > room or len(frame) + chunk > total:
                return Reply(Status.BAD_REQUEST, None, "ProtocolError",
                             f"a request chunk of {chunk} bytes does not fit the frame "
                             f"({len(frame)} of {total} bytes in)")

    def _write_reply(self, reply: bytes) -> None:
        buffer = self.buffer
        buffer.words[Slot.TOTAL] = len(reply)
        deadline = self.host.deadline()
        sent = 0
        while True:
            sent = buffer.put_chunk(reply, sent)
            buffer.store(State.REPLY)
            if sent >= len(reply):
                return
            if buffer.wait_while(State.REPLY, deadline) != State.MORE:
                return  # the worker gave up on the rest (timed out)

    def handle(self, frame: bytes | Reply) -> bytes:
        """Decode, run and encode one request. Never raises."""
        self._calls += 1
        self._in += len(frame) if isinstance(frame, bytes) else 0
        try:
            if isinstance(frame, Reply):
                self._errors += 1
                reply = frame
            else:
                reply = self._run(frame)
            try:
                data = self.codec.encode_reply(reply)
            except FfiError as exc:
                self._errors += 1
                data = self.codec.encode_reply(_error_reply(exc))
        except Exception:  # noqa: BLE001 - a bug here must still answer the worker
            traceback.print_exc()
            data = self.codec.encode_reply(
                Reply(Status.INTERNAL, None, "InternalError", "reply could not be encoded"))
        self._out += len(data)
        return data

    def _run(self, frame: bytes) -> Reply:
        try:
            request = self.codec.decode_request(frame)
            bad_drop = self._apply_drops(request.drops)
            # a bad drop fails only an explicit RELEASE; riding on another op, it must not fail it
            if bad_drop is not None and request.op is Op.RELEASE:
                raise bad_drop
            target = self.handles.get(request.target)
            return Reply(Status.OK, HANDLERS[request.op](
                self, target, request.subject, list(request.args)))
        except Exception as exc:  # noqa: BLE001 - every failure becomes an error reply
            self._errors += 1
            return _error_reply(exc)

    def _apply_drops(self, drops: tuple[int, ...]) -> HandleError | None:
        if len(drops) % 2:
            raise ProtocolError("request drops must be an array of [id, count] integer pairs")
        first = None
        for i in range(0, len(drops), 2):
            try:
                self.handles.drop(drops[i], drops[i + 1])
            except HandleError as exc:
                self._bad_drops += 1
                first = first or exc
        return first

    # -- values (the dispatcher's Context) ----------------------------------------------------

    def out(self, value: Any) -> Any:
        """`value` by value if it is a primitive, else lent as a handle."""
        if value is None or isinstance(value, bool | int | float | str | bytes):
            return value
        if isinstance(value, bytearray | memoryview):
            return bytes(value)
        if isinstance(value, ByValue):
            return self.copy(value.value)
        if isinstance(value, WorkerFunction) and value._connection is self:
            return callback_ext(value.id)
        return remote_ext(self.handles.lend(value), _flags(value))

    def copy(self, value: Any, depth: int = 0) -> Any:
        """A deep copy as plain data: mappings, sequences, bytes, and objects' public attributes."""
        if depth > MAX_COPY_DEPTH:
            raise ConversionError(f"cannot copy a value nested over {MAX_COPY_DEPTH} levels deep "
                                  "(a circular structure?)")
        if value is None or isinstance(value, bool | int | float | str | bytes):
            return value
        if isinstance(value, bytearray | memoryview):
            return bytes(value)
        if isinstance(value, Mapping):
            return {str(k): self.copy(v, depth + 1) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.copy(v, depth + 1) for v in value]
        if hasattr(value, "__dict__") and not callable(value):
            return {k: self.copy(v, depth + 1) for k, v in vars(value).items()
                    if not k.startswith("_")}
        raise ConversionError(f"cannot copy {type(value).__qualname__} by value")

    def scope(self) -> Any:
        return remote_ext(GLOBAL_HANDLE, _flags(self.host.scope))

    def _to_ext(self, obj: Any) -> msgpack.ExtType:
        out = self.out(obj)
        if not isinstance(out, msgpack.ExtType):
            raise ConversionError(f"cannot send {type(obj).__qualname__}")
        return out

    def _from_ext(self, code: int, payload: bytes) -> Any:
        if code == Ext.REMOTE:
            return self.handles.get(unpack_remote(payload)[0])
        return self._function(unpack_callback(payload))

    def _function(self, id: int) -> WorkerFunction:
        function = self._functions.get(id)
        if function is None:
            function = WorkerFunction(self, id)
            self._functions[id] = function
            weakref.finalize(function, self._forget, id)
        return function

    def _forget(self, id: int) -> None:
        """The host dropped the function for callback `id`: the worker may free a one-off one."""
        if id not in self._functions and not self.closed:
            self.inbox.put(PageCall("forget", 0, id))

    # -- host-to-worker calls -------------------------------------------------------------------

    def call_worker(self, kind: str, target: str | int, args: tuple[Any, ...]) -> Future[Any]:
        """Run a worker export (`kind` "export") or callback ("callback") with `args`; returns a
        Future of its result, settled on the host's thread while it serves."""
        future: Future[Any] = Future()
        if self.closed:
            future.set_exception(ChannelClosed("the worker was terminated"))
            return future
        call, self._next_call = self._next_call, self._next_call + 1
        self._pending[call] = future
        frame = self.codec.encode_value([self.out(arg) for arg in args])
        self.inbox.put(PageCall(kind, call, target, frame))
        return future

    def settle(self, call: int, frame: bytes | None, error: str | None) -> None:
        """The worker's answer to `call_worker` (run on the host's thread)."""
        future = self._pending.pop(call, None)
        if future is None:
            return
        if error is not None:
            future.set_exception(RuntimeError(error))
            return
        try:
            future.set_result(self.codec.decode_value(frame or b"\xc0"))
        except FfiError as exc:
            future.set_exception(exc)

    def close(self, why: str) -> None:
        """Stop serving this worker, free every handle it held, fail its pending calls."""
        if self.closed:
            return
        self.closed = True
        self.buffer.close()
        self.handles.clear()
        self.inbox.put(None)
        for future in self._pending.values():
            future.set_exception(ChannelClosed(why))
        self._pending.clear()
        self.host._connections.discard(self)

    def statistics(self) -> ConnectionStatistics:
        return ConnectionStatistics(
            live_handles=len(self.handles), handles_issued=self.handles.issued,
            calls=self._calls, errors=self._errors, bad_drops=self._bad_drops,
            bytes_in=self._in, bytes_out=self._out)


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
        connection = Connection(self, SharedBuffer(self.buffer_bytes))
        self._connections.add(connection)
        return connection

    def deadline(self) -> float:
        return time.monotonic() + self.timeout

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
            until.add_done_callback(lambda _: self._submit(None))
        end = None if timeout is None else time.monotonic() + timeout
        while not (until is not None and until.done()):
            if until is None and self._closed:
                return None
            left = None if end is None else end - time.monotonic()
            if left is not None and left <= 0:
                raise TimeoutError(f"the host served for {timeout:g} s and the awaited "
                                   "result did not come")
            try:
                task = self._tasks.get(timeout=left)
            except queue.Empty:
                continue
            if task is not None:
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
        self._submit(None)

    def statistics(self) -> list[ConnectionStatistics]:
        return [connection.statistics() for connection in self._connections]

    def _submit(self, task: Callable[[], object] | None) -> None:
        """Queue `task` for the owner thread (any thread may call this)."""
        self._tasks.put(task)
        self._rung.set()

    def _check_owner(self, what: str) -> None:
        if threading.get_ident() != self._owner:
            raise RuntimeError(f"Host.{what} must run on the thread that made the Host: that "
                               "thread owns the objects the workers reach")
