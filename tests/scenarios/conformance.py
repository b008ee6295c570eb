"""Conformance scenarios: the worker FFI's behaviour, written once, run against both hosts.

Each `scenario_*` runs in a worker whose `js.fixtures` is the serving side's fixtures object:
in Chromium, the JavaScript one of tests/browser/pages/harness.html (tests/browser/
test_conformance.py); under the CPython host, the Python one of tests/integration/fixtures.py
(tests/integration/test_conformance.py). They reach nothing but `js.fixtures`, so a difference
between the hosts shows up here as a failure on one of them. Each is followed by a leak check.
What only a browser has (the DOM, JS globals, BigInt, throwing a non-Error) is in core.py and
api.py.
"""

from __future__ import annotations

import gc
import math
import sys

import pyscript_ffi
from broker.errors import HandleError, MissingProperty
from broker.protocol import Op
from pyscript_ffi import (
    CallTimeout,
    ConversionError,
    JsException,
    JsPromise,
    JsProxy,
    PathError,
    _runtime,
    assign,
    create_proxy,
    direct,
    gather,
    is_none,
    js,
    query,
    run_sync,
    to_js,
)
from pyscript_ffi._method_calls import MethodCall


def _fx():
    return js.fixtures


def _raises(exc_type, fn, *args):
    try:
        fn(*args)
    except exc_type as exc:
        return exc
    raise AssertionError(f"{fn!r} did not raise {exc_type.__name__}")


def _bytes(value):
    """Bytes from the serving side: a Uint8Array proxy in the browser, bytes under CPython."""
    return value if isinstance(value, bytes) else value.to_bytes()


def _calls() -> int:
    return pyscript_ffi.statistics().calls


# -- attributes and items ------------------------------------------------------------------------


def scenario_attribute_get_set_delete():
    fx = _fx()
    fx.tmp = 41
    assert fx.tmp == 41
    del fx.tmp
    assert not hasattr(fx, "tmp")
    assert getattr(fx, "tmp", "default") == "default"


def scenario_missing_attribute_is_attribute_error():
    fx = _fx()
    exc = _raises(AttributeError, getattr, fx, "no_such_thing")
    assert "no_such_thing" in str(exc)
    assert fx.undef is None  # present but undefined is a value, not an AttributeError
    _raises(KeyError, lambda: fx.obj["missing"])


def scenario_items():
    fx = _fx()
    arr = fx.obj.nested.b
    assert fx.obj.nested["b"][0] == 1
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
    fx = _fx()
    assert 2 in fx.obj.nested.b
    assert 99 not in fx.obj.nested.b
    assert "a" in fx.obj and "zzz" not in fx.obj


# -- calls ---------------------------------------------------------------------------------------


def scenario_calls():
    fx = _fx()
    counter = fx.counter
    assert counter.inc() == counter.n
    assert fx.named.thisName() == "named"
    method = fx.named.thisName
    assert method() == "named"  # a method read off an object stays bound to it
    assert fx.args(1, "two", [3]) == '[1,"two",[3]]'
    assert fx.args(1, flag=True) == '[1,{"flag":true}]'  # keyword arguments: one options object


def scenario_method_call_is_one_round_trip():
    fx = _fx()
    counter, named = fx.counter, fx.named
    before = _calls()
    n = counter.inc()
    assert _calls() - before == 1  # `obj.name(...)`: one CALL_METHOD, not a GET and a CALL
    assert named.thisName() == "named" and counter.n == n
    method = counter.inc  # read on its own, it is a proxy (a GET), bound to its object
    assert method() == n + 1
    before = _calls()
    assert getattr(counter, "inc")() == n + 2  # noqa: B009 - a read, then a call: two trips
    assert _calls() - before == 2
    assert "nope" in str(_raises(AttributeError, lambda: counter.nope()))
    exc = _raises(JsException, lambda: fx.obj.a())  # present, but not a function
    assert exc.name == "TypeError" and "not a function" in exc.message


def _trips(fn):
    """How many round trips `fn()` takes."""
    before = _calls()
    fn()
    return _calls() - before


