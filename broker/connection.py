"""One worker's connection to the CPython host: serve its requests, run each op, answer.

A request goes ``serve_one``: claim and read it through the transfer (`broker.transfer.Server`),
``handle``: decode it (`broker.wire`), apply its drops, look up its target, run the op's handler
(`broker.dispatch.HANDLERS`), encode the reply, and back through the transfer. The twin of the
serving half of ``js_glue/channel.js``. Everything here runs on the host's thread, except
`ring`, which the worker calls.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgpack

from . import values
from .calls import WorkerCalls, WorkerFunction
from .dispatch import HANDLERS
from .errors import ChannelError, ConversionError, FfiError, HandleError, ProtocolError
from .handles import HandleTable
from .protocol import GLOBAL_HANDLE, Ext, Op, Status
from .shared import SharedBuffer
from .transfer import Server
from .wire import (
    Codec,
    Reply,
    callback_ext,
    error_reply,
    remote_ext,
    unpack_callback,
    unpack_remote,
)


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


class Connection:
    """One worker's channel, seen from the host: its buffer, its handles, its calls into it.

    Made by `Host.connect`: `scope` is the worker's global scope, `submit` queues a task for the
    host's thread, `on_close` tells the host this connection is over.
    """

    def __init__(self, scope: Any, buffer: SharedBuffer, *, timeout: float, max_frame_bytes: int,
                 submit: Callable[[Callable[[], object]], None],
                 on_close: Callable[[Connection], None]) -> None:
        self.buffer = buffer
        self.handles = HandleTable()
        self.handles.pin(GLOBAL_HANDLE, scope)
        self.codec = Codec(self._to_ext, self._from_ext)
        #: calls from the host into this worker (exports, callbacks)
        self.calls = WorkerCalls(self.codec, self.out)
        self.closed = False
        self._scope = scope
        self._server = Server(buffer, timeout, max_frame_bytes)
        self._submit = submit
        self._on_close = on_close
        self._calls = self._errors = self._bad_drops = self._in = self._out = 0

    # -- serving ------------------------------------------------------------------------------

    def ring(self) -> None:
        """Called by the worker once its request is in: queue this connection to be served."""
        self._submit(self.serve_one)

    def serve_one(self) -> None:
        """Serve the request in the buffer, if there is one still (it may have been withdrawn)."""
        if self.closed or not self._server.claim():
            return
        frame: bytes | Reply
        try:
            frame = self._server.read_request()
        except ProtocolError as exc:  # answered: the worker waits for a reply
            frame = Reply(Status.BAD_REQUEST, None, "ProtocolError", str(exc), "")
        except ChannelError:
            return  # the worker gave up mid-frame
        self._server.write_reply(self.handle(frame))

    def handle(self, frame: bytes | Reply) -> bytes:
        """Decode, run and encode one request (or answer a refused one). Never raises."""
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
                data = self.codec.encode_reply(error_reply(exc))
        except Exception:  # noqa: BLE001 - a bug here must still answer the worker
            traceback.print_exc()
            data = self.codec.encode_reply(
                Reply(Status.INTERNAL, None, "InternalError", "reply could not be encoded", ""))
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
            result = HANDLERS[request.op](self, target, request.subject, list(request.args))
            return Reply(Status.OK, result, "", "", "")
        except Exception as exc:  # noqa: BLE001 - every failure becomes an error reply
            self._errors += 1
            return error_reply(exc)

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
        return values.out(value, self._lend)

    def copy(self, value: Any) -> Any:
        """A deep copy as plain data (see `broker.values.copy`)."""
        return values.copy(value)

    def scope(self) -> Any:
        return remote_ext(GLOBAL_HANDLE, values.flags(self._scope))

    def _lend(self, value: Any) -> msgpack.ExtType:
        if isinstance(value, WorkerFunction) and self.calls.owns(value):
            return callback_ext(value.id)
        return remote_ext(self.handles.lend(value), values.flags(value))

    def _to_ext(self, obj: Any) -> msgpack.ExtType:
        out = self.out(obj)
        if not isinstance(out, msgpack.ExtType):
            raise ConversionError(f"cannot send {type(obj).__qualname__}")
        return out

    def _from_ext(self, code: int, payload: bytes) -> Any:
        if code == Ext.REMOTE:
            return self.handles.get(unpack_remote(payload)[0])
        return self.calls.function(unpack_callback(payload))

    # -- the end ------------------------------------------------------------------------------

    def close(self, why: str) -> None:
        """Stop serving this worker, free every handle it held, fail its pending calls."""
        if self.closed:
            return
        self.closed = True
        self.buffer.close()
        self.handles.clear()
        self.calls.close(why)
        self._on_close(self)

    def statistics(self) -> ConnectionStatistics:
        return ConnectionStatistics(
            live_handles=len(self.handles), handles_issued=self.handles.issued,
            calls=self._calls, errors=self._errors, bad_drops=self._bad_drops,
            bytes_in=self._in, bytes_out=self._out)
