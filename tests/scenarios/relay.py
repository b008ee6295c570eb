"""A worker for the relay's faults (tests/browser/test_relay.py): a call that is under way when
the service worker carrying it goes away, then a call after."""

from pyscript_ffi import js


def call_through(ms):
    """A call the page takes `ms` to answer; what became of it, and of the next call."""
    try:
        js.fixtures.busy(ms)
    except Exception as exc:  # the fault under test: reported to the test as text
        first = f"{type(exc).__name__}: {exc}"
    else:
        first = "answered"
    return {"first": first, "after": js.fixtures.echo("after")}


__export__ = ["call_through"]
