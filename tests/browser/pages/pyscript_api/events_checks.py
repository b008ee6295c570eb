"""pyscript.events and pyscript.util as PyScript code sees them, run by py.html and mpy.html on
the page's thread and in a worker: `run(where)` gathers facts into #events-<where> (JSON), which
tests/browser/test_pyscript_api.py compares with what PyScript gives."""

import asyncio

from checks_common import raises, report, traceback_of, until

from pyscript import RUNNING_IN_WORKER, Event, document, ffi, util, when, window


def event_facts():
    facts = {}
    event = Event()
    seen = []

    def first(x):
        seen.append(("first", x))

    def second(x):
        seen.append(("second", x))

    event.add_listener(first)
    event.add_listener(first)
    event.add_listener(second)
    facts["listeners_once"] = len(event._listeners)
    event.trigger(1)
    facts["order"] = [list(s) for s in seen]
    event.remove_listener(first)
    seen.clear()
    event.trigger(2)
    facts["after_remove"] = [list(s) for s in seen]
    event.remove_listener()
    facts["after_remove_all"] = len(event._listeners)
    facts["not_callable"] = raises(ValueError, lambda: event.add_listener("x")) is not None

    def bad(x):
        raise RuntimeError("bad listener")

    broken = Event()
    broken.add_listener(bad)
    broken.add_listener(second)
    seen.clear()
    facts["sync_error"] = raises(RuntimeError, lambda: broken.trigger(3))
    facts["stopped_after_error"] = seen == []

    stacked = []
    e1, e2 = Event(), Event()

    @when(e1)
    @when(e2)
    def on_either(result):
        stacked.append(result)

    e1.trigger("one")
    e2.trigger("two")
    facts["stacked"] = list(stacked)
    plain = []
    when([e1, e2])(lambda: plain.append("called"))
    e1.trigger("ignored")
    facts["no_argument_handler"] = plain
    facts["wrapper_callable"] = callable(on_either)
    return facts


async def async_event_facts():
    event = Event()
    got = []

    async def listener(x):
        got.append(x)

    @when(event)
    async def decorated(x):
        got.append("decorated " + x)

    event.add_listener(listener)
    event.trigger("async")
    return {"async_listeners": sorted(got) if await until(lambda: len(got) == 2) else got}


async def dom_facts(where):
    box = document.createElement("div")
    box.id = where + "-box"
    document.body.append(box)
    for name in ("a", "b", "c"):
        button = document.createElement("button")
        button.id = where + "-" + name
        button.className = where + "-button"
        box.append(button)
    clicks = []
    no_argument = []

    @when("click", "." + where + "-button")
    def on_click(event):
        clicks.append(event.target.id)

    @when("click", "#" + where + "-a")
    def without_event():
        no_argument.append(1)

    @when("click", [document.getElementById(where + "-c")], once=True)
    async def once(event):
        clicks.append("once " + event.target.id)

    round_trips = None
    if RUNNING_IN_WORKER:  # registering on every matching element costs one round trip
        import pyscript_ffi

        before = pyscript_ffi.statistics().calls
        when("focus", "." + where + "-button")(print)
        round_trips = pyscript_ffi.statistics().calls - before
    for name in ("a", "b", "c", "c"):
        document.getElementById(where + "-" + name).click()
    expected = 5
    await until(lambda: len(clicks) >= expected and no_argument)
    await asyncio.sleep(0.1)  # a second call of the `once` handler would have come by now
    facts = {
        "clicks": sorted(clicks),
        "no_argument": no_argument,
        "when_round_trips": round_trips,
        "no_match": raises(ValueError, lambda: when("click", "#" + where + "-none")(print)),
        "no_selector": raises(ValueError, lambda: when("click")(print)) is not None,
    }
    box.remove()
    return facts


def util_facts():
    buffer = window.Uint8Array.new([0, 1, 254, 255]).buffer
    copied = util.as_bytearray(buffer)

    async def coroutine_function():
        pass

    def make_closure():
        async def inner():
            pass

        return inner

    class Thing:
        async def method(self):
            pass

        def plain(self):
            pass

    thing = Thing()
    missing = util.NotSupported("thing", "thing is not here")
    import js  # this thread's own global scope: in a worker, a worker-local object

    local = js.Object.new()
    assigned = ffi.assign(local, {"a": 1}, {"b": [2]})
    return {
        "as_bytearray": [type(copied).__name__, list(copied)],
        "as_bytearray_empty": len(util.as_bytearray(window.ArrayBuffer.new(0))),
        "is_awaitable": [util.is_awaitable(coroutine_function), util.is_awaitable(make_closure()),
                         util.is_awaitable(thing.method), util.is_awaitable(thing.plain),
                         util.is_awaitable(print), util.is_awaitable(lambda: None)],
        "assign_local": [assigned is local, local.a, local.b[0]],
        "not_supported": [raises(AttributeError, lambda: missing.x),
                          raises(TypeError, lambda: missing(1)), "thing" in repr(missing)],
    }


async def run(where):
    facts = {"in_worker": RUNNING_IN_WORKER}
    try:
        facts.update(event_facts())
        facts.update(await async_event_facts())
        facts.update(await dom_facts(where))
        facts.update(util_facts())
    except Exception as exc:  # the test shows what failed, with its traceback
        facts["error"] = traceback_of(exc)
    report("events", where, facts)
