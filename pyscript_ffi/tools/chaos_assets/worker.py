"""A chaos worker (pyscript_ffi/tools/chaos.py), Pyodide or MicroPython: checked calls until the
page says stop. Each call asks the page to echo (tag, seq) and checks the answer is its own; each
also makes a proxy, sets and reads a property on it, and drops it. An interrupt (Pyodide) is
counted and the loop goes on."""

import gc

from pyscript_ffi import _runtime, js

echo = js.chaosEcho
Object = js.Object
stats = {"calls": 0, "mismatches": 0, "interrupts": 0, "errors": 0, "first_error": None}


def _loop(tag, start):
    seq = start
    while True:
        got = echo(tag, seq)
        if got != tag + ":" + str(seq):
            stats["mismatches"] += 1
            if stats["first_error"] is None:
                stats["first_error"] = "call " + str(seq) + " got " + repr(got)
        obj = Object.new()
        obj.n = seq
        if obj.n != seq:
            stats["mismatches"] += 1
        del obj
        stats["calls"] += 1
        seq += 1
        if seq % 32 == 0 and js.chaosStop:
            return seq


def run(tag):
    """Checked calls until window.chaosStop; returns the counts."""
    seq = 0
    while True:
        try:
            _loop(tag, seq)
            return stats
        except KeyboardInterrupt:
            stats["interrupts"] += 1
        except Exception as exc:  # noqa: BLE001 - counted and shown: the run must have none
            stats["errors"] += 1
            if stats["first_error"] is None:
                stats["first_error"] = repr(exc)
        seq = stats["calls"] + stats["interrupts"] * 1000000


def settle():
    """Collect garbage and return every release now; the proxies still live."""
    gc.collect()
    channel = _runtime.current().channel
    channel.flush()
    return channel.statistics().live_proxies


def report():
    return stats


__export__ = ["run", "settle", "report"]
