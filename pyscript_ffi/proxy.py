"""Remote proxies: Python objects that stand for JavaScript objects on the main thread.

A `JsProxy` behaves like Pyodide's own ``JsProxy``: attribute and item access, calls, ``new``,
``len``, iteration, ``in``, ``bool``, ``str`` and ``==``. Every operation is one synchronous
round trip through the proxy's `Channel`, except ``==`` and ``hash``, which compare handle ids
(the main thread gives one JS object one id while the worker holds it).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from broker.errors import MissingProperty
from broker.protocol import ITER_BATCH, Op, RemoteFlag

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import FrameType

    from .channel import Channel

_TOKEN = object()  # proxies are made by channels only

# `obj.name(...)` compiles to LOAD_METHOD (Python 3.11) or LOAD_ATTR with the low bit of its
# argument set (3.12+), and the call always follows; from 3.14, when `obj` is an imported name
# (`from pyscript_ffi import document`), to a plain LOAD_ATTR followed at once by the PUSH_NULL
# of the call. When __getattr__ runs for such a load the attribute is about to be called, so one
# CALL_METHOD round trip can stand for GET + CALL: measured, document.createElement("div") took
# two round trips (a GET of 30-40 us, then the CALL) before.
_ATTR_FLAGS_METHOD = sys.version_info >= (3, 12)
try:
    import dis
except ImportError:  # MicroPython: no bytecode to read, so a method call is a GET and a CALL
    _READS_BYTECODE = False
else:
    _READS_BYTECODE = hasattr(sys, "_getframe")
    _LOAD_METHOD = dis.opmap.get("LOAD_METHOD", -1)
    _LOAD_ATTR = dis.opmap["LOAD_ATTR"]
    _PUSH_NULL = dis.opmap.get("PUSH_NULL", -1)


def _push_null_gap() -> int:
    """Bytes from a LOAD_ATTR to a PUSH_NULL right after it (its inline caches between), as this
    interpreter compiles a call of an imported name's attribute; 0 where it never does."""
    if not _READS_BYTECODE:
        return 0
    instructions = list(dis.get_instructions(compile("import m\nm.f()", "<probe>", "exec")))
    for load, after in zip(instructions, instructions[1:], strict=False):
        if load.opname == "LOAD_ATTR" and after.opname == "PUSH_NULL":
            return after.offset - load.offset
    return 0


_NULL_GAP = _push_null_gap()


def _loads_a_method(frame: FrameType) -> bool:
    """True if `frame` is loading an attribute in order to call it at once (`obj.name(...)`)."""
    code = frame.f_code.co_code  # the unspecialized bytecode; f_lasti is the running load
    at = frame.f_lasti
    op = code[at]
    if op == _LOAD_METHOD:
        return True
    if op != _LOAD_ATTR:
        return False
    if _ATTR_FLAGS_METHOD and code[at + 1] & 1:
        return True
    return _NULL_GAP > 0 and at + _NULL_GAP < len(code) and code[at + _NULL_GAP] == _PUSH_NULL


class _MethodCall:
    """``proxy.name`` in ``proxy.name(...)``: the call is one CALL_METHOD round trip. Never seen
    by user code: the interpreter calls it as soon as the attribute load returns it."""

    __slots__ = ("_proxy", "_name")

    def __init__(self, proxy: JsProxy, name: str) -> None:
        self._proxy = proxy
        self._name = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs:  # as JsProxy.__call__: keyword arguments become one trailing options object
            args = args + (kwargs,)
        try:
            return self._proxy._ffi_request(Op.CALL_METHOD, self._name, args)
        except MissingProperty:
            raise AttributeError(self._name) from None


