"""PyScript's ``pyscript.util``: ``as_bytearray``, ``NotSupported`` and ``is_awaitable``, the same
on Pyodide and MicroPython, on the page's thread and in a worker."""

from __future__ import annotations

from typing import Any

from broker.interpreter import MICROPYTHON
from pyscript_ffi import JsProxy

__all__ = ["NotSupported", "as_bytearray", "is_awaitable"]



def as_bytearray(buffer: Any) -> bytearray:
    """A copy of the JavaScript ``ArrayBuffer`` (or typed array) `buffer` as a ``bytearray``.

    From a worker the copy takes one round trip, whatever the size.
    """
    if isinstance(buffer, JsProxy):  # the page's: one copy by value
        return bytearray(buffer.to_bytes())
    import js  # type: ignore[import-not-found]

    view = js.Uint8Array.new(buffer)
    if hasattr(view, "to_bytes"):  # Pyodide
        return bytearray(view.to_bytes())
    size = view.length  # MicroPython's JsProxy has no bulk copy: byte by byte, on this thread
    copy = bytearray(size)
    for i in range(size):
        copy[i] = view[i]
    return copy


class NotSupported:
    """A name PyScript gives only in another context: reading, setting or calling it raises
    (AttributeError, AttributeError, TypeError) with the message `error`."""

    def __init__(self, name: str, error: str) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "error", error)

    def __repr__(self) -> str:
        return f"<NotSupported {self.name} [{self.error}]>"

    def __getattr__(self, attr: str) -> Any:
        raise AttributeError(self.error)

    def __setattr__(self, attr: str, value: object) -> None:
        raise AttributeError(self.error)

    def __call__(self, *args: object) -> Any:
        raise TypeError(self.error)


def is_awaitable(obj: object) -> bool:
    """True if calling `obj` gives a coroutine: an ``async def`` function, closure or bound
    method. (MicroPython compiles ``async def`` to a generator function, so there a generator
    function counts too, as in PyScript.)"""
    if MICROPYTHON:
        text = repr(obj)
        if "<closure <generator>" in text or ("<bound_method" in text and "<generator>" in text):
            return True
        return type(obj).__name__ == "generator"  # what MicroPython calls a generator function
    import inspect

    return inspect.iscoroutinefunction(obj)
