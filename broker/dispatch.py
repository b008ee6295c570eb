"""One handler per op, for the CPython host: the protocol's operations on Python objects.

The twin of ``js_glue/dispatch.js``. Each handler gets the connection's `Context`, the resolved
target, the subject and the arguments, and returns a wire-ready value (objects lent through
``ctx.out``). Handlers may raise: `broker.connection.Connection` turns every exception into an error
reply.

JavaScript has one kind of property where Python has two (attributes and items), so a key
means what a JavaScript reader would expect (docs/hosts.md):

- an integer key, or any key of a mapping that holds it, is an item (``target[key]``);
- any other string key is an attribute (``getattr(target, key)``).

Names that start and end with two underscores are refused with `PermissionDenied`, like
``__proto__`` on the page: a worker reaches the data and methods it was given, not the
interpreter's internals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import suppress
from typing import Any, Protocol

from .errors import MissingProperty, PermissionDenied, ProtocolError
from .protocol import PROTOCOL_VERSION, Op
from .values import FUTURES


class Context(Protocol):
    def out(self, value: Any) -> Any:
        """`value` by value if it is a primitive, else lent as a handle."""

    def copy(self, value: Any) -> Any:
        """A deep copy of `value` as plain data."""

    def scope(self) -> Any:
        """The global scope's handle."""


def describe(value: Any) -> str:
    return f"a {type(value).__qualname__}"


def _key(key: Any) -> str | int:
    if isinstance(key, str):
        if len(key) > 4 and key.startswith("__") and key.endswith("__"):
            raise PermissionDenied(f"{key!r} is a Python internal; the host does not let "
                                   "workers reach names of the form __name__")
        return key
    if isinstance(key, int) and not isinstance(key, bool):
        return key
    raise ProtocolError(f"a property key must be a string or an integer, not {describe(key)}")


def _is_item(target: Any, key: str | int) -> bool:
    if isinstance(key, int):
        return True
    return isinstance(target, Mapping) and key in target


def get(target: Any, key: Any) -> Any:
    """``target[key]`` or ``target.key``, as `_is_item` decides; MissingProperty if absent."""
    key = _key(key)
    try:
        return target[key] if _is_item(target, key) else getattr(target, key)
    except (AttributeError, LookupError):
        raise MissingProperty(f"{describe(target)} has no property {str(key)!r}") from None
    except TypeError:  # an integer key on something that has no items
        raise MissingProperty(f"{describe(target)} has no item {key!r}") from None


def _set(target: Any, key: Any, value: Any) -> None:
    key = _key(key)
    if _is_item(target, key) or isinstance(target, dict):
        target[key] = value
    else:
        setattr(target, key, value)


def _delete(target: Any, key: Any) -> bool:
    """Delete the item or attribute `key`. True, also if there was none: as JavaScript's
    ``delete``, which answers true for an absent property."""
    key = _key(key)
    with suppress(AttributeError, LookupError):
        if _is_item(target, key):
            del target[key]
        else:
            delattr(target, key)
    return True


def _has(target: Any, item: Any) -> bool:
    """``item in target`` for a container; for any other object, whether it has that attribute
    (as JavaScript's ``key in object``)."""
    try:
        return item in target
    except TypeError:
        if isinstance(item, str):
            _key(item)  # refuses __dunder__ names
            return hasattr(target, item)
        raise


def _length(target: Any) -> int:
    try:
        return len(target)
    except TypeError:
        raise TypeError(f"{describe(target)} has no length") from None


def _call_method(target: Any, key: Any, args: list[Any]) -> Any:
    method = get(target, key)
    if not callable(method):
        raise TypeError(f"{describe(target)}.{key} is not a function")
    return method(*args)


def _next(ctx: Context, iterator: Iterator[Any], batch: Any) -> list[Any]:
    values = []
    limit = max(1, min(int(batch) if isinstance(batch, int) else 1, 4096))
    for value in iterator:
        values.append(ctx.out(value))
        if len(values) == limit:
            return [False, values]
    return [True, values]


def _new(target: Any, args: list[Any]) -> Any:
    if not isinstance(target, type):
        raise TypeError(f"{describe(target)} is not a class: it cannot be constructed with .new()")
    return target(*args)


