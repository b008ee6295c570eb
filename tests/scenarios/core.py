"""Behaviour scenarios of the worker FFI that only a browser has: the DOM, JavaScript's globals
and numbers (BigInt, unsafe integers as floats), throwing a non-Error. What both hosts share is
in conformance.py.

Run inside a real worker by tests/browser/test_core.py (one pytest test per `scenario_*`), each
followed by a leak check. The page's JS fixtures are in tests/browser/pages/harness.html.
"""

from __future__ import annotations

import gc

import pyscript_ffi
from pyscript_ffi import (
    JsException,
    JsPromise,
    JsProxy,
    _runtime,
    create_proxy,
    document,
    js,
    run_sync,
    window,
)

fx = js.fixtures


def _raises(exc_type, fn, *args):
    try:
        fn(*args)
    except exc_type as exc:
        return exc
    raise AssertionError(f"{fn!r} did not raise {exc_type.__name__}")


# -- Promises that only JavaScript has ------------------------------------------------------------


def scenario_promise_rejected_with_a_non_error():
    """A rejection reason that is not an Error: a JsException naming the value."""
    exc = _raises(JsException, run_sync, js.Promise.reject("plain reason"))
    assert "a non-Error value was thrown" in exc.message and "plain reason" in exc.message, \
        exc.message


def scenario_any_thenable_is_awaitable():
    """Not only a Promise: any object with a then method (a library's own thenable)."""
    thenable = js.Function.new("v", "return { then(resolve) { resolve(v * 2); } }")(21)
    assert isinstance(thenable, JsPromise)
    assert run_sync(thenable) == 42


def scenario_fetch_from_the_page():
    """The everyday case: fetch on the page, awaited from the worker, body read too."""
    response = run_sync(js.fetch(js.location.href))
    assert response.ok and response.status == 200
    assert "<" in run_sync(response.text())


# -- declarative event control (PyScript's `invoke` listener option) ------------------------------


def scenario_listener_invoke_prevent_default_and_stop_propagation():
    """The page calls what the listener declared while the event is dispatched: a worker's
    listener itself runs later, too late for these."""
    parent = document.createElement("div")
    parent.setAttribute("onclick", "this.dataset.hits = (+this.dataset.hits || 0) + 1")
    child = document.createElement("button")
    parent.appendChild(child)
    seen = []
    handler = create_proxy(lambda event: seen.append(event.type))
    child.addEventListener("click", handler,
                           {"invoke": ["preventDefault", "stopPropagation"], "once": True})
    not_prevented = child.dispatchEvent(js.MouseEvent.new("click", bubbles=True, cancelable=True))
    assert not_prevented is False, "preventDefault was not called during dispatch"
    assert parent.getAttribute("data-hits") is None, "stopPropagation was not called in time"
    # without invoke nothing is called: the parent's inline handler sees the click
    plain = create_proxy(lambda event: None)
    child.addEventListener("click", plain)
    assert child.dispatchEvent(js.MouseEvent.new("click", bubbles=True, cancelable=True)) is True
    assert parent.getAttribute("data-hits") == "1"
    child.removeEventListener("click", plain)
    handler.destroy()
    plain.destroy()


def scenario_listener_invoke_single_name_and_removal():
    target = document.createElement("form")
    handler = create_proxy(lambda event: None)
    target.addEventListener("submit", handler, {"invoke": "preventDefault"})
    assert target.dispatchEvent(js.Event.new("submit", cancelable=True)) is False
    target.removeEventListener("submit", handler)
    # re-added without invoke: the old declaration went with the removal
    target.addEventListener("submit", handler)
    assert target.dispatchEvent(js.Event.new("submit", cancelable=True)) is True
    target.removeEventListener("submit", handler)
    handler.destroy()


def scenario_listener_unknown_option_is_refused():
    target = document.createElement("div")
    handler = create_proxy(lambda event: None)
    exc = _raises(JsException, target.addEventListener, "click", handler,
                  {"invoke": "preventdefault"})
    assert exc.name == "TypeError", exc.name
    assert "preventdefault" in exc.message and "stopImmediatePropagation" in exc.message, \
        exc.message
    exc = _raises(JsException, target.addEventListener, "click", handler,
                  {"prevent_default": True})
    assert "prevent_default" in exc.message and "invoke" in exc.message, exc.message
    handler.destroy()


# -- attributes and items ----------------------------------------------------------------------


def scenario_document_title():
    document.title = "set from the worker"
    assert document.title == "set from the worker"
    assert js.document.title == "set from the worker"


def scenario_contains():
    s = js.Set.new([1, "x"])
    assert "x" in s and 5 not in s
    div = document.createElement("div")
    div.className = "one two"
    assert "two" in div.classList
    assert "three" not in div.classList


