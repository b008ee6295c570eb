"""PyScript's names, for code written for PyScript: ``from pyscript import document, window, ffi``.

A thin alias of `pyscript_ffi`; ``document``, ``window`` and ``js`` resolve per thread.
"""

from __future__ import annotations

from pyscript_ffi import _runtime

from . import ffi

__all__ = ["RUNNING_IN_WORKER", "document", "ffi", "js", "window"]


def __getattr__(name: str) -> object:
    if name in ("js", "document", "window"):
        return getattr(_runtime.current(), name)
    if name == "RUNNING_IN_WORKER":
        return _runtime.RUNNING_IN_WORKER
    raise AttributeError(f"module 'pyscript' has no attribute {name!r}")
