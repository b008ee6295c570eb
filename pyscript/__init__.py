"""PyScript's names, for code written for PyScript: ``from pyscript import document, display``.

``document``, ``window`` and ``js`` resolve per thread (a worker's are the page's, through the
channel). ``workers`` and ``create_named_worker`` exist on the page's thread only, ``PyWorker``
works there only, and ``sync`` works in a worker only, as in PyScript.
"""

from __future__ import annotations

from pyscript_ffi import _runtime

from . import ffi, util
from ._py_import import py_import
from .context import config, current_target, js_import
from .display import HTML, display
from .events import Event, when
from .fetch import fetch
from .storage import Storage, storage
from .websocket import WebSocket

__all__ = [
    "HTML", "PyWorker", "RUNNING_IN_WORKER", "Event", "Storage", "config", "create_named_worker",
    "current_target", "display", "document", "ffi", "fetch", "js", "js_import", "py_import",
    "storage", "sync", "util", "WebSocket", "when", "window", "workers",
]

_MAIN_ONLY = ("workers", "create_named_worker")
#: submodules imported on first use (``from pyscript import web``: MicroPython asks this
#: module's __getattr__ rather than importing the submodule itself)
_SUBMODULES = ("web", "media", "fs")


def __getattr__(name: str) -> object:
    if name in ("js", "document", "window"):
        return getattr(_runtime.current(), name)
    if name == "RUNNING_IN_WORKER":
        return _runtime.RUNNING_IN_WORKER
    if name == "PyWorker":
        from .context import py_worker

        return py_worker()
    if name == "sync":
        from .context import sync

        return sync()
    if name in _SUBMODULES:
        import sys

        __import__(f"{__name__}.{name}")
        return sys.modules[f"{__name__}.{name}"]
    if name in _MAIN_ONLY:
        if _runtime.current().channel is not None:
            raise AttributeError(f"pyscript.{name} works only on the page's thread, as in "
                                 "PyScript: call it from a <script type=\"py\"> without worker")
        # (the module is not named "workers": that name is the object)
        from .named_workers import create_named_worker, workers

        return workers if name == "workers" else create_named_worker
    raise AttributeError(f"module 'pyscript' has no attribute {name!r}")
