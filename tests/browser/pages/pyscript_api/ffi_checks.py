"""pyscript.ffi as PyScript code sees it (see events_checks.py): create_proxy and to_js give the
thread's own JavaScript objects (in a worker too, as PyScript's worker does), assign fills one of
them, and such objects handed to the page cross as PyScript's do: a function as one the page
calls back (the same page function each time), a plain object or array as a copy."""

from checks_common import traceback_of

from pyscript import RUNNING_IN_WORKER, current_target, ffi, window


def _own_proxy_type():
    try:
        from pyodide.ffi import JsProxy
    except ImportError:
        from jsffi import JsProxy
    return JsProxy


async def facts_of_ffi():
    import js  # the thread's own global scope (in a worker: the worker's)

    own = _own_proxy_type()
    facts = {"in_worker": RUNNING_IN_WORKER, "current_target": current_target()}
    calls = []
    proxy = ffi.create_proxy(lambda x="here": calls.append(x) or 42)
    facts["proxy"] = [isinstance(proxy, own), proxy()]
    obj = ffi.to_js({"a": 1, "b": [1, 2, {"c": "x"}]})
    facts["to_js"] = [isinstance(obj, own), obj.a, obj.b[2].c]
    target = js.Object.new()
    result = ffi.assign(target, {"a": 1}, {"b": 2})
    facts["assign"] = [result is target, target.a, target.b]

    # the page calls the function (in a worker: a Promise of what it returns there); its
    # arguments as a JavaScript array (MicroPython sends a Python list to its own JavaScript as
    # a Python object)
    same = getattr(window.Object, "is")
    called = window.Reflect.apply(proxy, None, ffi.to_js(["page"]))
    page_result = await window.Promise.resolve(called)
    window.ffiFirst = proxy
    window.ffiSecond = proxy
    facts["page_calls"] = [page_result, same(window.ffiFirst, window.ffiSecond)]
    # a function inside an object or array to_js made crosses too
    nested = ffi.to_js({"f": proxy, "list": [proxy]})
    window.ffiNested = nested
    inner = await window.Promise.resolve(window.ffiNested.f("nested"))
    facts["nested"] = [inner, same(window.ffiNested.f, window.ffiNested.list[0])]
    facts["calls"] = calls

    # a plain object crosses as a copy from a worker (the page's own object on its thread)
    window.ffiStore = obj
    obj.a = 5
    facts["sent"] = [window.JSON.stringify(window.ffiStore), window.ffiStore.a]
    window.ffiStoreArray = ffi.to_js([1, None, "x"])
    facts["sent_array"] = window.JSON.stringify(window.ffiStoreArray)
    # the thread's own objects of other kinds: the page's own on its thread, refused from a
    # worker, naming what it is and what to do
    try:
        window.ffiMap = js.Map.new()
        facts["map"] = "sent"
    except Exception as exc:
        message = str(exc)
        facts["map"] = [type(exc).__name__, "Map" in message, "plain objects" in message]
    # an object with no way to the page (a set): the message names it, without contradiction
    try:
        window.ffiSet = {1, 2}
        facts["set"] = "sent"
    except Exception as exc:
        facts["set"] = str(exc)
    return facts


async def run(where):
    from checks_common import report

    try:
        facts = await facts_of_ffi()
    except Exception as exc:
        facts = {"error": traceback_of(exc)}
    report("ffi", where, facts)
