"""PyScript's ``pyscript.ffi``, with PyScript's behaviour on the page's thread and in a worker,
on Pyodide and MicroPython.

On the page's thread these are the interpreter's own: Pyodide's ``create_proxy``, ``to_js``
(dicts as plain objects) and ``jsnull``, or MicroPython's ``jsffi``. In a worker they are
pyscript-ffi's, over the channel: ``create_proxy(f)`` is a function the page may call (and
``create_proxy(f)()`` calls `f` here); ``to_js(dict or list)`` is a JavaScript object on the
page (one round trip), so ``to_js({"a": 1}).a`` works as in PyScript; ``direct``, ``gather`` and
``query`` are pyscript-ffi's one-round-trip helpers, which work on the page's thread too.
"""

from __future__ import annotations

from typing import Any

import pyscript_ffi
from pyscript_ffi import _runtime, direct, gather, query

__all__ = ["assign", "create_proxy", "direct", "gather", "is_none", "jsnull", "query", "to_js"]

try:
    from pyodide.ffi import jsnull  # type: ignore[import-not-found]
except ImportError:
    try:
        import js  # type: ignore[import-not-found]

        # MicroPython's JavaScript null, as PyScript gets it
        jsnull = js.Object.getPrototypeOf(js.Object.prototype)
    except ImportError:  # CPython, a worker thread of the CPython host
        jsnull = None


def _local() -> bool:
    return _runtime.current().channel is None


def create_proxy(func: Any) -> Any:
    """`func` for JavaScript to call for as long as it needs it (until ``.destroy()``)."""
    if _local():
        try:
            from pyodide.ffi import create_proxy as local
        except ImportError:
            from jsffi import create_proxy as local  # type: ignore[import-not-found]
        return local(func)
    return pyscript_ffi.create_proxy(func)


def _to_js_here(value: Any, **options: Any) -> Any:
    """`value` as this interpreter's own JavaScript, a dict as a plain object (not a Map)."""
    import js  # this thread's own global scope

    try:
        from pyodide.ffi import to_js as local
    except ImportError:
        from jsffi import to_js as local
        return local(value)
    options.setdefault("dict_converter", js.Object.fromEntries)
    return local(value, **options)


def to_js(value: Any, **options: Any) -> Any:
    """`value` as JavaScript, a dict as a plain object (not a Map)."""
    if _local():
        return _to_js_here(value, **options)
    if isinstance(value, (dict, list, tuple)):
        return _runtime.current().js.Object(value)  # Object(o) is o: the page's copy
    return value


def is_none(value: object) -> bool:
    """True for Python ``None`` and JavaScript ``null`` (and, from a worker, ``undefined``)."""
    return value is None or (jsnull is not None and value is jsnull)


def assign(source: Any, *args: Any) -> Any:
    """``Object.assign(source, to_js(arg))`` for each of `args`; returns `source`: the page's
    object (from a worker, one round trip) or one of this interpreter's own, as PyScript's
    worker allows (``assign(js.Object.new(), {...})``)."""
    if not _local() and isinstance(source, pyscript_ffi.JsProxy):  # a page object
        pyscript_ffi.assign(source, *args)  # one round trip for all of them
        return source
    import js  # an object of this interpreter's own (in a worker: `js.Object.new()`)

    for arg in args:
        js.Object.assign(source, _to_js_here(arg))
    return source