def scenario_method_call_detection():
    # pyscript_ffi/_method_calls.py: which spellings of a method call take one round trip
    from pyscript_ffi import _method_calls

    fx = _fx()
    counter = fx.counter

    def read_then_call():
        method = counter.inc
        method()

    def read_only():
        assert isinstance(counter.inc, JsProxy)  # a value, never the internal MethodCall

    assert _trips(lambda: counter.inc()) == 1
    assert _trips(read_then_call) == 2
    assert _trips(read_only) == 1
    assert _trips(lambda: getattr(counter, "inc")()) == 2  # noqa: B009 - a read, then a call
    assert _trips(lambda: [counter.inc() for _ in range(3)]) == 3
    assert _trips(lambda: fx.args(1, flag=True)) == 1
    assert fx.args(1, flag=True) == '[1,{"flag":true}]'
    assert _trips(lambda: fx.named.thisName()) == 2  # GET named, then one CALL_METHOD
    # a name imported at module level: one trip from 3.13 on, a GET and a CALL before
    module = type(sys)("_method_call_scenario")
    module.counter = counter
    sys.modules[module.__name__] = module
    try:
        namespace = {"trips": _trips}
        exec("from _method_call_scenario import counter\n"
             "n = trips(lambda: counter.inc())\n", namespace)
    finally:
        del sys.modules[module.__name__]
    assert namespace["n"] == (1 if sys.version_info >= (3, 13) else 2), namespace["n"]
    # switched off, every method call is a GET and a CALL
    previous = _method_calls.set_enabled(False)
    try:
        assert _trips(lambda: counter.inc()) == 2
        assert _trips(lambda: fx.args(1, flag=True)) == 2
    finally:
        _method_calls.set_enabled(previous)
    assert _trips(lambda: counter.inc()) == 1


def scenario_a_method_call_that_is_not_called_acts_as_the_value():
    # if detection ever misfired, user code would hold a MethodCall: every use but a call must
    # act as the attribute's real value
    fx = _fx()
    name = MethodCall(fx.named, "name")
    assert str(name) == "named" and repr(name) == repr("named")
    assert name == "named" and not (name != "named") and hash(name) == hash("named")
    assert name.upper() == "NAMED" and len(name) == 5 and name[0] == "n" and "am" in name
    assert fx.echo(name) == "named"  # passed back to the serving side: the real value
    counter = MethodCall(fx, "counter")
    assert counter == fx.counter and fx.echo(counter) == fx.counter
    n = counter.n
    assert counter.inc() == n + 1  # attribute access goes to the real object
    assert MethodCall(fx.counter, "inc")() == n + 2  # and a call is still one CALL_METHOD
    assert _raises(AttributeError, str, MethodCall(fx, "no_such_thing"))


def scenario_new_and_instanceof():
    fx = _fx()
    p = fx.Point.new(3, -4)
    assert p.norm1() == 7 and p.x == 3
    assert p.instanceof(fx.Point)
    assert not p.instanceof(fx.CustomError)
    exc = _raises(JsException, fx.Exploding.new, "why")
    assert exc.name == "EvalError" and exc.message == "constructor boom: why"


# -- containers, identity, text ------------------------------------------------------------------


def scenario_len_iter_bool():
    fx = _fx()
    arr = fx.range(200)  # more than one NEXT batch
    assert arr and len(arr) == 200
    assert list(arr) == list(range(200))
    assert not fx.range(0) and len(fx.range(0)) == 0
    _raises(TypeError, len, fx.counter)
    _raises(TypeError, iter, fx.counter)
    assert bool(fx.counter)


def scenario_equality_and_hash():
    fx = _fx()
    assert fx.obj == fx.obj
    assert fx.obj != fx.obj.nested
    assert len({fx.obj, fx.obj, fx.obj.nested}) == 2
    assert fx.echo(fx.obj) == fx.obj  # a proxy sent back arrives as the same object


def scenario_typeof_and_dir():
    fx = _fx()
    assert fx.obj.typeof == "object"
    assert fx.echo.typeof == "function"
    assert "echo" in dir(fx)


# -- conversions ---------------------------------------------------------------------------------


