"""Bounded waits: run with a 0.5 s timeout (harness ?timeout=500)."""

from pyscript_ffi import CallTimeout, js

fx = js.fixtures


def _recovered():
    """Once the main thread is free again, calls work: retry until then (a few bounds at most)."""
    for _ in range(10):
        try:
            return fx.echo("recovered")
        except CallTimeout:
            continue
    return "never recovered"


def unclaimed_then_recovers():
    # the main thread starts a 1 s synchronous task once its timer fires (within milliseconds);
    # call until a call lands in that second: the page cannot take it in time
    js.setTimeout(fx.busy, 0, 1000)
    unclaimed = "no timeout"
    for _ in range(2000):
        try:
            fx.echo(1)
        except CallTimeout as exc:
            unclaimed = str(exc)
            break
    return {"unclaimed": unclaimed, "after": _recovered()}


def busy_then_recovers():
    try:
        fx.busy(1000)  # the main thread takes this call and runs 1 s before answering
    except CallTimeout as exc:
        busy = str(exc)
    else:
        busy = "no timeout"
    return {"busy": busy, "after": _recovered()}


__export__ = ["unclaimed_then_recovers", "busy_then_recovers"]
