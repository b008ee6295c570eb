"""The calling side of one channel: requests out, replies in, proxies and callbacks kept.

A `Channel` turns ``request(op, target, subject, args)`` into one synchronous round trip over a
`Transport` (the worker stub in a browser, shared memory under the CPython host). It owns:

- the proxies of main-thread objects, through the proxy tracking its interpreter needs
  (`pyscript_ffi.tracking`): the lends of collected proxies go back to the main thread in the
  next request's drops. A request that raised before the serving side took it (withdrawn, or
  never sent) ran nothing: its drops go out again with the next one;
- the table of Python callables it lent to the main thread (`create_proxy`).

It imports no proxy class: proxies (`pyscript_ffi.proxy`) call down into it, the tracking makes
them, and any object with an ``_ffi_ext(channel)`` method (a proxy, a `CallbackProxy`) encodes
itself as a reference. The worker interpreter's own JavaScript objects (``pyscript.ffi.to_js``
and ``create_proxy`` results) cross as `local` says (`pyscript_ffi._local_js`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from broker.errors import ConversionError, FfiError
from broker.handles import HandleTable
from broker.protocol import GLOBAL_HANDLE, PROTOCOL_VERSION, Ext, Op
from broker.wire import Codec, callback_ext, unpack_callback, unpack_remote

if TYPE_CHECKING:
    from collections.abc import Callable

    import msgpack


_PLAIN = (type(None), bool, int, float, str, bytes)
_PLAIN_TYPES = frozenset(_PLAIN)


def _scalars(args: tuple[Any, ...] | list[Any]) -> bool:
    """Whether `args` are at most three (as many as the stub takes) `_scalar` values."""
    if len(args) > 3:
        return False
    for value in args:
        if not _scalar(value):
            return False
    return True


def _with_handles(args: tuple[Any, ...] | list[Any],
                  channel: Channel) -> tuple[list[Any], int] | None:
    """`args` as MicroPython's stub codes them when some are page objects or bytes: each proxy
    of `channel` as its handle id, with a mask of their places (bit i: argument i), and each
    bytes or bytearray as it is, with a mask of theirs (bit 3 + i; the transport hands them
    over by address); None if an argument is none of these nor a `_scalar`, or there are more
    than three."""
    if len(args) > 3:
        return None
    sent, mask = list(args), 0
    for i, value in enumerate(args):
        if _scalar(value):
            continue
        kind = type(value)
        if kind is bytes or kind is bytearray:
            mask |= 8 << i
            continue
        handle_of = getattr(kind, "_ffi_handle", None)  # a JsProxy (not a MethodCall)
        if handle_of is None:
            return None
        sent[i] = handle_of(value, channel)  # (a proxy of another channel raises, as it would)
        mask |= 1 << i
    return sent, mask


def _scalar(value: Any) -> bool:
    """Whether `value` is one MicroPython's FFI gives JavaScript exactly: None, a bool, a str, a
    float, or an int it keeps small (31 bits; it makes larger ones 0)."""
    kind = type(value)
    return (kind is str or value is None or kind is bool or kind is float
            or (kind is int and -0x40000000 <= value < 0x40000000))


def _inspect(values: Any) -> tuple[bool, bool]:
    """Whether a dict in `values` (a list, tuple or dict) has the key '__proto__', and whether
    something in it must be resolved before it is sent (an ``_ffi_resolve`` method: a
    `MethodCall` that reached user code). Iterative, and each container is looked at once, so
    circular values end here (the codec then refuses them)."""
    stack, seen = [values], set()
    proto = resolve = False
    while stack:
        container = stack.pop()
        if id(container) in seen:
            continue
        seen.add(id(container))
        if isinstance(container, dict):
            if "__proto__" in container:
                proto = True
            container = container.values()
        for value in container:
            if isinstance(value, (list, tuple, dict)):
                stack.append(value)
            elif not isinstance(value, _PLAIN) and hasattr(type(value), "_ffi_resolve"):
                resolve = True
    return proto, resolve


def _resolved(value: Any) -> Any:
    """`value` with every object that has ``_ffi_resolve`` replaced by what it resolves to (a
    round trip each: done before encoding, as the codec cannot make one mid-frame)."""
    if isinstance(value, dict):
        return {k: _resolved(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_resolved(v) for v in value)
    if hasattr(type(value), "_ffi_resolve"):
        return value._ffi_resolve()
    return value


class Transport(Protocol):
    """Moves one request frame to the serving side and returns its reply frame. After a
    `roundtrip` that raised, ``withdrawn`` (optional, False if absent) tells whether the request
    was withdrawn before the serving side took it: nothing ran. ``late`` (optional) collects the
    replies that landed after their call gave up: the channel returns what they lent."""

    def roundtrip(self, frame: bytes) -> bytes: ...


class Tracking(Protocol):
    """How proxies are made and their lends returned (`pyscript_ffi.tracking`)."""

    @property
    def may_have_collected(self) -> bool: ...

    def proxy(self, channel: Channel, handle: int, flags: int) -> Any: ...

    def collected(self) -> list[tuple[int, int]]: ...

    def live(self) -> int: ...


class LocalJs(Protocol):
    """A worker interpreter's own JavaScript objects, as they cross to the page
    (`pyscript_ffi._local_js.LocalObjects`)."""

    @property
    def type(self) -> type: ...

    def encode(self, obj: Any, lend: Callable[[Callable[..., Any]], Any]) -> Any: ...


class CallbackProxy:
    """A Python callable lent to JavaScript (`create_proxy`): JS gets a real function.

    A plain function passed to JavaScript without `create_proxy` is lent `once`: JavaScript may
    call it one time (a setTimeout, a one-off callback), after which it is gone.
    """

    __slots__ = ("_channel", "_func", "_handle", "once")

    def __init__(self, channel: Channel, func: Callable[..., Any], *, once: bool = False) -> None:
        if not callable(func):
            raise TypeError(f"create_proxy needs a callable, not {type(func).__name__}")
        self._channel = channel
        self._func = func
        self.once = once
        self._handle: int | None = channel.callbacks.lend(self)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._func(*args, **kwargs)

    def destroy(self) -> None:
        """Release the function: later calls from JavaScript fail with a clear error."""
        if self._handle is not None:
            self._channel.callbacks.forget(self._handle)
            self._handle = None

    def _ffi_ext(self, channel: Channel) -> msgpack.ExtType:
        return callback_ext(self._ffi_callback(channel))

    def _ffi_callback(self, channel: Channel) -> int:
        if self._handle is None:
            raise ConversionError(f"{self!r} was destroyed; create a new proxy to pass it again")
        if channel is not self._channel:
            raise ConversionError(f"{self!r} belongs to another channel")
        return self._handle

    def __repr__(self) -> str:
        state = "destroyed" if self._handle is None else f"callback {self._handle}"
        return f"<create_proxy({getattr(self._func, '__qualname__', self._func)!r}), {state}>"


class ChannelStatistics:
    """What a channel has done so far (see `Channel.statistics`). Read-only."""

    __slots__ = ("calls", "bytes_sent", "bytes_received", "live_proxies", "pending_drops",
                 "live_callbacks")

    def __init__(self, *, calls: int, bytes_sent: int, bytes_received: int, live_proxies: int,
                 pending_drops: int, live_callbacks: int) -> None:
        for name, value in (("calls", calls), ("bytes_sent", bytes_sent),
                            ("bytes_received", bytes_received), ("live_proxies", live_proxies),
                            ("pending_drops", pending_drops), ("live_callbacks", live_callbacks)):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"ChannelStatistics is read-only ({name})")

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)}" for name in self.__slots__)
        return f"ChannelStatistics({fields})"


class Channel:
    """The calling side of one channel. Used from one thread (its owner)."""

    def __init__(self, transport: Transport, tracking: Tracking) -> None:
        self._transport = transport
        self._codec = Codec(self._to_ext, self._from_ext)
        self._tracking = tracking
        #: drops ([id, count, ...]) of requests that ran nothing, to go out with the next one
        self._drops: list[int] = []
        self.callbacks = HandleTable("callback")
        #: the worker interpreter's own JavaScript objects, and how they cross to the page
        #: (`LocalJs`), or None (the CPython host)
        self.local: LocalJs | None = None
        self._calls = self._sent = self._received = 0
        #: where the channel's bookkeeping holds an interrupt till it is done (Pyodide's
        #: pyscript_ffi.interrupts.DeferredInterrupts), or None
        self.interrupts: Any = None
        #: the transport's replies that came too late (see Transport)
        self._late: list[bytes] = getattr(transport, "late", [])
        #: the transport's own coding of requests of scalars, or None (MicroPython's stub codes
        #: them in JavaScript: `_micro.StubTransport.request_scalars`)
        self._request_scalars = getattr(transport, "request_scalars", None)
        #: and of requests whose arguments are key lists (`plain`), or None
        self._request_keys = getattr(transport, "request_keys", None)

    # -- the round trip ------------------------------------------------------------------------

    def request(self, op: Op, target: int = GLOBAL_HANDLE, subject: Any = None,
                args: tuple[Any, ...] | list[Any] = (), *, plain: bool = False) -> Any:
        """Run one operation on the serving side and return its result (or raise its error).
        `plain`: `args` are lists of str and int (gather's key lists), so they are not inspected
        (~20 us in Pyodide for gather's ten lists), and MicroPython's stub codes them."""
        request_scalars = self._request_scalars
        if plain and self._request_keys is not None and subject is None and not self._drops:
            value = self._request_keys(op, target, args, self._codec.decode_result)
            self._calls += 1
            return value
        if request_scalars is not None and not self._drops:
            # arguments that are page objects go as their handles, bytes by address (a mask
            # says which)
            mask = 0
            if args and not _scalars(args):
                coded = _with_handles(args, self)
                args, mask = coded if coded is not None else (args, -1)
            # a subject that is a page object (a method call's `this`) goes as its handle
            this = not _scalar(subject)
            handle_of: Any = getattr(type(subject), "_ffi_handle", None) if this else None
            if mask >= 0 and (not this or handle_of is not None):
                sent = handle_of(subject, self) if this else subject
                value = request_scalars(op, target, sent, args, self._codec.decode_result, this,
                                        mask)
                self._calls += 1
                return value
        # arguments that are all plain values skip the walk of _inspect: el.textContent = "x"
        # (one str) then costs no loop in Python (docs/benchmarks.md, "Design choices")
        if args and not plain and not all(type(a) in _PLAIN_TYPES for a in args):
            proto, resolve = _inspect(args)
            if proto:
                raise ConversionError(
                    "a dict key '__proto__' cannot be sent: JavaScript would take it as the "
                    "object's prototype (and the page refuses it); rename the key")
            if resolve:
                args = _resolved(args)
        interrupts = self.interrupts
        if interrupts is not None:  # (an interrupt before this line raises: nothing taken yet)
            interrupts.enter()
        raising = False
        try:
            drops = self._take_drops()
            frame = None
            try:
                frame = self._codec.encode_request(op, target, subject, args, drops)
                reply = self._transport.roundtrip(frame)
            except BaseException:
                if drops and (frame is None or getattr(self._transport, "withdrawn", False)):
                    self._drops += drops  # nothing ran: they go out with the next request
                raise
            finally:
                if self._late:
                    self._return_late()
            self._calls += 1
            self._sent += len(frame)
            self._received += len(reply)
            return self._codec.decode_result(reply)
        except KeyboardInterrupt:
            raising = True
            raise
        finally:
            if interrupts is not None:
                interrupts.leave(raising)  # raises an interrupt held meanwhile

    def encode_value(self, value: Any) -> bytes:
        """A value on its own, for the page-to-worker calls that travel by postMessage."""
        return self._codec.encode_value(value)

    def decode_value(self, data: bytes) -> Any:
        return self._codec.decode_value(data)

    def hello(self) -> Any:
        """Check the protocol version and return the serving side's global scope (a proxy)."""
        return self.request(Op.HELLO, GLOBAL_HANDLE, None, (PROTOCOL_VERSION,))

    def flush(self) -> None:
        """Send waiting drops now, instead of with the next request."""
        if self._drops or self._tracking.may_have_collected:
            self.request(Op.RELEASE)

    def _return_late(self) -> None:
        """Decode the replies that landed after their call gave up: the proxies made of what
        they lent are dropped at once, and their lends go back with the next request."""
        while self._late:
            try:
                self._codec.decode_value(self._late.pop())
            except FfiError:
                pass  # an error reply lends nothing; a broken one is the call's own loss

    def _take_drops(self) -> list[int]:
        drops, self._drops = self._drops, []
        for handle, count in self._tracking.collected():
            drops += (handle, count)
        return drops

    # -- values that are references ------------------------------------------------------------

    def _to_ext(self, obj: Any) -> Any:
        ext = getattr(type(obj), "_ffi_ext", None)  # a proxy, a CallbackProxy
        if ext is not None:
            return ext(obj, self)
        local = self.local
        if local is not None and isinstance(obj, local.type):  # the worker's own JavaScript
            return local.encode(obj, self._lend)
        if callable(obj):  # lent for one call; create_proxy(obj) keeps it for many
            return callback_ext(CallbackProxy(self, obj, once=True)._ffi_callback(self))
        raise ConversionError(
            f"cannot send a {type(obj).__name__} to the page: None, bool, int, float, str, "
            "bytes, and lists, tuples and dicts of them cross by value, a proxy of a page object "
            "as that object, a function as a callback (once; through create_proxy for as long "
            "as needed); send the object's data as a dict or list instead")

    def _lend(self, func: Callable[..., Any]) -> msgpack.ExtType:
        """`func` as a callback the page may call for as long as this channel lives."""
        return CallbackProxy(self, func)._ffi_ext(self)

    def _from_ext(self, code: int, payload: bytes) -> Any:
        if code == Ext.REMOTE:
            handle, flags = unpack_remote(payload)
            return self._tracking.proxy(self, handle, flags)
        return self.callbacks.get(unpack_callback(payload))

    # -- observation ---------------------------------------------------------------------------

    def statistics(self) -> ChannelStatistics:
        sent, received = self._sent, self._received
        if self._request_scalars is not None:  # (their calls are counted here already)
            more_sent, more_received = self._transport.counts()  # type: ignore[attr-defined]
            sent, received = sent + more_sent, received + more_received
        return ChannelStatistics(
            calls=self._calls,
            bytes_sent=sent,
            bytes_received=received,
            live_proxies=self._tracking.live(),
            pending_drops=len(self._drops) // 2,
            live_callbacks=len(self.callbacks),
        )
