"""What a worker cannot do to the page, and errors from every position. Run in Chromium by
tests/browser/test_reliability.py."""

from __future__ import annotations

import gc

import pyscript_ffi
from broker.errors import HandleError
from broker.protocol import Op
from pyscript_ffi import (
    ConversionError,
    JsException,
    PermissionDenied,
    _runtime,
    assign,
    document,
    js,
)

fx = js.fixtures


def _raises(exc_type, fn, *args):
    try:
        fn(*args)
    except exc_type as exc:
        return exc
    raise AssertionError(f"{fn!r} did not raise {exc_type.__name__}")


def _set(obj, name, value):
    setattr(obj, name, value)


def scenario_builtin_prototypes_are_read_only():
    for proto in (js.Object.prototype, js.Array.prototype, js.Function.prototype,
                  js.HTMLElement.prototype, js.EventTarget.prototype, fx.obj.constructor.prototype):
        exc = _raises(PermissionDenied, _set, proto, "polluted", 1)
        assert "built-in prototype" in str(exc)
        _raises(PermissionDenied, delattr, proto, "toString")
        _raises(PermissionDenied, assign, proto, {"polluted": 1})
    assert isinstance(exc, PermissionError)
    assert "polluted" not in js.Object.new()


def scenario_proto_key_is_refused():
    target = js.Object.new()
    exc = _raises(PermissionDenied, _set, target, "__proto__", {"polluted": 1})
    assert "__proto__" in str(exc)
    exc = _raises(ConversionError, assign, target, {"__proto__": {"polluted": 1}})
    assert "__proto__" in str(exc)
    _raises(ConversionError, fx.echo, [{"a": {"__proto__": 1}}])
    assert "polluted" not in js.Object.new()


def scenario_own_properties_stay_writable():
    target = js.Object.new()
    target.constructor_name = "fine"
    js.pyscriptFfiGlobal = 1  # a worker may still publish globals for the page
    assert js.pyscriptFfiGlobal == 1
    del js.pyscriptFfiGlobal
    assert not hasattr(js, "pyscriptFfiGlobal")
    document.title = "own properties written"  # and a page property still takes a write
    assert js.document.title == "own properties written"


def scenario_errors_from_every_position():
    exc = _raises(JsException, getattr, fx, "throwingGetter")
    assert (exc.name, exc.message) == ("RangeError", "getter boom")
    exc = _raises(JsException, _set, fx, "throwingSetter", 7)
    assert (exc.name, exc.message) == ("TypeError", "setter boom: 7")
    exc = _raises(JsException, fx.Exploding.new, "why")
    assert (exc.name, exc.message) == ("EvalError", "constructor boom: why")
    assert "Exploding" in exc.stack
    exc = _raises(JsException, fx.throwCustom)
    assert exc.name == "CustomError" and "throwCustom" in exc.stack


def scenario_unsendable_python_values():
    import socket

    for value in (socket.socket(), (i for i in range(3)), object(), {1, 2}, Ellipsis):
        exc = _raises(ConversionError, fx.echo, value)
        assert type(value).__name__ in str(exc), str(exc)
        if isinstance(value, socket.socket):
            value.close()


def scenario_double_release_is_a_clear_error():
    channel = _runtime.current().channel
    proxy = js.Object.new()
    handle = proxy.js_id
    raw = channel._transport.roundtrip
    codec = channel._codec
    codec.decode_reply(raw(codec.encode_request(Op.RELEASE, 0, None, (), [handle, 1]))).unwrap()
    exc = _raises(HandleError, lambda: codec.decode_reply(
        raw(codec.encode_request(Op.RELEASE, 0, None, (), [handle, 1]))).unwrap())
    assert f"handle {handle} is not live" in str(exc)
    exc = _raises(HandleError, channel.request, Op.GET, handle, "x")
    assert "used after release" in str(exc)
    object.__setattr__(proxy, "_ffi_lends", 0)  # already returned by hand above
    del proxy
    gc.collect()
    document.title = "after a double release"  # later calls are unaffected
    assert js.document.title == "after a double release"


kept = []


def lend_handle():
    kept.append(js.Object.new())
    return kept[-1].js_id


def use_foreign_handle(handle):
    try:
        _runtime.current().channel.request(Op.GET, handle, "x")
    except HandleError as exc:
        return str(exc)
    return "no error"


SCENARIOS = {name: fn for name, fn in dict(globals()).items() if name.startswith("scenario_")}


def run_scenario(name):
    SCENARIOS[name]()


def settle():
    gc.collect()
    _runtime.current().channel.flush()
    return pyscript_ffi.statistics().live_proxies


__export__ = ["run_scenario", "settle", "lend_handle", "use_foreign_handle"]
