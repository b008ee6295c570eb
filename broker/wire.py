"""Frames on the wire: msgpack bytes in, frozen `Request` / `Reply` records out, and back.

This is the only module that knows the positions of fields in a frame. The value mapping
(which Python value becomes which msgpack type) is in docs/conversions.md; the frame layout is
in docs/protocol.md.

A `Codec` is owned by one side of one channel. The side supplies two hooks, so the codec never
needs to know what a proxy or a handle table is:

- ``to_ext(obj)`` is asked about every object msgpack cannot encode by itself. It returns an
  `ExtType` (a REMOTE or CALLBACK reference), a plain value to encode in its place (a worker's
  own JavaScript object, copied), or raises `ConversionError`.
- ``from_ext(code, payload)`` turns REMOTE and CALLBACK payloads back into objects.
"""

from __future__ import annotations

import struct
from collections import namedtuple
from typing import TYPE_CHECKING, Any

try:
    import msgpack
except ImportError:  # MicroPython: the same API in the subset it shares (minipack.py)
    from . import minipack as msgpack

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
from .interpreter import format_exception
from .protocol import Ext, Op, Status

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import NamedTuple

    ToExt = Callable[[Any], msgpack.ExtType]
    FromExt = Callable[[int, bytes], Any]

_REMOTE, _REMOTE_SIZE = ">IB", 5
_CALLBACK, _CALLBACK_SIZE = ">I", 4
_OK = int(Status.OK)
#: the ops seen so far by value: a dict lookup is cheaper than calling the enum (the CPython
#: host's per-call path); filled as they come (MicroPython's enum shim cannot be iterated)
_OPS: dict[int, Op] = {}

# The records are tuples with named fields: frozen, and made by MicroPython's namedtuple too (it
# has no dataclasses and no typing.NamedTuple). They are made with every field given, as its
# namedtuple takes no defaults. A worker's OK path makes none (`Codec.encode_request` takes
# fields, `Codec.decode_result` skips the Reply). The CPython host makes two a call: serving a
# GET (`Connection.handle`) takes ~5.9 us on CPython 3.11, ~0.4 us more than with mutable
# __slots__ classes.
if TYPE_CHECKING:
    class _RequestFields(NamedTuple):
        op: Op
        target: int
        subject: Any
        args: tuple[Any, ...]
        drops: tuple[int, ...]

    class _ReplyFields(NamedTuple):
        status: Status
        value: Any
        name: str
        message: str
        stack: str

    class _ErrorFields(NamedTuple):
        name: str
        message: str
        stack: str
else:
    _RequestFields = namedtuple("Request", ("op", "target", "subject", "args", "drops"))
    _ReplyFields = namedtuple("Reply", ("status", "value", "name", "message", "stack"))
    _ErrorFields = namedtuple("ErrorBody", ("name", "message", "stack"))


class Request(_RequestFields):
    """One call: ``op`` on the object ``target`` with ``subject`` (a key, or nil) and ``args``;
    ``drops`` releases handles on the way (``[id, count, ...]``)."""

    __slots__ = ()


class ErrorBody(_ErrorFields):
    """What an ERROR ext holds: the error's ``name``, ``message`` and ``stack``. The ext decodes
    to this record so that `Codec` can tell an error reply's body from any value."""

    __slots__ = ()


class Reply(_ReplyFields):
    """The answer to one `Request`: a result, or an error described by name/message/stack."""

    __slots__ = ()

    def unwrap(self) -> Any:
        """Return the value, or raise the exception this reply describes."""
        if self.status == Status.OK:
            return self.value
        raise error_for(self.status, self.name, self.message, self.stack)


# -- status <-> exception: the one table --------------------------------------------------------

#: the error statuses that stand for one exception class each, carrying only a message; the
#: others: THROWN is a `JsException` (name, message and stack of the thrower's error), and
#: INTERNAL an `InternalError`
_ERRORS: dict[Status, type[FfiError]] = {
    Status.BAD_HANDLE: HandleError,
    Status.BAD_REQUEST: ProtocolError,
    Status.MISSING: MissingProperty,
    Status.DENIED: PermissionDenied,
}


def error_for(status: Status, name: str, message: str, stack: str) -> FfiError:
    """The exception that an error reply of this status stands for."""
    if status == Status.THROWN:
        return JsException(name, message, stack)
    kind = _ERRORS.get(status)
    if kind is not None:
        return kind(message)
    return InternalError(f"{name}: {message} ({InternalError.hint})\n{stack}")


def status_for(exc: BaseException) -> Status:
    """The status of the error reply that reports `exc`: that of its class in the table, else
    THROWN (the serving side's code raised it)."""
    for status, kind in _ERRORS.items():
        if isinstance(exc, kind):
            return status
    return Status.THROWN


def error_reply(exc: BaseException) -> Reply:
    """The error reply that reports `exc` raised while serving a request, with its traceback."""
    return Reply(status_for(exc), None, type(exc).__name__, str(exc), format_exception(exc))


