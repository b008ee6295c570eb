"""The pyscript.ffi API from a worker, where it needs a browser: gather and query over the DOM,
`js` globals, and the `pyscript` compatibility names. Run by tests/browser/test_api.py; what both
hosts share (to_js, is_none, assign, direct, gather/query over fixtures) is in conformance.py."""

from __future__ import annotations

import gc

import pyscript_ffi
from pyscript_ffi import (
    JsProxy,
    PathError,
    _runtime,
    create_proxy,
    direct,
    document,
    gather,
    js,
    query,
)

fx = js.fixtures


def _calls() -> int:
    return pyscript_ffi.statistics().calls


def _raises(exc_type, fn, *args):
    try:
        fn(*args)
    except exc_type as exc:
        return exc
    raise AssertionError(f"{fn!r} did not raise {exc_type.__name__}")


def scenario_gather_is_one_round_trip():
    document.title = "gathered"
    before = _calls()
    title, href, first_id, n = gather(document, "title", "location.href",
                                      "body.children[0].id", "body.children.length")
    assert _calls() - before == 1
    assert (title, first_id) == ("gathered", "stage")
    assert href == js.location.href and n == document.body.children.length


def scenario_query_is_one_round_trip():
    for ref, path, expected in [(document, "body.children[0].id", "stage"),
                                (fx.obj, 'nested["b"][2]', 3),
                                (fx, "obj.nested.b", fx.obj.nested.b)]:
        before = _calls()
        assert query(ref, path) == expected, path
        assert _calls() - before == 1, path


def scenario_query_failures():
    before = _calls()
    exc = _raises(PathError, query, document, "body..x")
    assert "position 5" in str(exc)
    _raises(PathError, query, document, "body.children[x]")
    _raises(PathError, query, document, "alert('no code runs')")
    assert _calls() == before  # a bad path never leaves the worker
    exc = _raises(AttributeError, query, document, "body.nothing_here.x")
    assert "step 2" in str(exc) and "nothing_here" in str(exc)
    exc = _raises(pyscript_ffi.JsException, query, fx, "undef.x")
    assert "step 2" in exc.message
    exc = _raises(AttributeError, gather, document, "title", "no_such")
    assert "no_such" in str(exc)


def scenario_js_globals():
    js.console.log("hello from the worker")
    assert js.Date.new(86400000).toISOString() == "1970-01-02T00:00:00.000Z"
    assert isinstance(js.Object.new(), JsProxy)
    assert js.JSON.stringify({"a": [1, None]}) == '{"a":[1,null]}'
    assert pyscript_ffi.RUNNING_IN_WORKER is True


def scenario_pyscript_compatibility():
    import pyscript
    from pyscript import document as d
    from pyscript import ffi
    from pyscript import window as w
    from pyscript.ffi import assign as a2
    from pyscript.ffi import create_proxy as c2
    from pyscript.ffi import direct as di
    from pyscript.ffi import gather as g2
    from pyscript.ffi import is_none as n2
    from pyscript.ffi import query as q2
    from pyscript.ffi import to_js as t2

    assert d == document and w == js.window and pyscript.RUNNING_IN_WORKER
    assert (di, g2, q2) == (direct, gather, query)
    # PyScript's own semantics (docs/api.md, "The pyscript package"): to_js gives a JS object,
    # assign returns its target, create_proxy(f)() calls f here (and the page calls it:
    # test_api.py, test_callbacks_called_by_the_page), is_none knows None
    assert ffi.to_js is t2 and t2({"k": 1}).k == 1 and t2(5) == 5
    target = js.Object.new()
    assert a2(target, {"x": 1}) is target and target.x == 1
    calls = []
    kept = c2(lambda x: calls.append(x) or x + 1)
    assert kept(1) == 2 and calls == [1]
    assert n2(None) and not n2(0)


def setup_callbacks():
    """For the page to call (test_api.py): a plain function, lent once, and kept proxies (one
    made by pyscript.ffi.create_proxy)."""
    from pyscript.ffi import create_proxy as pyscript_create_proxy

    fx.onceFn = lambda x: x * 2
    fx.keptFn = create_proxy(lambda x: x * 3)
    fx.pyscriptFn = pyscript_create_proxy(lambda name: f"called by {name}")
    fx.api = {"greet": create_proxy(lambda name: f"hello {name}")}


def destroy_kept():
    """Destroy every create_proxy callback; return how many callbacks are left."""
    callbacks = _runtime.current().channel.callbacks
    for handle in list(callbacks._entries):
        proxy = callbacks.get(handle)
        if not proxy.once:
            proxy.destroy()
    return len(callbacks)


SCENARIOS = {name: fn for name, fn in dict(globals()).items() if name.startswith("scenario_")}


def run_scenario(name):
    SCENARIOS[name]()


def settle():
    gc.collect()
    _runtime.current().channel.flush()
    return pyscript_ffi.statistics().live_proxies


__export__ = ["run_scenario", "settle", "setup_callbacks", "destroy_kept"]
