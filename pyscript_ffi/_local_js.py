"""A worker's own JavaScript objects, as its channel sends them to the page.

In a worker, ``pyscript.ffi.create_proxy(f)`` and ``pyscript.ffi.to_js(x)`` return the worker
interpreter's own proxies (Pyodide's ``pyodide.ffi.JsProxy``, MicroPython's ``jsffi.JsProxy``),
as PyScript's do: objects of the worker's JavaScript, not of the page. When one is handed to a
page call, the channel's encoder (`Channel._to_ext`) asks `LocalObjects.encode`:

- a function (a ``create_proxy`` result, or any function of the worker's) crosses as a callback
  the page may call for as long as the channel lives, the same page function each time it is
  sent; the page's call runs it in the worker;
- a plain object or an array crosses by value, deep (a copy: later changes on either side are not
  seen by the other); its values follow the same rules;
- anything else (a Map, a typed array, a class instance, a Promise of the worker's) raises
  `ConversionError` naming what it is and what to do.

Only objects that reach the codec's ``default`` get here: ordinary values and the page's own
proxies never do, so this costs the hot path nothing. Plain code for both interpreters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from broker.errors import ConversionError

if TYPE_CHECKING:
    from collections.abc import Callable

#: nesting a copied object may have (deeper is taken for a circular structure)
MAX_COPY_DEPTH = 100


class LocalObjects:
    """The JavaScript objects of the interpreter that `js` (its own ``js`` module) belongs to:
    instances of `proxy_type`; its JavaScript ``null`` and ``undefined`` are `null` and
    `undefined` (None, or singletons of the interpreter's). `is_function(obj)` tells a
    function (default: its ``Object.prototype.toString`` tag ends in ``Function]``); `unwrap(obj)`
    gives the Python callable behind a function proxy when the interpreter can tell (Pyodide's
    ``create_proxy`` result), else None: the page's call then runs it without a detour through
    the worker's JavaScript."""

    def __init__(self, proxy_type: type, js: Any, null: Any = None, undefined: Any = None,
                 is_function: Callable[[Any], bool] | None = None,
                 unwrap: Callable[[Any], Any] | None = None) -> None:
        self.type = proxy_type
        self._js = js
        self._null = null
        self._undefined = undefined
        self._is_function = is_function or self._tagged_function
        self._unwrap = unwrap
        self._to_string = js.Object.prototype.toString
        self._object_prototype = js.Object.prototype
        #: the functions sent so far (a JavaScript WeakMap: function -> index in _lent), and
        #: what each crosses as (they stay lent for as long as the channel lives)
        self._sent = js.WeakMap.new()
        self._lent: list[Any] = []
        #: the same for Python functions found inside sent objects: id -> (function, wire form)
        self._python: dict[int, tuple[Any, Any]] = {}

    def encode(self, obj: Any, lend: Callable[[Callable[..., Any]], Any]) -> Any:
        """What to send for `obj`, one of this interpreter's proxies: `lend(f)` makes a lasting
        callback of a Python callable (its wire form), a plain object or array is copied."""
        if self._is_function(obj):
            return self._function(obj, lend)
        return self._copy(obj, lend, 0)

    def _kind(self, obj: Any) -> str:
        return str(self._to_string.call(obj))  # "[object Array]", "[object Function]", ...

    def _tagged_function(self, obj: Any) -> bool:
        return self._kind(obj).endswith("Function]")  # also AsyncFunction, GeneratorFunction

    def _function(self, obj: Any, lend: Callable[[Callable[..., Any]], Any]) -> Any:
        """`obj`'s callback, lent on its first sending: the same for every proxy of the same
        JavaScript function (a WeakMap of the worker's keys them by the function itself)."""
        index = self._sent.get(obj)
        if isinstance(index, int) and not isinstance(index, bool):
            return self._lent[index]
        func = self._unwrap(obj) if self._unwrap is not None else None
        self._lent.append(lend(func if func is not None else obj))
        self._sent.set(obj, len(self._lent) - 1)
        return self._lent[-1]

    def _copy(self, obj: Any, lend: Callable[[Callable[..., Any]], Any], depth: int) -> Any:
        if depth > MAX_COPY_DEPTH:
            raise ConversionError(
                f"cannot send a worker-local JavaScript object nested over {MAX_COPY_DEPTH} "
                "levels deep to the page (a circular structure?)")
        js = self._js
        kind = self._kind(obj)
        if kind == "[object Array]":
            return [self._value(js.Reflect.get(obj, i), lend, depth)
                    for i in range(int(obj.length))]
        if kind == "[object Object]" and self._plain(obj):
            copied = {}
            for key in js.Object.keys(obj):
                key = str(key)
                if key == "__proto__":
                    raise ConversionError(
                        "a key '__proto__' cannot be sent: JavaScript would take it as the "
                        "object's prototype (and the page refuses it); rename the key")
                copied[key] = self._value(js.Reflect.get(obj, key), lend, depth)
            return copied
        raise ConversionError(
            f"cannot send a {kind[8:-1]} of this worker's own JavaScript to the page: a worker's "
            "own objects (pyscript.ffi.to_js results, `import js` in a worker) cross only as "
            "functions (a callback the page calls back into the worker), plain objects and "
            "arrays (copied); make the object on the page instead (pyscript.window, "
            "pyscript_ffi.js), or pass its data as a dict, list or bytes")

    def _plain(self, obj: Any) -> bool:
        """`obj`'s prototype is Object.prototype or null (not a class instance)."""
        proto = self._js.Object.getPrototypeOf(obj)
        return proto is None or proto is self._null or proto == self._object_prototype

    def _value(self, value: Any, lend: Callable[[Callable[..., Any]], Any], depth: int) -> Any:
        if value is self._null or value is self._undefined:
            return None
        if isinstance(value, self.type):
            if self._is_function(value):
                return self._function(value, lend)
            return self._copy(value, lend, depth + 1)
        if callable(value):  # a Python function the object held as a JavaScript function
            return self._python_function(value, lend)  # (MicroPython gives it back unwrapped)
        return value  # a Python value: a primitive, or an object to_js left as a Python proxy

    def _python_function(self, func: Any, lend: Callable[[Callable[..., Any]], Any]) -> Any:
        known = self._python.get(id(func))
        if known is None or known[0] is not func:
            known = self._python[id(func)] = (func, lend(func))
        return known[1]
