"""The page's ``pyscriptFfiDom`` calls (js_glue/pyscript-dom.js), as a worker reaches them: each
whole DOM operation of the ``pyscript`` package (``when``'s registration, ...) in one round trip.

``dom_call(name)`` is the page's function, read (all of them at once) on first use and kept, so a
call of it is one CALL, on MicroPython too (where ``obj.name(...)`` would be a GET and a CALL);
or None on the page's own thread and on pages without them (core.js and main.js's PyWorker
publish them), where the caller takes the per-element path.
"""

from __future__ import annotations

from typing import Any

from pyscript_ffi import _runtime, gather

#: the calls js_glue/pyscript-dom.js publishes
NAMES = ("listen", "build", "append", "classes", "updateAll", "find", "findAll", "children",
         "byId")
_found: dict[str, Any] | None = None


def dom_call(name: str) -> Any:
    global _found
    installed = _runtime.current()
    if installed.channel is None:
        return None
    if _found is None:  # all of them in one round trip, on first use
        try:
            values = gather(installed.window, *(f"pyscriptFfiDom.{n}" for n in NAMES))
            _found = {NAMES[i]: values[i] for i in range(len(NAMES))}
        except AttributeError:
            _found = {}
    return _found.get(name)