class JsProxy:
    """A JavaScript object owned by the main thread. Made by the FFI only; never construct one."""

    # (plain names, not __private ones: MicroPython does not mangle names)
    __slots__ = ("_ffi_channel", "_ffi_id", "_ffi_flags", "_ffi_lends", "_ffi_this", "_ffi_base",
                 "__weakref__")

    def __init__(
        self,
        token: object,
        channel: Channel,
        handle: int,
        flags: int,
        this: JsProxy | None = None,
        base: JsProxy | None = None,
    ) -> None:
        if token is not _TOKEN:
            raise TypeError("JsProxy objects come from the FFI (e.g. js.Object.new()); "
                            "they cannot be constructed directly")
        object.__setattr__(self, "_ffi_channel", channel)
        object.__setattr__(self, "_ffi_id", handle)
        object.__setattr__(self, "_ffi_flags", flags)
        object.__setattr__(self, "_ffi_lends", 0)
        object.__setattr__(self, "_ffi_this", this)
        object.__setattr__(self, "_ffi_base", base)

    # -- what the channel needs ----------------------------------------------------------------

    def _ffi_handle(self, channel: Channel) -> int:
        """This proxy's handle id, for sending it back through `channel`."""
        if channel is not self._ffi_channel:
            raise ValueError(f"{self!r} belongs to another channel (another worker or thread)")
        return int(self._ffi_id)

    def _ffi_lent(self) -> None:
        """The main thread lent this object once more: one more count to return on release."""
        object.__setattr__(self, "_ffi_lends", self._ffi_lends + 1)

    def _ffi_bind(self, this: JsProxy) -> JsProxy:
        """A copy of this function proxy that calls with ``this`` (a method read off `this`)."""
        return JsProxy(_TOKEN, self._ffi_channel, self._ffi_id, self._ffi_flags, this, self)

    def _ffi_request(self, op: Op, subject: Any = None, args: tuple[Any, ...] = ()) -> Any:
        """One operation on this object (for the pyscript.ffi functions: query, gather, assign)."""
        return self._ffi_channel.request(op, self._ffi_id, subject, args)

    def __del__(self) -> None:
        if self._ffi_lends:
            self._ffi_channel.release(self._ffi_id, self._ffi_lends)

    def _ffi_send(self, op: Op, subject: Any = None, args: tuple[Any, ...] = ()) -> Any:
        return self._ffi_channel.request(op, self._ffi_id, subject, args)

    def _ffi_get(self, key: str | int) -> Any:
        value = self._ffi_send(Op.GET, key)
        if type(value) is JsProxy and value._ffi_flags & RemoteFlag.CALLABLE:
            return value._ffi_bind(self)
        return value

    # -- attributes and items ------------------------------------------------------------------

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)  # Python protocol probes never cross the thread
        if _READS_BYTECODE and _loads_a_method(sys._getframe(1)):
            return _MethodCall(self, name)
        try:
            return self._ffi_get(name)
        except MissingProperty:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self._ffi_send(Op.SET, name, (value,))

    def __delattr__(self, name: str) -> None:
        self._ffi_send(Op.DELETE, name)

    def __getitem__(self, key: str | int) -> Any:
        if isinstance(key, int) and key < 0 and self._ffi_flags & RemoteFlag.SIZED:
            key += len(self)
        try:
            return self._ffi_get(key)
        except MissingProperty:
            if isinstance(key, int):
                raise IndexError(key) from None
            raise KeyError(key) from None

    def __setitem__(self, key: str | int, value: Any) -> None:
        self._ffi_send(Op.SET, key, (value,))

    def __delitem__(self, key: str | int) -> None:
        self._ffi_send(Op.DELETE, key)

    def __contains__(self, item: Any) -> bool:
        return bool(self._ffi_send(Op.HAS, None, (item,)))

    # -- calls ---------------------------------------------------------------------------------

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs:  # as Pyodide: keyword arguments become one trailing options object
            args = args + (kwargs,)
        return self._ffi_send(Op.CALL, self._ffi_this, args)

    def new(self, *args: Any, **kwargs: Any) -> Any:
        """``new F(...args)`` for a constructor F."""
        if kwargs:
            args = args + (kwargs,)
        return self._ffi_send(Op.NEW, None, args)

    # -- containers ----------------------------------------------------------------------------

    def __len__(self) -> int:
        if not self._ffi_flags & RemoteFlag.SIZED:
            raise TypeError(f"{self!r} has no length or size")
        return int(self._ffi_send(Op.LENGTH))

    def __iter__(self) -> Iterator[Any]:
        if not self._ffi_flags & RemoteFlag.ITERABLE:
            raise TypeError(f"{self!r} is not iterable (it has no Symbol.iterator)")
        return _drain(self._ffi_channel, self._ffi_send(Op.ITER))

    def __bool__(self) -> bool:
        if self._ffi_flags & RemoteFlag.SIZED:
            return len(self) > 0
        return True

    # -- identity and text ---------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if isinstance(other, JsProxy):
            return other._ffi_channel is self._ffi_channel and other._ffi_id == self._ffi_id
        return NotImplemented

    def __hash__(self) -> int:
        return hash((id(self._ffi_channel), self._ffi_id))

    def __str__(self) -> str:
        return str(self._ffi_send(Op.STR))

    def __repr__(self) -> str:
        try:
            text = self._ffi_send(Op.STR)
        except Exception as exc:  # repr must not fail: say what we know instead
            text = f"<unavailable: {type(exc).__name__}>"
        return f"JsProxy({text})"

    def __dir__(self) -> list[str]:
        return sorted(self._ffi_send(Op.KEYS))

    # -- Pyodide's JsProxy API -----------------------------------------------------------------

    @property
    def typeof(self) -> str:
        """JavaScript's ``typeof`` of the object."""
        if self._ffi_flags & RemoteFlag.CALLABLE:
            return "function"
        return str(self._ffi_send(Op.TYPEOF))

    @property
    def js_id(self) -> int:
        """The handle id: equal for proxies of the same JS object while it is held."""
        return int(self._ffi_id)

    def instanceof(self, klass: JsProxy) -> bool:
        """``obj instanceof klass``."""
        return bool(self._ffi_send(Op.INSTANCEOF, None, (klass,)))

    def to_py(self) -> Any:
        """A deep copy by value: arrays to lists, plain objects to dicts, byte buffers to bytes.
        Other objects inside stay proxies."""
        return self._ffi_send(Op.COPY)

    def to_bytes(self) -> bytes:
        """The bytes of a typed array, ArrayBuffer or DataView."""
        value = self.to_py()
        if not isinstance(value, bytes):
            raise TypeError(f"{self!r} is not a byte buffer")
        return value

    def __await__(self) -> Any:
        raise TypeError("awaiting a main-thread Promise from a worker is not supported yet; "
                        "call a function that returns a value instead")


def _drain(channel: Channel, iterator: JsProxy) -> Iterator[Any]:
    """The values of a JS iterator, fetched ITER_BATCH per round trip."""
    handle = iterator._ffi_handle(channel)
    done = False
    while not done:
        done, values = channel.request(Op.NEXT, handle, ITER_BATCH)
        yield from values


def make_proxy(channel: Channel, handle: int, flags: int) -> JsProxy:
    return JsProxy(_TOKEN, channel, handle, flags)
