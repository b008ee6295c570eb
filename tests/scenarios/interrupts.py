"""Interrupts and withdrawn calls lose nothing (Pyodide): run with a 0.5 s timeout (harness
?timeout=500). tests/browser/test_interrupts.py drives it."""

import gc
import sys
import time

from pyscript_ffi import CallTimeout, _runtime, js

fx = js.fixtures
#: what the loop had done when each interrupt reached it
interrupts = []
#: exceptions Python could not raise anywhere (one in a finalizer would be swallowed)
unraisable = []
sys.unraisablehook = lambda u: unraisable.append(f"{u.exc_type.__name__}: {u.err_msg}")


def settle():
    """Collect garbage and return every drop now, so the page can count its live handles."""
    gc.collect()
    _runtime.current().channel.flush()
    return _runtime.current().channel.statistics().live_proxies


def withdrawn_release():
    """A release rides on a call the busy page never takes; it goes out with the next call.
    Returns the released handle's id and what the calls raised."""
    withdrawn = "taken"
    for _ in range(5):  # again if the page took the call before its busy spell began (load)
        obj = js.Object.new()
        handle = obj.js_id
        js.setTimeout(fx.busy, 0, 1500)  # within milliseconds, the page runs 1.5 s of script
        time.sleep(0.2)
        del obj
        gc.collect()  # its lend goes out with the next request, which the busy page never takes
        try:
            fx.echo("withdrawn")
        except CallTimeout as exc:
            withdrawn = str(exc)
        time.sleep(1.5)
        if withdrawn != "taken":
            break
    return {"handle": handle, "withdrawn": withdrawn, "after": fx.echo("after")}


def late_reply():
    """A call the page answers after the worker gave up on it (it ran 1.5 s, the timeout is
    0.5 s); the object its late reply lent comes back once the reply lands."""
    try:
        fx.busyObject(1500)
        late = "answered in time"
    except CallTimeout as exc:
        late = str(exc)
    time.sleep(1.5)
    return {"late": late, "after": fx.echo("after")}


def churn():
    """Make and drop proxies until the page interrupts (the interrupt lands anywhere: in a
    request, in a proxy being made, in a collected proxy's release)."""
    made = 0
    try:
        while True:
            try:
                js.Object.new()
            except CallTimeout:  # a loaded machine past the 0.5 s bound: not what is tested
                continue
            made += 1
    except KeyboardInterrupt:
        interrupts.append(made)
        raise


def spin_through(n):
    """Spin in pure Python until interrupted, `n` times over: before each spin, tell the page
    (`fx.spinning`, which then interrupts). Returns the KeyboardInterrupts caught."""
    caught = 0
    while caught < n:
        try:
            fx.spinning(caught)
            while True:
                pass
        except KeyboardInterrupt:
            caught += 1
    return caught


def report():
    deferred = getattr(_runtime.current().channel, "interrupts", None)
    return {"interrupts": len(interrupts), "unraisable": unraisable,
            "held": None if deferred is None else deferred.held}


__export__ = ["settle", "withdrawn_release", "late_reply", "churn", "spin_through", "report"]