def scenario_frames_either_side_of_64_kib():
    """Requests and replies just under, at and over 64 KiB arrive whole: in a Pyodide worker the
    smaller ones pass through the transport's pinned bytearray (PINNED_BYTES, stub.js
    PinnedFrames), the larger ones the other way."""
    div = document.createElement("div")
    for n in range(65536 - 24, 65536 + 4):  # the request is ~20 bytes over n, the reply ~5
        text = chr(97 + n % 26) * n
        div.textContent = text
        assert div.textContent == text, n
    div.textContent = "small again"
    assert div.textContent == "small again"


# -- calls ---------------------------------------------------------------------------------------


def scenario_new():
    assert js.Date.new(0).getTime() == 0
    assert not fx.Point.new(3, -4).instanceof(js.Array)
    m = js.Map.new()
    m.set("a", 1)
    assert m.get("a") == 1 and len(m) == 1


def scenario_dom_building():
    before = pyscript_ffi.statistics().calls
    document.createElement("div")  # `document` is an imported name: 3.14 compiles this apart
    assert pyscript_ffi.statistics().calls - before == 1
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


# -- identity and text ---------------------------------------------------------------------------


def scenario_equality_and_hash():
    assert document.body == document.body
    assert document.body == js.document.body
    assert document.body != document.head
    assert len({document.body, js.document.body, document.head}) == 2
    assert fx.named.thisName == fx.named.thisName  # one JS function (Python: new bound methods)


def scenario_str_repr_typeof():
    assert str(fx.obj) == "[object Object]"
    assert "HTMLBodyElement" in repr(document.body)
    assert "createElement" in dir(document)


def scenario_proxies_cannot_be_constructed():
    _raises(TypeError, JsProxy, object(), None, 1, 0)


# -- conversions ---------------------------------------------------------------------------------


def scenario_ints_beyond_2_53_are_bigints():
    describe = fx.describe
    assert describe(None) == "object:null"
    assert describe(2**53 + 1) == "bigint:9007199254740993"
    assert describe(-(2**63)) == "bigint:-9223372036854775808"
    assert describe(2**70 + 1) == "bigint:1180591620717411303425"
    assert describe(-(2**70)) == "bigint:-1180591620717411303424"


def scenario_js_numbers_to_python():
    assert fx.bigUnsafe == 2.0**60 and type(fx.bigUnsafe) is float  # as Pyodide: unsafe -> float
    assert fx.bigInt == 2**70 + 1


def scenario_containers_by_value():
    assert js.JSON.stringify({"x": [1, (2, 3)]}) == '{"x":[1,[2,3]]}'
    assert js.Array.isArray([1, 2])


def scenario_objects_come_back_as_proxies():
    o = js.Object.new()
    assert isinstance(o, JsProxy)
    assert fx.echo(o) == o  # a proxy sent back arrives as the same JS object
    assert fx.echo(document.body) == document.body


# -- errors --------------------------------------------------------------------------------------


def scenario_js_exceptions():
    exc = _raises(JsException, js.JSON.parse, "{")
    assert exc.name == "SyntaxError" and "JSON" in exc.message and exc.stack
    exc = _raises(JsException, fx.throwString)
    assert "plain string" in exc.message
    exc = _raises(JsException, fx.throwUndefined)
    assert "undefined" in exc.message


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


def grow_memory_then_call():
    """(Pyodide) Grow the worker's wasm memory between two calls: the view JS holds of the
    transport's pinned bytearray (stub.js PinnedFrames) detaches and must be taken again; calls
    stay right. Returns what it saw (MicroPython: no pinned bytearray, a heap fixed at boot)."""
    frames = getattr(_runtime.current().channel._transport, "_frames", None)
    document.title = "before growth"
    if frames is None:
        return {"pinned": False, "title": document.title}
    takes = frames.takes
    held = []
    while frames.view.length and len(held) < 64:  # (a detached view has length 0)
        held.append(bytearray(16 << 20))
    grew = frames.view.length == 0
    document.title = "after growth"
    title = document.title
    del held
    return {"pinned": True, "grew": grew, "taken_again": frames.takes - takes, "title": title}


# -- interrupt(): exports the page interrupts (tests/browser/test_core.py) ------------------------

interrupts = []


def spin():
    """Pure Python that never calls the page once it spins: only Pyodide's interrupt buffer
    stops it. (It calls `fx.record` once first, inside the try, so the page knows the loop is
    under way before it interrupts: tests/browser/harness.py's interrupt_once_started.)"""
    try:
        fx.record("spinning")
        while True:
            pass
    except KeyboardInterrupt:
        interrupts.append("spin")
        raise


def wait_for_page():
    """Blocked waiting for the page (a Promise that never settles, up to a minute)."""
    try:
        run_sync(fx.never(), 60)
    except KeyboardInterrupt:
        interrupts.append("wait_for_page")
        raise


def interrupted_count():
    return len(interrupts)


__export__ = ["run_scenario", "settle", "facts", "finish_listener", "spin", "wait_for_page",
              "interrupted_count", "grow_memory_then_call"]