# -- ext payloads -------------------------------------------------------------------------------


def remote_ext(handle: int, flags: int = 0) -> msgpack.ExtType:
    return msgpack.ExtType(Ext.REMOTE, struct.pack(_REMOTE, handle, flags))


def callback_ext(handle: int) -> msgpack.ExtType:
    return msgpack.ExtType(Ext.CALLBACK, struct.pack(_CALLBACK, handle))


def bigint_ext(value: int) -> msgpack.ExtType:
    """An int beyond 64 bits: two's complement, big-endian, in the fewest 8-byte words."""
    size = 8  # (written without int.bit_length and signed=, which MicroPython lacks)
    while not -(1 << (8 * size - 1)) <= value < 1 << (8 * size - 1):
        size += 8
    return msgpack.ExtType(Ext.BIGINT, (value % (1 << (8 * size))).to_bytes(size, "big"))


def _bigint(payload: bytes) -> int:
    """The int a BIGINT payload holds (big-endian two's complement)."""
    value = int.from_bytes(payload, "big")
    return value - (1 << (8 * len(payload))) if payload and payload[0] & 0x80 else value


def unpack_remote(payload: bytes) -> tuple[int, int]:
    """(handle id, flags) of a REMOTE payload."""
    if len(payload) != _REMOTE_SIZE:
        raise ProtocolError(f"REMOTE ext payload is {len(payload)} bytes; expected 5")
    handle, flags = struct.unpack(_REMOTE, payload)
    return handle, flags


def unpack_callback(payload: bytes) -> int:
    if len(payload) != _CALLBACK_SIZE:
        raise ProtocolError(f"CALLBACK ext payload is {len(payload)} bytes; expected 4")
    return int(struct.unpack(_CALLBACK, payload)[0])


def _unpack_error(payload: bytes) -> ErrorBody:
    try:
        name, message, stack = msgpack.unpackb(payload, raw=False)
        return ErrorBody(str(name), str(message), str(stack or ""))
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
        if reply.status == _OK:
            return self._pack([_OK, reply.value])
        return self._pack([int(reply.status), error_ext(reply.name, reply.message, reply.stack)])

    # decoding

    def _ext_hook(self, code: int, payload: bytes) -> Any:
        if code == Ext.UNDEFINED:
            return None
        if code == Ext.BIGINT:
            return _bigint(payload)
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
        known = _OPS.get(op) if type(op) is int else None
        if known is None:
            if not isinstance(op, int) or isinstance(op, bool):
                raise ProtocolError(f"unknown op {op!r}")
            try:
                known = _OPS[op] = Op(op)
            except ValueError:
                raise ProtocolError(f"unknown op {op!r}") from None
        if not isinstance(target, int) or isinstance(target, bool) or target < 0:
            raise ProtocolError(f"request target must be a handle id, not {target!r}")
        if not isinstance(args, list):
            raise ProtocolError(f"request args must be an array, not {type(args).__name__}")
        if not isinstance(drops, (list, tuple)) or (drops and not all(
            isinstance(x, int) and not isinstance(x, bool) and x >= 0 for x in drops
        )):
            raise ProtocolError("request drops must be an array of [id, count] integer pairs")
        return Request(known, target, subject, tuple(args), tuple(drops))

    def decode_result(self, data: bytes) -> Any:
        """A reply's value, or raise the error it describes: `decode_reply(data).unwrap()`
        without the `Reply` record and the `Status(...)` lookup on the OK path (the calling
        side's hot path: the enum lookup alone measured ~3 us a reply in Pyodide)."""
        frame = self._unpack(data)
        if type(frame) is list and len(frame) == 2 and frame[0] == _OK and type(frame[0]) is int:
            return frame[1]
        return self._reply(frame).unwrap()

    def decode_reply(self, data: bytes) -> Reply:
        return self._reply(self._unpack(data))

    def _reply(self, frame: Any) -> Reply:
        if not isinstance(frame, list) or len(frame) != 2 or not isinstance(frame[0], int):
            raise ProtocolError("a reply must be [status, body]")
        try:
            status = Status(frame[0])
        except ValueError:
            raise ProtocolError(f"unknown reply status {frame[0]!r}") from None
        if status == Status.OK:
            return Reply(status, frame[1], "", "", "")
        body = frame[1]
        if not isinstance(body, ErrorBody):
            raise ProtocolError("an error reply's body must be an ERROR ext")
        return Reply(status, None, body.name, body.message, body.stack)


def plain_codec() -> Codec:
    """A codec for values only, for tests and vectors: encoding a value msgpack cannot encode by
    itself is a `ConversionError`; a REMOTE or CALLBACK reference in a decoded frame stays an
    ``ExtType`` (its code and payload, unresolved)."""

    def to_ext(obj: Any) -> msgpack.ExtType:
        raise ConversionError(f"cannot send {type(obj).__name__!s} by value")

    def from_ext(code: int, payload: bytes) -> Any:
        return msgpack.ExtType(code, payload)

    return Codec(to_ext, from_ext)
