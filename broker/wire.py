"""Frames on the wire: msgpack bytes in, frozen `Request` / `Reply` records out, and back.

This is the only module that knows the positions of fields in a frame. The value mapping
(which Python value becomes which msgpack type) is in docs/conversions.md; the frame layout is
in docs/protocol.md.

A `Codec` is owned by one side of one channel. The side supplies two hooks, so the codec never
needs to know what a proxy or a handle table is:

- ``to_ext(obj)`` is asked about every object msgpack cannot encode by itself. It returns an
  `ExtType` (a REMOTE or CALLBACK reference) or raises `ConversionError`.
- ``from_ext(code, payload)`` turns REMOTE and CALLBACK payloads back into objects.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgpack

from .errors import (
    ConversionError,
    FfiError,
    HandleError,
    InternalError,
    JsException,
    MissingProperty,
    PermissionDenied,
    ProtocolError,
)
from .protocol import Ext, Op, Status

ToExt = Callable[[Any], msgpack.ExtType]
FromExt = Callable[[int, bytes], Any]

_REMOTE = struct.Struct(">IB")
_CALLBACK = struct.Struct(">I")
_OPS = frozenset(int(op) for op in Op)


@dataclass(frozen=True, slots=True)
class Request:
    """One call: ``op`` on the object ``target``; ``drops`` releases handles on the way."""

    op: Op
    target: int
    subject: Any = None
    args: tuple[Any, ...] = ()
    drops: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Reply:
    """The answer to one `Request`: a result, or an error described by name/message/stack."""

    status: Status
    value: Any = None
    name: str = ""
    message: str = ""
    stack: str = ""

    def unwrap(self) -> Any:
        """Return the value, or raise the exception this reply describes."""
        if self.status is Status.OK:
            return self.value
        raise error_for(self.status, self.name, self.message, self.stack)


def error_for(status: Status, name: str, message: str, stack: str) -> FfiError:
    """The exception that an error reply of this status stands for."""
    if status is Status.THROWN:
        return JsException(name, message, stack)
    if status is Status.BAD_HANDLE:
        return HandleError(message)
    if status is Status.BAD_REQUEST:
        return ProtocolError(message)
    if status is Status.MISSING:
        return MissingProperty(message)
    if status is Status.DENIED:
        return PermissionDenied(message)
    return InternalError(f"{name}: {message} ({InternalError.hint})\n{stack}")


# -- ext payloads -------------------------------------------------------------------------------


def remote_ext(handle: int, flags: int = 0) -> msgpack.ExtType:
    return msgpack.ExtType(Ext.REMOTE, _REMOTE.pack(handle, flags))


def callback_ext(handle: int) -> msgpack.ExtType:
    return msgpack.ExtType(Ext.CALLBACK, _CALLBACK.pack(handle))


def bigint_ext(value: int) -> msgpack.ExtType:
    """An int beyond 64 bits: two's complement, big-endian, in the fewest 8-byte words."""
    bits = (value if value >= 0 else ~value).bit_length()
    return msgpack.ExtType(Ext.BIGINT, value.to_bytes(8 * (bits // 64 + 1), "big", signed=True))


def unpack_remote(payload: bytes) -> tuple[int, int]:
    """(handle id, flags) of a REMOTE payload."""
    if len(payload) != _REMOTE.size:
        raise ProtocolError(f"REMOTE ext payload is {len(payload)} bytes; expected 5")
    handle, flags = _REMOTE.unpack(payload)
    return handle, flags


def unpack_callback(payload: bytes) -> int:
    if len(payload) != _CALLBACK.size:
        raise ProtocolError(f"CALLBACK ext payload is {len(payload)} bytes; expected 4")
    return int(_CALLBACK.unpack(payload)[0])


def _unpack_error(payload: bytes) -> tuple[str, str, str]:
    try:
        name, message, stack = msgpack.unpackb(payload, raw=False)
        return str(name), str(message), str(stack or "")
    except Exception as exc:
        raise ProtocolError(f"ERROR ext payload is not [name, message, stack]: {exc}") from None


def error_ext(name: str, message: str, stack: str = "") -> msgpack.ExtType:
    return msgpack.ExtType(Ext.ERROR, msgpack.packb([name, message, stack], use_bin_type=True))


# -- the codec ----------------------------------------------------------------------------------


class Codec:
    """Encodes requests and replies for one side of one channel. Not thread-safe: one per side."""

    def __init__(self, to_ext: ToExt, from_ext: FromExt) -> None:
        self._to_ext = to_ext
        self._from_ext = from_ext
        self._packer = msgpack.Packer(default=self._default, use_bin_type=True, autoreset=True)

    # encoding

    def _default(self, obj: Any) -> msgpack.ExtType:
        if isinstance(obj, int):  # only ints beyond 64 bits reach here
            return bigint_ext(obj)
        return self._to_ext(obj)

    def _pack(self, frame: Any) -> bytes:
        try:
            return self._packer.pack(frame)  # type: ignore[no-any-return]  # msgpack is untyped
        except FfiError:
            raise
        except (ValueError, OverflowError) as exc:  # msgpack's "recursion limit exceeded"
            raise ConversionError(f"cannot encode value: {exc} (a circular structure?)") from None
        except TypeError as exc:
            raise ConversionError(str(exc)) from None

    def encode_request(self, op: Op, target: int, subject: Any = None,
                       args: tuple[Any, ...] | list[Any] = (),
                       drops: list[int] | None = None) -> bytes:
        """A request frame (the hot path takes fields, not a `Request`, to skip one object)."""
        frame = [op, target, subject, args]
        if drops:
            frame.append(drops)
        return self._pack(frame)

    def encode_value(self, value: Any) -> bytes:
        """One value on its own (arguments and results of page-to-worker calls)."""
        return self._pack(value)

    def decode_value(self, data: bytes) -> Any:
        return self._unpack(data)

    def encode_reply(self, reply: Reply) -> bytes:
        if reply.status is Status.OK:
            return self._pack([int(Status.OK), reply.value])
        return self._pack([int(reply.status), error_ext(reply.name, reply.message, reply.stack)])

    # decoding

    def _ext_hook(self, code: int, payload: bytes) -> Any:
        if code == Ext.UNDEFINED:
            return None
        if code == Ext.BIGINT:
            return int.from_bytes(payload, "big", signed=True)
        if code in (Ext.REMOTE, Ext.CALLBACK):
            return self._from_ext(code, payload)
        if code == Ext.ERROR:
            return _unpack_error(payload)
        raise ProtocolError(f"unknown ext type {code} in frame")

    def _unpack(self, data: bytes) -> Any:
        try:
            return msgpack.unpackb(
                data, ext_hook=self._ext_hook, raw=False, strict_map_key=False, use_list=True
            )
        except FfiError:
            raise
        except Exception as exc:
            raise ProtocolError(f"undecodable frame ({len(data)} bytes): {exc}") from None

    def decode_request(self, data: bytes) -> Request:
        frame = self._unpack(data)
        if not isinstance(frame, list) or len(frame) not in (4, 5):
            raise ProtocolError("a request must be [op, target, subject, args] (+ drops)")
        op, target, subject, args = frame[:4]
        drops = frame[4] if len(frame) == 5 else ()
        if not isinstance(op, int) or op not in _OPS:
            raise ProtocolError(f"unknown op {op!r}")
        if not isinstance(target, int) or isinstance(target, bool) or target < 0:
            raise ProtocolError(f"request target must be a handle id, not {target!r}")
        if not isinstance(args, list):
            raise ProtocolError(f"request args must be an array, not {type(args).__name__}")
        if not isinstance(drops, list | tuple) or not all(
            isinstance(x, int) and x >= 0 for x in drops
        ):
            raise ProtocolError("request drops must be an array of [id, count] integer pairs")
        return Request(Op(op), target, subject, tuple(args), tuple(drops))

    def decode_reply(self, data: bytes) -> Reply:
        frame = self._unpack(data)
        if not isinstance(frame, list) or len(frame) != 2 or not isinstance(frame[0], int):
            raise ProtocolError("a reply must be [status, body]")
        try:
            status = Status(frame[0])
        except ValueError:
            raise ProtocolError(f"unknown reply status {frame[0]!r}") from None
        if status is Status.OK:
            return Reply(status, frame[1])
        if not isinstance(frame[1], tuple):
            raise ProtocolError("an error reply's body must be an ERROR ext")
        name, message, stack = frame[1]
        return Reply(status, None, name, message, stack)


def plain_codec() -> Codec:
    """A codec for values only: any reference in a frame is a `ProtocolError`. For tests and
    vectors."""

    def to_ext(obj: Any) -> msgpack.ExtType:
        raise ConversionError(f"cannot send {type(obj).__name__!s} by value")

    def from_ext(code: int, payload: bytes) -> Any:
        return msgpack.ExtType(code, payload)

    return Codec(to_ext, from_ext)