def _instanceof(target: Any, klass: Any) -> bool:
    if not isinstance(klass, type):
        raise TypeError(f"instanceof needs a class, not {describe(klass)}")
    return isinstance(target, klass)


def _keys(target: Any) -> list[str]:
    names = [name for name in dir(target) if not name.startswith("__")]
    if isinstance(target, Mapping):
        names += [str(key) for key in target]
    return names


def walk(start: Any, path: Any) -> Any:
    """The value at the end of `path` (keys only: a path is data, never code)."""
    if not isinstance(path, list):
        raise ProtocolError(f"a query path must be an array of keys, not {describe(path)}")
    value = start
    for step, key in enumerate(path, 1):
        try:
            value = get(value, key)
        except MissingProperty as exc:
            shown = "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in path)[1:]
            raise MissingProperty(f"{shown}: step {step} failed: {exc}") from None
    return value


def _assign(target: Any, sources: list[Any]) -> Any:
    for source in sources:
        items = source.items() if isinstance(source, Mapping) else vars(source).items()
        for key, value in items:
            _set(target, key, value)
    return target


def _await(ctx: Context, target: Any) -> list[Any]:
    """The outcome of a Future so far: ``[False, None]`` while pending, ``[True, value]`` once
    done; a failed (or cancelled) Future raises its exception, which becomes the error reply."""
    if not isinstance(target, FUTURES):
        raise TypeError(f"{describe(target)} is not a Future: it cannot be awaited (give the "
                        "worker a concurrent.futures.Future, or an asyncio.Future of a loop that "
                        "runs, e.g. asyncio.run_coroutine_threadsafe(coro, loop))")
    if not target.done():
        return [False, None]
    return [True, ctx.out(target.result())]


def _hello(ctx: Context, version: Any) -> Any:
    if version != PROTOCOL_VERSION:
        raise ProtocolError(f"worker speaks protocol {version}, host speaks {PROTOCOL_VERSION}: "
                            "run the same pyscript-ffi on both")
    return ctx.scope()


Handler = Callable[[Context, Any, Any, list[Any]], Any]

HANDLERS: dict[Op, Handler] = {
    Op.HELLO: lambda ctx, target, subject, args: _hello(ctx, args[0] if args else None),
    Op.GET: lambda ctx, target, key, args: ctx.out(get(target, key)),
    Op.SET: lambda ctx, target, key, args: _set(target, key, args[0]),
    Op.DELETE: lambda ctx, target, key, args: _delete(target, key),
    Op.HAS: lambda ctx, target, subject, args: _has(target, args[0]),
    # `this` (the subject) is for JavaScript; a Python method read off its object is bound
    Op.CALL: lambda ctx, target, this, args: ctx.out(target(*args)),
    Op.CALL_METHOD: lambda ctx, target, key, args: ctx.out(_call_method(target, key, args)),
    Op.NEW: lambda ctx, target, subject, args: ctx.out(_new(target, args)),
    Op.ITER: lambda ctx, target, subject, args: ctx.out(iter(target)),
    Op.NEXT: lambda ctx, iterator, batch, args: _next(ctx, iterator, batch),
    Op.LENGTH: lambda ctx, target, subject, args: _length(target),
    Op.TYPEOF: lambda ctx, target, subject, args: "function" if callable(target) else "object",
    Op.INSTANCEOF: lambda ctx, target, subject, args: _instanceof(target, args[0]),
    Op.STR: lambda ctx, target, subject, args: str(target),
    Op.KEYS: lambda ctx, target, subject, args: _keys(target),
    Op.COPY: lambda ctx, target, subject, args: ctx.copy(target),
    Op.RELEASE: lambda ctx, target, subject, args: None,
    Op.QUERY: lambda ctx, target, path, args: ctx.out(walk(target, path)),
    # every path is walked before any value is lent: a failing path must not strand handles
    Op.GATHER: lambda ctx, target, subject, paths: [
        ctx.out(value) for value in [walk(target, p) for p in paths]],
    Op.ASSIGN: lambda ctx, target, subject, sources: ctx.out(_assign(target, sources)),
    Op.AWAIT: lambda ctx, target, subject, args: _await(ctx, target),
}
