"""The pyscript.ffi functions, for code that talks to the main thread through a channel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import _runtime
from .channel import CallbackProxy


def create_proxy(func: Callable[..., Any]) -> CallbackProxy:
    """Lend `func` to JavaScript: the main thread gets a real function that calls it here.

    The proxy lives until ``.destroy()``; a call after that fails with a clear error on the
    JavaScript side. Raises TypeError if `func` is not callable.
    """
    return CallbackProxy(_runtime.current().channel, func)


def to_js(value: Any, **_options: Any) -> Any:
    """Mark `value` to cross by value. From a worker every list, tuple and dict already does (a
    dict becomes a plain JS object), so this returns `value` unchanged."""
    return value


def is_none(value: Any) -> bool:
    """True for Python None and for JavaScript null and undefined (both arrive as None)."""
    return value is None