def scenario_primitives_by_value():
    fx = _fx()
    echo = fx.echo
    for value in [None, True, False, 0, -1, 2**31, 2**32, 2**53, 2**53 + 1, 2**70 + 1,
                  -(2**100), "", "héllo ☃ 🐍", 1.5, math.inf, b"", b"\x00\xff"]:
        back = echo(value)
        if isinstance(value, bytes):
            back = _bytes(back)
        assert back == value and type(back) is type(value), (value, back)
    assert math.isnan(echo(math.nan))
    assert fx.isNegZero(-0.0) and not fx.isNegZero(0.0)
    assert math.copysign(1, fx.negZero) == -1.0 and isinstance(fx.negZero, float)
    assert fx.bigSafe == 2**40 and type(fx.bigSafe) is int
    assert fx.obj.a == 1 and type(fx.obj.a) is int
    assert is_none(fx.nothing) and fx.nothing is None and is_none(fx.undef)


def scenario_containers_by_value():
    describe = _fx().describe
    assert describe([1, "a", None]) == 'Array:[1,"a",null]'
    assert describe((1, 2)) == "Array:[1,2]"
    assert describe({"a": {"b": [1]}}) == 'Object:{"a":{"b":[1]}}'
    assert describe(b"\x00\x01\xff") == "Uint8Array:0,1,255"
    assert describe(to_js({"a": 1, "b": [1, 2]})) == 'Object:{"a":1,"b":[1,2]}'
    assert _fx().obj.to_py() == {"a": 1, "nested": {"b": [1, 2, 3]}}


def scenario_objects_come_back_as_proxies():
    fx = _fx()
    p = fx.Point.new(1, 2)
    assert isinstance(p, JsProxy)
    assert fx.echo(p) == p
    assert to_js(fx.obj) == fx.obj


def scenario_unsendable_values():
    fx = _fx()
    exc = _raises(ConversionError, fx.echo, (x for x in []))
    assert "generator" in str(exc) and isinstance(exc, TypeError)
    exc = _raises(ConversionError, fx.echo, object())
    assert "create_proxy" in str(exc) and "object" in str(exc)
    cyclic = []
    cyclic.append(cyclic)
    _raises(ConversionError, fx.echo, cyclic)
    _raises(ConversionError, fx.echo, {"__proto__": {"polluted": True}})


def scenario_large_payloads_in_chunks():
    # both directions larger than the 4 MiB shared buffer, so they travel in chunks
    fx = _fx()
    big = bytes(range(256)) * (5 * 4096)
    assert _bytes(fx.echo(big)) == big
    made = _bytes(fx.bytes(6 * 1024 * 1024))
    assert len(made) == 6 * 1024 * 1024 and made[:4] == bytes([0, 7, 14, 21])


def scenario_large_payloads_that_fit_back_to_back():
    # frames of 64 KiB to 4 MiB fit the buffer: a Pyodide worker writes them into it in place;
    # each call's bytes, not the one before's, reach the page, and a small call after is intact
    fx = _fx()
    for size, fill in ((1 << 20, 1), ((1 << 20) + 3, 2), (1 << 16, 3), (3 << 20, 4)):
        data = bytes([fill]) * (size - 1) + bytes([255 - fill])
        assert _bytes(fx.echo(data)) == data
        assert fx.echo("small") == "small"


# -- errors --------------------------------------------------------------------------------------


def scenario_exceptions_carry_name_message_stack():
    fx = _fx()
    exc = _raises(JsException, fx.throwCustom)
    assert exc.name == "CustomError" and exc.message == "custom boom"
    assert "throwCustom" in exc.stack
    exc = _raises(JsException, getattr, fx, "throwingGetter")
    assert exc.name == "RangeError" and exc.message == "getter boom"
    exc = _raises(JsException, setattr, fx, "throwingSetter", 5)
    assert exc.name == "TypeError" and exc.message == "setter boom: 5"
    exc = _raises(JsException, fx.obj)  # not a function
    assert exc.name == "TypeError"


def scenario_bad_handles():
    channel = _runtime.current().channel
    exc = _raises(HandleError, channel.request, Op.GET, 987654, "x")
    assert "987654" in str(exc) and "not live" in str(exc)
    exc = _raises(MissingProperty, channel.request, Op.GET, 0, "surely_not_a_global")
    assert "surely_not_a_global" in str(exc)


