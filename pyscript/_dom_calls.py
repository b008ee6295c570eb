"""The page's ``pyscriptFfiDom`` calls (js_glue/pyscript-dom.js), as a worker reaches them: each
whole DOM operation of the ``pyscript`` package (``when``'s registration, ...) in one round trip.

``dom_call(name)`` is the page's function, read once per worker and kept (a call of it is then one
CALL, on MicroPython too, where ``obj.name(...)`` would be a GET and a CALL), or None on the
page's own thread and on pages without /_ffi/core.js (a PyWorker of /_ffi/main.js), where the
caller takes the per-element path.
"""

from __future__ import annotations

from typing import Any

from pyscript_ffi import _runtime

_ABSENT = object()
_found: dict[str, Any] = {}


def dom_call(name: str) -> Any:
    installed = _runtime.current()
    if installed.channel is None:
        return None
    function = _found.get(name)
    if function is None:
        try:
            function = getattr(installed.window.pyscriptFfiDom, name)
        except AttributeError:
            function = _ABSENT
        _found[name] = function
    return None if function is _ABSENT else function
