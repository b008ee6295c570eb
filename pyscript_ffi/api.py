"""The pyscript.ffi functions, with the same names and meanings as PyScript's.

Each works on a remote object (a `JsProxy` of the main thread, from a worker) in one round trip,
and on a local one (Pyodide's own proxies, on the main thread) through the interpreter's FFI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from broker.errors import MissingProperty
from broker.protocol import Op

from . import _runtime
from .channel import CallbackProxy
from .paths import keys, keys_of
from .proxy import JsProxy

if TYPE_CHECKING:
    from collections.abc import Callable


def create_proxy(func: Callable[..., Any]) -> Any:
    """Lend `func` to JavaScript for as long as you need it.

    From a worker, the main thread gets a real function: calling it runs `func` here and gives a
    Promise of its result (rejected with the Python traceback if it raises). It lives until
    ``.destroy()``; a call after that is rejected with a clear error. On the main thread this is
    Pyodide's ``create_proxy``. Raises TypeError if `func` is not callable.
    """
    channel = _runtime.current().channel
    if channel is None:
        try:
            from pyodide.ffi import (  # type: ignore[import-not-found]
                create_proxy as local_create_proxy,
            )
        except ImportError:  # MicroPython on the page's thread (PyMain)
            from jsffi import (  # type: ignore[import-not-found]
                create_proxy as local_create_proxy,
            )
        return local_create_proxy(func)
    return CallbackProxy(channel, func)


def to_js(value: Any, **options: Any) -> Any:
    """`value` for JavaScript, dicts as plain objects (not Maps).

    From a worker every list, tuple and dict already crosses by value, so the value is returned
    as it is. On the main thread this is Pyodide's ``to_js`` with ``dict_converter`` set to
    ``Object.fromEntries`` (pass your own `options` to change that).
    """
    installed = _runtime.current()
    if installed.channel is not None:
        return value
    try:
        from pyodide.ffi import to_js as local_to_js
    except ImportError:  # MicroPython on the page's thread (PyMain): dicts become objects
        from jsffi import to_js as micropython_to_js

        return micropython_to_js(value)
    options.setdefault("dict_converter", installed.js.Object.fromEntries)
    return local_to_js(value, **options)


def is_none(value: Any) -> bool:
    """True for Python None and JavaScript null and undefined, remote or local."""
    if value is None:
        return True
    try:
        from pyodide.ffi import jsnull
    except ImportError:  # a worker thread under CPython, MicroPython, or an older Pyodide
        if _runtime.current().channel is not None:
            return False
        js = _runtime.current().js  # MicroPython on the page's thread: its own null
        return value is js.Object.getPrototypeOf(js.Object.prototype)
    return value is jsnull


def assign(target: Any, *sources: Any) -> Any:
    """``Object.assign(target, *sources)``: merge dicts or JS objects into a JS object.

    A remote target takes one round trip whatever the number of sources. Returns `target`.
    """
    if isinstance(target, JsProxy):
        return target._ffi_request(Op.ASSIGN, None, sources)
    installed = _runtime.current()
    installed.js.Object.assign(target, *(to_js(source) for source in sources))
    return target


def direct(value: Any) -> Any:
    """Mark `value` to cross by value rather than as a handle.

    From a worker, Python values already cross by value, so they are returned as they are; a
    `JsProxy` is copied here by value (its ``to_py()``: one round trip). In the page, the
    JavaScript ``direct(x)`` from ``/_ffi/main.js`` makes a main-thread function return a copy.
    """
    if isinstance(value, JsProxy):
        return value.to_py()
    return value


def query(ref: Any, path: str) -> Any:
    """The value at the end of `path` from `ref`, e.g. ``query(document, "body.children[0].id")``.

    One round trip for a remote `ref`. The path is parsed, never run: names, ``[integer]`` and
    ``['quoted key']`` only. Raises ValueError (PathError) for a path that does not parse, and
    AttributeError naming the failing step when a step is missing.
    """
    path_keys = keys(path)
    if isinstance(ref, JsProxy):
        try:
            return ref._ffi_request(Op.QUERY, path_keys)
        except MissingProperty as exc:
            raise AttributeError(str(exc)) from None
    return _walk_local(ref, path_keys, path)


def gather(ref: Any, *paths: str) -> tuple[Any, ...]:
    """Several values at once, as a tuple:
    ``title, href = gather(document, "title", "location.href")``.

    Each name may be a query path. One round trip for a remote `ref`, whatever the number.
    """
    key_lists = keys_of(paths)
    if isinstance(ref, JsProxy):
        try:
            # the keys are str and int by construction: no need to inspect them (plain)
            return tuple(ref._ffi_request(Op.GATHER, None, key_lists, plain=True))
        except MissingProperty as exc:
            raise AttributeError(str(exc)) from None
    return tuple(_walk_local(ref, keys, path) for keys, path in zip(key_lists, paths))  # noqa: B905 - equal


def _walk_local(value: Any, path_keys: tuple[str | int, ...], path: str) -> Any:
    for step, key in enumerate(path_keys, 1):
        try:
            value = value[key] if isinstance(key, int) else getattr(value, key)
        except (AttributeError, IndexError, KeyError, TypeError) as exc:
            raise AttributeError(f"{path}: step {step} ({key!r}) failed: {exc}") from None
    return value
