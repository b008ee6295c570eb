"""input(), print and time.sleep in a browser worker (Pyodide or MicroPython), driven by
tests/browser/test_stdio.py: the page gives the worker `input`, `stdout` and `stderr` handlers
(or none, for the defaults) and calls these exports.
"""

from __future__ import annotations

import gc
import sys
import time

import pyscript_ffi
from pyscript_ffi import _runtime, document

_MICRO = sys.implementation.name == "micropython"


def _monotonic():
    return time.ticks_ms() / 1000 if _MICRO else time.monotonic()


def ask(*prompt):
    """input(*prompt): ["ok", the answer] or [the exception's class name, its message]."""
    try:
        return ["ok", input(*prompt)]
    except BaseException as exc:  # noqa: BLE001 - the test reads which one
        return [type(exc).__name__, str(exc)]


def say(*lines):
    """Print each line; return how many (the page's stdout handler has them by then)."""
    for line in lines:
        print(line)
    return len(lines)


def say_in_parts():
    print("one", end="")
    print(" two", end="")
    print(" three")
    print("a\nb")


def complain(text):
    print(text, file=sys.stderr)


def say_around_a_title(before, title, after):
    """A print, a DOM write, a print: the page sees them in this order."""
    print(before)
    document.title = title
    print(after)


def chatter():
    """Print until the page interrupts: ["KeyboardInterrupt", lines printed]."""
    count = 0
    try:
        while True:
            print("tick", count)
            count += 1
    except KeyboardInterrupt:
        return ["KeyboardInterrupt", count]


def nap(seconds):
    """time.sleep in the worker; the seconds it took, by the worker's clock."""
    start = _monotonic()
    time.sleep(seconds)
    return _monotonic() - start


def ping():
    return "pong"


def settle():
    """Collect garbage and return every drop now, so the page can count its live handles."""
    gc.collect()
    _runtime.current().channel.flush()
    return pyscript_ffi.statistics().live_proxies


__export__ = ["ask", "say", "say_in_parts", "complain", "say_around_a_title", "chatter", "nap",
              "ping", "settle"]
