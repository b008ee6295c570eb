"""PyScript's ``pyscript.ffi``, with PyScript's behaviour on the page's thread and in a worker,
on Pyodide and MicroPython.

``create_proxy``, ``to_js`` and ``jsnull`` are the interpreter's own, on either thread, as in
PyScript: Pyodide's ``create_proxy``, ``to_js`` (dicts as plain objects) and ``jsnull``, or
MicroPython's ``jsffi``. In a worker they make objects of the worker's own JavaScript
(``isinstance(create_proxy(f), pyodide.ffi.JsProxy)``; ``to_js({"a": 1}).a`` is read there, with
no round trip), which may still be handed to the page's objects: a function crosses as a callback
the page calls back into the worker, a plain object or array crosses as a copy
(docs/conversions.md, `pyscript_ffi._local_js`). ``assign`` fills a page object in one round trip,
or one of the worker's own. ``direct``, ``gather`` and ``query`` are pyscript-ffi's
one-round-trip helpers, which work on the page's thread too.
"""

from __future__ import annotations

from typing import Any

import pyscript_ffi
from pyscript_ffi import direct, gather, query

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


def create_proxy(func: Any) -> Any:
    """`func` for JavaScript to call for as long as it needs it (until ``.destroy()``): the
    interpreter's own proxy. Sent to the page from a worker, it is a function the page may call
    (each call runs `func` in the worker) for as long as the worker runs."""
    try:
        from pyodide.ffi import create_proxy as local
    except ImportError:
        try:
            from jsffi import create_proxy as local  # type: ignore[import-not-found]
        except ImportError:  # a worker thread of the CPython host: no JavaScript of its own
            return pyscript_ffi.create_proxy(func)
    return local(func)


def to_js(value: Any, **options: Any) -> Any:
    """`value` as this interpreter's own JavaScript, a dict as a plain object (not a Map). Sent
    to the page from a worker, a plain object or array crosses as a copy."""
    try:
        import js  # this thread's own global scope
    except ImportError:  # a worker thread of the CPython host: the value crosses as it is
        return value
    try:
        from pyodide.ffi import to_js as local
    except ImportError:
        from jsffi import to_js as local
        return local(value)
    options.setdefault("dict_converter", js.Object.fromEntries)
    return local(value, **options)


def is_none(value: object) -> bool:
    """True for Python ``None`` and JavaScript ``null`` (and, from a worker, ``undefined``)."""
    return value is None or (jsnull is not None and value is jsnull)


def assign(source: Any, *args: Any) -> Any:
    """``Object.assign(source, to_js(arg))`` for each of `args`; returns `source`: the page's
    object (from a worker, one round trip) or one of this interpreter's own, as PyScript's
    worker allows (``assign(js.Object.new(), {...})``)."""
    if isinstance(source, pyscript_ffi.JsProxy):  # a page object, from a worker
        pyscript_ffi.assign(source, *args)  # one round trip for all of them
        return source
    import js  # an object of this interpreter's own (in a worker: `js.Object.new()`)

    for arg in args:
        js.Object.assign(source, to_js(arg))
    return source
