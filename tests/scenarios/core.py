"""Behaviour scenarios of the worker FFI: proxies, conversions, errors, handle release.

Run inside a real worker by tests/browser/test_core.py (one pytest test per `scenario_*`), each
followed by a leak check. The page's JS fixtures are in tests/browser/pages/harness.html.
"""

from __future__ import annotations

import gc
import math

import pyscript_ffi
from broker.errors import HandleError, MissingProperty
from broker.protocol import Op
from pyscript_ffi import (
    ConversionError,
    JsException,
    JsProxy,
    create_proxy,
    document,
    is_none,
    js,
    window,
)
from pyscript_ffi import _runtime

fx = js.fixtures


def _raises(exc_type, fn, *args):
    try:
        fn(*args)
    except exc_type as exc:
        return exc
    raise AssertionError(f"{fn!r} did not raise {exc_type.__name__}")


# -- attributes and items ----------------------------------------------------------------------


def scenario_attribute_get_set_delete():
    document.title = "set from the worker"
    assert document.title == "set from the worker"
    assert js.document.title == "set from the worker"
    fx.tmp = 41
    assert fx.tmp == 41
    del fx.tmp
    assert not hasattr(fx, "tmp")
    assert getattr(fx, "tmp", "default") == "default"


def scenario_missing_attribute_is_attribute_error():
    exc = _raises(AttributeError, getattr, fx, "no_such_thing")
    assert "no_such_thing" in str(exc)
    assert fx.undef is None  # present but undefined is a value, not an AttributeError
    _raises(KeyError, lambda: fx.obj["missing"])


def scenario_items():
    nested = fx.obj.nested
    assert nested["b"][0] == 1
    arr = nested.b
    arr[1] = 20
    assert arr[1] == 20
    arr[1] = 2
    assert arr[-1] == 3
    _raises(IndexError, lambda: arr[10])
    fx.obj["k"] = "v"
    assert fx.obj.k == "v"
    del fx.obj["k"]
    assert "k" not in fx.obj


def scenario_contains():
    assert 2 in fx.obj.nested.b
    assert 99 not in fx.obj.nested.b
    assert "a" in fx.obj
    s = js.Set.new([1, "x"])
    assert "x" in s and 5 not in s
    div = document.createElement("div")
    div.className = "one two"
    assert "two" in div.classList
    assert "three" not in div.classList


# -- calls ---------------------------------------------------------------------------------------


def scenario_calls_with_this():
    counter = fx.counter
    assert counter.inc() == counter.n
    assert fx.named.thisName() == "named"
    method = fx.named.thisName
    assert method() == "named"  # a method read off an object stays bound to it
    assert fx.args(1, "two", [3]) == '[1,"two",[3]]'
    assert fx.args(1, flag=True) == '[1,{"flag":true}]'  # keyword arguments: one options object


def scenario_new():
    assert js.Date.new(0).getTime() == 0
    p = fx.Point.new(3, -4)
    assert p.norm1() == 7
    assert p.instanceof(fx.Point)
    assert not p.instanceof(js.Array)
    m = js.Map.new()
    m.set("a", 1)
    assert m.get("a") == 1 and len(m) == 1


def scenario_dom_building():
    stage = document.getElementById("stage")
    ul = document.createElement("ul")
    for i in range(5):
        li = document.createElement("li")
        li.textContent = f"item {i}"
        ul.appendChild(li)
    stage.appendChild(ul)
    assert ul.children.length == 5
    assert [li.textContent for li in ul.children] == [f"item {i}" for i in range(5)]
    assert document.querySelector("#stage ul li:last-child").textContent == "item 4"
    stage.innerHTML = ""


# -- containers ------------------------------------------------------------------------------------


def scenario_len_iter_bool():
    arr = js.Array.new()
    assert not arr and len(arr) == 0
    for i in range(200):  # more than one NEXT batch
        arr.push(i)
    assert arr and len(arr) == 200
    assert list(arr) == list(range(200))
    assert list(js.Map.new([["a", 1]]).keys()) == ["a"]
    _raises(TypeError, len, fx.counter)
    _raises(TypeError, iter, fx.counter)
    assert bool(fx.counter)


# -- identity and text ---------------------------------------------------------------------------


def scenario_equality_and_hash():
    assert document.body == document.body
    assert document.body == js.document.body
    assert document.body != document.head
    assert len({document.body, js.document.body, document.head}) == 2
    assert fx.named.thisName == fx.named.thisName


def scenario_str_repr_typeof():
    assert str(fx.obj) == "[object Object]"
    assert "HTMLBodyElement" in repr(document.body)
    assert fx.obj.typeof == "object"
    assert fx.echo.typeof == "function"
    assert "createElement" in dir(document)


def scenario_proxies_cannot_be_constructed():
    _raises(TypeError, JsProxy, object(), None, 1, 0)


# -- conversions ---------------------------------------------------------------------------------


def scenario_primitives_by_value():
    echo, describe = fx.echo, fx.describe
    for value in [None, True, False, 0, -1, 2**31, 2**32, 2**53, "", "héllo ☃ 🐍", 1.5, math.inf]:
        back = echo(value)
        assert back == value and type(back) is type(value), (value, back)
    assert math.isnan(echo(math.nan))
    assert describe(None) == "object:null"
    assert describe(2**53 + 1) == "bigint:9007199254740993"
    assert describe(-(2**63)) == "bigint:-9223372036854775808"
    assert describe(2**70 + 1) == "bigint:1180591620717411303425"
    assert describe(-(2**70)) == "bigint:-1180591620717411303424"
    assert echo(2**70 + 1) == 2**70 + 1 and echo(-(2**100)) == -(2**100)
    assert echo(2**53 + 1) == 2**53 + 1
    assert fx.isNegZero(-0.0) and not fx.isNegZero(0.0)
    assert math.copysign(1, fx.negZero) == -1.0 and isinstance(fx.negZero, float)
    assert describe(b"\x00\x01\xff") == "Uint8Array:0,1,255"


