"""How its own boot went, as the worker saw it, driven by tests/browser/test_boot.py: when each
request of the worker started and the boot's marks (js_glue/boot.js `mark`), by the worker's
own clock, and what the boot installed (msgpack's C extension, recorded as loaded)."""

from __future__ import annotations

# this worker's own global scope (Pyodide's `js`, not the page's)
import js as worker_scope
import msgpack
import pyodide_js  # type: ignore[import-not-found]


def timeline():
    performance = worker_scope.performance
    requests = {entry.name.rsplit("/", 1)[-1]: entry.startTime
                for entry in performance.getEntriesByType("resource")}
    marks = {entry.name: entry.startTime for entry in performance.getEntriesByType("mark")}
    return {"requests": requests, "marks": marks}


def installed():
    return {
        "round_trip": msgpack.unpackb(msgpack.packb([1, "two", b"3"])) == [1, "two", b"3"],
        "compiled": msgpack.Packer.__module__,
        "recorded": str(getattr(pyodide_js.loadedPackages, "msgpack", "")),
        "where": msgpack.__file__,
    }


__export__ = ["timeline", "installed"]