def scenario_proxies_are_released():
    fx = _fx()
    before = pyscript_ffi.statistics()
    for i in range(500):
        fx.Point.new(i, i)
    gc.collect()
    _runtime.current().channel.flush()
    after = pyscript_ffi.statistics()
    assert after.live_proxies <= before.live_proxies + 1, (before, after)
    assert after.pending_drops == 0


# -- the pyscript.ffi functions ------------------------------------------------------------------


def scenario_assign_is_one_round_trip():
    fx = _fx()
    target, nested = fx.fresh(), fx.obj.nested
    before = _calls()
    assert assign(target, {"a": 1}, {"b": [2]}, nested) == target
    assert _calls() - before == 1
    assert target.to_py() == {"a": 1, "b": [1, 2, 3]}


def scenario_direct():
    fx = _fx()
    assert fx.directObj() == {"a": 1, "list": [1, 2, {"b": "c"}], "bytes": b"\x01\x02"}
    assert fx.directPoint() == {"x": 1, "y": 2}
    assert direct(fx.obj) == {"a": 1, "nested": {"b": [1, 2, 3]}}
    assert direct([1, {"a": 2}]) == [1, {"a": 2}]


def scenario_gather_and_query_are_one_round_trip():
    fx = _fx()
    before = _calls()
    assert gather(fx, "obj.a", "obj.nested.b[1]", "named.name") == (1, 2, "named")
    assert _calls() - before == 1
    for ref, path, expected in [(fx.obj, 'nested["b"][2]', 3), (fx, "obj.nested.b[0]", 1)]:
        before = _calls()
        assert query(ref, path) == expected, path
        assert _calls() - before == 1, path


def scenario_query_failures():
    fx = _fx()
    before = _calls()
    assert "position 4" in str(_raises(PathError, query, fx, "obj..x"))
    _raises(PathError, query, fx, "obj[x]")
    _raises(PathError, query, fx, "alert('no code runs')")
    assert _calls() == before  # a bad path never leaves the worker
    exc = _raises(AttributeError, query, fx, "obj.nothing_here.x")
    assert "step 2" in str(exc) and "nothing_here" in str(exc)
    assert "no_such" in str(_raises(AttributeError, gather, fx, "obj", "no_such"))


def scenario_gather_repeated_paths_and_failures():
    """Paths parsed once (paths.keys caches them): the same gather twice gives the same values,
    a bad path is refused every time without a round trip, no path gives ()."""
    fx = _fx()
    for _ in range(2):
        assert gather(fx, "obj.a", "named.name", "obj.a") == (1, "named", 1)
        before = _calls()
        assert "position 4" in str(_raises(PathError, gather, fx, "obj.a", "obj..x"))
        _raises(PathError, gather, fx, "obj.a", 5)
        assert _calls() == before
        assert "no_such" in str(_raises(AttributeError, gather, fx, "obj.a", "no_such"))
    assert gather(fx) == ()
    assert gather(fx.obj, "nested.b[2]") == (3,)


def scenario_create_proxy_needs_a_callable():
    assert "callable" in str(_raises(TypeError, create_proxy, 42))


# -- callbacks: the serving side calls these (see the two test_conformance.py files) -------------

kept = []


def lend_callbacks():
    """A create_proxy callback kept by the fixtures, and a plain function they may call once."""
    fx = _fx()
    kept.append(create_proxy(lambda x: x * 3))
    fx.listen(kept[-1])
    fx.listenOnce(lambda x: f"once {x}")


def destroy_callbacks():
    """Destroy the kept callback; return how many callbacks this worker still lends."""
    fx = _fx()
    fx.unlisten()
    kept.pop().destroy()
    return len(_runtime.current().channel.callbacks)


# -- async exports: awaited on the worker's event loop (a thread's own loop on the CPython host) ---


async def later(x):
    import asyncio

    await asyncio.sleep(0)
    return x * 2


async def later_fails():
    import asyncio

    await asyncio.sleep(0)
    raise ValueError("failed after an await")