def scenario_js_numbers_to_python():
    assert fx.bigSafe == 2**40 and type(fx.bigSafe) is int
    assert fx.bigUnsafe == 2.0**60 and type(fx.bigUnsafe) is float  # as Pyodide: unsafe -> float
    assert fx.bigInt == 2**70 + 1
    assert fx.obj.a == 1 and type(fx.obj.a) is int
    assert is_none(fx.nothing) and fx.nothing is None
    assert is_none(fx.undef)


def scenario_containers_by_value():
    describe = fx.describe
    assert describe([1, "a", None]) == 'Array:[1,"a",null]'
    assert describe((1, 2)) == "Array:[1,2]"
    assert describe({"a": {"b": [1]}}) == 'Object:{"a":{"b":[1]}}'
    assert js.JSON.stringify({"x": [1, (2, 3)]}) == '{"x":[1,[2,3]]}'
    assert js.Array.isArray([1, 2])
    copy = fx.obj.to_py()
    assert copy == {"a": 1, "nested": {"b": [1, 2, 3]}}, copy


def scenario_objects_come_back_as_proxies():
    o = js.Object.new()
    assert isinstance(o, JsProxy)
    assert fx.echo(o) == o  # a proxy sent back arrives as the same JS object
    assert fx.echo(document.body) == document.body


def scenario_unsendable_values():
    exc = _raises(ConversionError, fx.echo, (x for x in []))
    assert "generator" in str(exc)
    assert isinstance(exc, TypeError)
    exc = _raises(ConversionError, fx.echo, object())
    assert "create_proxy" in str(exc) and "object" in str(exc)
    cyclic = []
    cyclic.append(cyclic)
    _raises(ConversionError, fx.echo, cyclic)


def scenario_large_payloads_in_chunks():
    # both directions larger than the 4 MiB shared buffer, so they travel in chunks
    big = bytes(range(256)) * (5 * 4096)
    assert fx.echo(big).to_bytes() == big
    made = fx.bytes(6 * 1024 * 1024).to_bytes()
    assert len(made) == 6 * 1024 * 1024 and made[:4] == bytes([0, 7, 14, 21])


# -- errors --------------------------------------------------------------------------------------


def scenario_js_exceptions():
    exc = _raises(JsException, js.JSON.parse, "{")
    assert exc.name == "SyntaxError" and "JSON" in exc.message and exc.stack
    exc = _raises(JsException, fx.throwCustom)
    assert exc.name == "CustomError" and exc.message == "custom boom"
    assert "throwCustom" in exc.stack
    exc = _raises(JsException, fx.throwString)
    assert "plain string" in exc.message
    exc = _raises(JsException, fx.throwUndefined)
    assert "undefined" in exc.message
    exc = _raises(JsException, getattr, fx, "throwingGetter")
    assert exc.name == "RangeError" and exc.message == "getter boom"
    exc = _raises(JsException, fx.obj)  # not a function
    assert exc.name == "TypeError"


def scenario_bad_handles():
    channel = _runtime.current().channel
    exc = _raises(HandleError, channel.request, Op.GET, 987654, "x")
    assert "987654" in str(exc) and "not live" in str(exc)
    exc = _raises(MissingProperty, channel.request, Op.GET, 0, "surely_not_a_global")
    assert "surely_not_a_global" in str(exc)


# -- release -------------------------------------------------------------------------------------


def scenario_proxies_are_released():
    before = pyscript_ffi.statistics()
    for _ in range(500):
        js.Object.new()
    gc.collect()
    _runtime.current().channel.flush()
    after = pyscript_ffi.statistics()
    assert after.live_proxies <= before.live_proxies + 1, (before, after)
    assert after.pending_drops == 0


# -- callbacks -----------------------------------------------------------------------------------

clicks = []
handlers = []


def scenario_create_proxy_listener():
    stage = document.getElementById("stage")
    button = document.createElement("button")
    button.id = "py-button"
    button.textContent = "click me"

    def on_click(event):
        clicks.append(event.target.id)
        event.target.textContent = f"clicked {len(clicks)}"

    handler = create_proxy(on_click)
    handlers.append(handler)
    button.addEventListener("click", handler)
    stage.appendChild(button)
    # the page clicks it (see test_core.py) and then calls `finish_listener`


def finish_listener():
    button = document.getElementById("py-button")
    assert clicks == ["py-button"], clicks
    handler = handlers.pop()
    button.removeEventListener("click", handler)
    handler.destroy()
    button.remove()
    return len(clicks)


# -- the harness ---------------------------------------------------------------------------------

SCENARIOS = {name: fn for name, fn in dict(globals()).items() if name.startswith("scenario_")}


def run_scenario(name):
    SCENARIOS[name]()


def settle():
    """Collect garbage and return every drop now, so the page can count its live handles."""
    gc.collect()
    _runtime.current().channel.flush()
    return pyscript_ffi.statistics().live_proxies


def facts():
    return {"in_worker": pyscript_ffi.RUNNING_IN_WORKER, "window_is_scope": window == js}


__export__ = ["run_scenario", "settle", "facts", "finish_listener"]
