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
from broker.interpreter import AWAIT_ITERATES
from broker.protocol import ITER_BATCH, Op, RemoteFlag
from broker.wire import remote_ext

from . import _method_calls, promises
from .channel import Channel

if TYPE_CHECKING:
    from collections.abc import Generator, Iterator

    import msgpack

_TOKEN = object()  # proxies are made by channels only


class JsProxy:
    """A JavaScript object owned by the main thread. Made by the FFI only; never construct one."""

    # (plain names, not __private ones: MicroPython does not mangle names)
    __slots__ = ("_ffi_channel", "_ffi_id", "_ffi_flags", "_ffi_this", "_ffi_base", "_ffi_token",
                 "__weakref__")

    def __init__(
        self,
        token: object,
        channel: Channel,
        handle: int,
        flags: int,
        this: JsProxy | None = None,
        base: JsProxy | None = None,
        release_token: Any = None,
    ) -> None:
        if token is not _TOKEN:
            raise TypeError("JsProxy objects come from the FFI (e.g. js.Object.new()); "
                            "they cannot be constructed directly")
        object.__setattr__(self, "_ffi_channel", channel)
        object.__setattr__(self, "_ffi_id", handle)
        object.__setattr__(self, "_ffi_flags", flags)
        object.__setattr__(self, "_ffi_this", this)
        object.__setattr__(self, "_ffi_base", base)
        # MicroPython: the stub's release token, whose collection returns this lend (tracking.py)
        object.__setattr__(self, "_ffi_token", release_token)

    # -- what the channel needs ----------------------------------------------------------------

    def _ffi_handle(self, channel: Channel) -> int:
        """This proxy's handle id, for sending it back through `channel`."""
        if channel is not self._ffi_channel:
            raise ValueError(f"{self!r} belongs to another channel (another worker or thread)")
        return int(self._ffi_id)

    def _ffi_ext(self, channel: Channel) -> msgpack.ExtType:
        """This proxy on the wire: a REMOTE reference to its object."""
        return remote_ext(self._ffi_handle(channel))

    def _ffi_bind(self, this: JsProxy) -> JsProxy:
        """A copy of this function proxy that calls with ``this`` (a method read off `this`)."""
        return type(self)(_TOKEN, self._ffi_channel, self._ffi_id, self._ffi_flags, this, self)

    def _ffi_request(self, op: Op, subject: Any = None, args: tuple[Any, ...] = (), *,
                     plain: bool = False) -> Any:
        """One operation on this object (for the pyscript.ffi functions: query, gather, assign);
        `plain`: see `Channel.request`."""
        return self._ffi_channel.request(op, self._ffi_id, subject, args, plain=plain)

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
        if _method_calls.enabled and _method_calls.loads_a_method(sys._getframe(1)):
            return _method_calls.MethodCall(self, name)  # obj.name(...): one round trip
        return self._ffi_attribute(name)

    def _ffi_attribute(self, name: str) -> Any:
        """``self.name`` read with a GET (a method comes bound to this object)."""
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



class JsPromise(JsProxy):
    """A proxy of a main-thread Promise or other thenable (Pyodide's name for it): ``await`` it
    for its value (`promises.awaiting`), or block for it with `run_sync`. A rejection raises
    `JsException`. Other proxies are not awaitable."""

    __slots__ = ()

    def __await__(self) -> Generator[Any, None, Any]:
        return promises.awaiting(self)

    if AWAIT_ITERATES:  # MicroPython's `await` iterates (broker.interpreter)
        def __iter__(self) -> Any:
            return promises.awaiting(self)


def _drain(channel: Channel, iterator: JsProxy) -> Iterator[Any]:
    """The values of a JS iterator, fetched ITER_BATCH per round trip."""
    handle = iterator._ffi_handle(channel)
    done = False
    while not done:
        done, values = channel.request(Op.NEXT, handle, ITER_BATCH)
        yield from values


def make_proxy(channel: Channel, handle: int, flags: int, token: Any = None) -> JsProxy:
    """A proxy for handle `handle` of `channel` (for the channel's proxy tracking only): a
    `JsPromise` if the object is a thenable."""
    kind = JsPromise if flags & RemoteFlag.THENABLE else JsProxy
    return kind(_TOKEN, channel, handle, flags, release_token=token)
