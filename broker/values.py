"""How the CPython host shapes the values it sends to a worker: by value or lent as a handle.

The rule is the page's (docs/conversions.md): primitives and bytes cross by value, every other
object is lent as a REMOTE handle, and a value marked with `direct` crosses as a deep copy. The
JavaScript twin is ``Channel.out`` / ``Channel.copy`` in ``js_glue/channel.js``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable, Mapping
from typing import Any

from .errors import ConversionError
from .protocol import RemoteFlag

MAX_COPY_DEPTH = 100
#: what a worker may await on the host (the THENABLE flag; Op.AWAIT polls ``done()``)
FUTURES = (concurrent.futures.Future, asyncio.Future)


class ByValue:
    """A value marked by `direct`: it crosses to the worker as a deep copy, not a handle."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def direct(value: Any) -> ByValue:
    """Mark what a host function returns to cross by value (a deep copy) instead of as a handle;
    the host's twin of the page's ``direct`` from ``/_ffi/main.js``."""
    return ByValue(value)


def flags(value: Any) -> int:
    """The REMOTE flags of `value`: what the worker's proxy may do without asking."""
    result = 0
    if callable(value):
        result |= RemoteFlag.CALLABLE
    if hasattr(value, "__iter__"):
        result |= RemoteFlag.ITERABLE
    if hasattr(value, "__len__"):
        result |= RemoteFlag.SIZED
    if isinstance(value, list | tuple):
        result |= RemoteFlag.ARRAY
    if isinstance(value, FUTURES):
        result |= RemoteFlag.THENABLE
    return result


def out(value: Any, lend: Callable[[Any], Any]) -> Any:
    """`value` by value if it is a primitive (or marked by `direct`), else ``lend(value)``."""
    if value is None or isinstance(value, bool | int | float | str | bytes):
        return value
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    if isinstance(value, ByValue):
        return copy(value.value)
    return lend(value)


def copy(value: Any, depth: int = 0) -> Any:
    """A deep copy as plain data: mappings, sequences, bytes, and objects' public attributes.
    Raises ConversionError for anything else, or nesting over MAX_COPY_DEPTH (a cycle?)."""
    if depth > MAX_COPY_DEPTH:
        raise ConversionError(f"cannot copy a value nested over {MAX_COPY_DEPTH} levels deep "
                              "(a circular structure?)")
    if value is None or isinstance(value, bool | int | float | str | bytes):
        return value
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    if isinstance(value, Mapping):
        return {str(k): copy(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [copy(v, depth + 1) for v in value]
    if hasattr(value, "__dict__") and not callable(value):
        return {k: copy(v, depth + 1) for k, v in vars(value).items() if not k.startswith("_")}
    raise ConversionError(f"cannot copy {type(value).__qualname__} by value")
