"""A worker for the relay's faults (tests/browser/test_relay.py): a call that is under way when
the service worker carrying it goes away, then a call after; and what runs while a call waits."""

import asyncio

from pyscript_ffi import document, js

LOG = []


def call_through(ms):
    """A call the page takes `ms` to answer; what became of it, and of the next call."""
    try:
        js.fixtures.busy(ms)
    except Exception as exc:  # the fault under test: reported to the test as text
        first = f"{type(exc).__name__}: {exc}"
    else:
        first = "answered"
    return {"first": first, "after": js.fixtures.echo("after")}


def calls_in_order():
    """Calls that make the page post into this worker (a listener, fired during the first) and a
    callback of the worker's asyncio loop, due during the second: both wait for this function."""
    target = document.createElement("div")
    target.addEventListener("ping", lambda event: LOG.append("listener"))  # a plain function: once
    asyncio.get_event_loop().call_soon(LOG.append, "soon")
    target.dispatchEvent(js.Event.new("ping"))
    LOG.append("dispatched")
    js.fixtures.busy(50)  # the listener's call and the loop's callback arrive while this waits
    LOG.append("read")
    LOG.append("returned")
    return list(LOG)


def logged():
    return list(LOG)


__export__ = ["call_through", "calls_in_order", "logged"]