# -- Promises (Futures under the CPython host): await and run_sync --------------------------------


def scenario_run_sync_waits_for_the_value():
    fx = _fx()
    assert run_sync(fx.resolves(7, 20)) == 7
    assert run_sync(fx.asyncDouble(21)) == 42
    promise = fx.resolves("twice")
    assert isinstance(promise, JsPromise)
    assert run_sync(promise) == "twice" and run_sync(promise) == "twice"  # settled stays settled


def scenario_run_sync_rejection_is_js_exception():
    exc = _raises(JsException, run_sync, _fx().rejects("no luck"))
    assert exc.name == "Error" and exc.message == "no luck", (exc.name, exc.message)


def scenario_run_sync_bounded_by_its_timeout():
    exc = _raises(CallTimeout, run_sync, _fx().never(), 0.05)
    assert "did not settle within 0.05 s" in str(exc), str(exc)


def scenario_run_sync_refuses_what_is_not_a_promise():
    fx = _fx()
    assert not isinstance(fx.counter, JsPromise)
    exc = _raises(TypeError, run_sync, fx.counter)
    assert "not a JsProxy" in str(exc), str(exc)

    async def coro():
        return 1

    pending = coro()
    _raises(TypeError, run_sync, pending)
    pending.close()


def scenario_proxy_of_non_thenable_is_not_awaitable():
    fx = _fx()
    assert not hasattr(fx.counter, "__await__")
    assert hasattr(fx.resolves(1), "__await__")
    # an export returning a page object hands the page the object: test_export_returns_*


def wait_forever():
    """Wait for a Promise (a Future) that never settles, up to a minute: for interrupt()."""
    run_sync(_fx().never(), 60)


def give_back(value):
    """An export that returns what it was given: the serving side gets its own object back."""
    return value


async def async_scenario_await_resolves():
    fx = _fx()
    assert await fx.resolves(42) == 42
    assert await fx.resolves("late", 30) == "late"
    assert await fx.asyncDouble(4) == 8


async def async_scenario_await_rejects_as_js_exception():
    try:
        await _fx().rejects("refused")
    except JsException as exc:
        assert exc.name == "Error" and exc.message == "refused", (exc.name, exc.message)
    else:
        raise AssertionError("await of a rejected Promise did not raise")


async def async_scenario_await_non_thenable_is_type_error():
    obj = _fx().fresh()
    try:
        await obj
    except TypeError:
        pass
    else:
        raise AssertionError("await of a plain object did not raise TypeError")


async def async_scenario_cancelled_await_releases_the_promise():
    import asyncio

    async def wait(promise):
        return await promise

    before = _calls()
    try:
        await asyncio.wait_for(wait(_fx().never()), 0.05)
    except asyncio.TimeoutError:  # noqa: UP041 - MicroPython has no builtin TimeoutError
        pass
    else:
        raise AssertionError("a Promise that never settles was settled")
    assert _calls() - before >= 2, "the worker did not poll"
    # the harness's leak check then proves the never-settling Promise's handle came back


async def async_scenario_other_tasks_run_while_awaiting():
    import asyncio

    ticks = []

    async def ticker():
        for i in range(3):
            ticks.append(i)
            await asyncio.sleep(0.001)

    task = asyncio.create_task(ticker())
    assert await _fx().resolves("done", 40) == "done"
    await task
    assert ticks == [0, 1, 2], ticks


# -- the harness ---------------------------------------------------------------------------------

SCENARIOS = {name: fn for name, fn in dict(globals()).items() if name.startswith("scenario_")}
ASYNC_SCENARIOS = {name: fn for name, fn in dict(globals()).items()
                   if name.startswith("async_scenario_")}


def run_scenario(name):
    SCENARIOS[name]()


async def run_async_scenario(name):
    await ASYNC_SCENARIOS[name]()


def settle():
    """Collect garbage and return every drop now, so the serving side can count its handles."""
    gc.collect()
    _runtime.current().channel.flush()
    return pyscript_ffi.statistics().live_proxies


__export__ = ["run_scenario", "run_async_scenario", "settle", "lend_callbacks",
              "destroy_callbacks", "later", "later_fails", "give_back", "wait_forever"]
