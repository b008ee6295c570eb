"""pyscript-ffi in a worker that PyScript (polyscript) started: js_glue/pyscript-plugin.js runs
`start` before the user's code, after PyScript's own ``pyscript`` package was imported.

`start` installs the channel the plugin's worker half (js_glue/pyscript-worker.js) attached to
the page, then points PyScript's names for the page at it: ``pyscript.window`` and
``pyscript.document`` (in every ``pyscript`` module that imported them, so ``display``, ``when``
and ``pyscript.web`` use them), ``js.document``, ``pyscript.ffi``'s ``direct``, ``gather`` and
``query``. PyScript's own ``create_proxy`` stays: the channel sends its proxies to the page as
lasting callbacks (``when`` and ``pyscript.web`` lend handlers with it), as it sends every
function of the worker's own JavaScript (`pyscript_ffi._local_js`).
``pyscript.web``, imported later, takes them from there.
Everything else of PyScript is left as it is: ``pyscript.sync``, ``current_target`` (an id, made
once through PyScript's channel), ``js_import``, ``fetch``, ``WebSocket``, storage, the terminal.
Plain code for both interpreters (MicroPython has no typing at run time).
"""

from __future__ import annotations

import sys
from typing import Any

from . import _runtime, api

#: PyScript's modules that bind the page's names at import time, and which of them each holds
#: (only those it has are replaced)
PAGE_NAMES = ("pyscript", "pyscript.context", "pyscript.display", "pyscript.events",
              "pyscript.web", "pyscript.media")
#: PyScript's modules whose `to_js` makes values for the page's DOM (``pyscript.ffi.to_js`` stays
#: the interpreter's: code calls it for the worker's own JavaScript too, as ``fetch`` does)
TO_JS = ("pyscript.events",)
#: ``pyscript.ffi``'s one-round-trip helpers, pyscript-ffi's own
HELPERS = ("direct", "gather", "query")


def start(stub: Any) -> None:
    """Install the worker's channel over `stub` (the JS module ``_pyscript_ffi_stub``) and
    point PyScript's page names at it."""
    try:
        from pyodide.ffi import create_proxy  # type: ignore[import-not-found]
    except ImportError:  # MicroPython
        from ._micro import start_worker

        stub.adopt(start_worker(stub))
    else:
        from ._pyodide import start_worker as start_pyodide_worker

        stub.adopt(create_proxy(start_pyodide_worker()))
    rebind()


def rebind() -> None:
    """Point the loaded ``pyscript`` modules' page names at this worker's channel."""
    installed = _runtime.current()
    page = {"window": installed.window, "document": installed.document}
    for name in PAGE_NAMES:
        _replace(sys.modules.get(name), page)
    for name in TO_JS:
        _replace(sys.modules.get(name), {"to_js": api.to_js})
    _replace(sys.modules.get("pyscript.ffi"), {name: getattr(api, name) for name in HELPERS})
    import js  # type: ignore[import-not-found]  # this worker's globals

    js.document = installed.document  # as PyScript does: `js.document` is the page's


def _replace(module: Any, names: dict[str, Any]) -> None:
    if module is None:
        return
    for name, value in names.items():
        if name in module.__dict__:
            setattr(module, name, value)
