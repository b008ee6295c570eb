"""Where this code runs, as PyScript's ``pyscript.context`` tells it: ``RUNNING_IN_WORKER``,
``config``, ``current_target()`` and, in a worker, ``sync`` (the functions the page set on the
worker tag's ``xworker.sync``).

A tag run by ``/_ffi/core.js`` has its context as the JS module ``_pyscript_ffi_core`` (see
js_glue/environment.js); the page's registry of tags is ``pyscriptFfiCore`` on its window.
"""

from __future__ import annotations

import json
from typing import Any

from broker.interpreter import MICROPYTHON
from pyscript_ffi import JsPromise, _runtime, run_sync

from .util import NotSupported

try:
    import _pyscript_ffi_core as _tag  # type: ignore[import-not-found]
except ImportError:  # a PyWorker or PyMain of our own, or a CPython host thread: no tag
    _tag = None


def in_worker() -> bool:
    return _runtime.current().channel is not None


def _read_config() -> dict[str, Any]:
    if _tag is None:
        return {}
    import js  # type: ignore[import-not-found]

    value = json.loads(js.JSON.stringify(_tag.config))
    return value if isinstance(value, dict) else {}


config = _read_config()
"""The tag's config (files, packages, ...), with ``type``: "py" or "mpy", as in PyScript."""
config["type"] = "mpy" if MICROPYTHON else "py"


def _registry() -> Any:
    return _runtime.current().window.pyscriptFfiCore


_worker_target: str | None = None


def current_target() -> str:
    """The id of the element the running tag displays into: its ``target`` attribute's, or a
    ``<script-py>`` made after it (in a worker: made on first use, as PyScript does)."""
    global _worker_target
    if _tag is None:
        raise RuntimeError("current_target() needs code run by a <script type=\"py\"> tag "
                           "(/_ffi/core.js): pass display() a target instead")
    if not in_worker():
        return str(_tag.target)
    if _worker_target is None:
        _worker_target = _registry().workerTarget(_tag.id)
    return _worker_target


class _PageFunction:
    def __init__(self, name: str) -> None:
        self._name = name

    def __call__(self, *args: object) -> Any:
        """Call the page's function now and return its result; a Promise it returns is waited
        for with `pyscript_ffi.run_sync`, bounded by the worker's call timeout.

        Raises:
            AttributeError: the page set no such function for this worker.
            JsException: the function threw, or its Promise rejected.
            CallTimeout: its Promise did not settle within the worker's call timeout.
        """
        function = _registry().pageFunction(_tag.id, self._name)
        if function is None:
            raise AttributeError(
                f"the page set no function sync.{self._name} for this worker: on the page, set "
                f"xworker.sync.{self._name} = a function")
        value = function(*args)
        return run_sync(value) if isinstance(value, JsPromise) else value

    def __repr__(self) -> str:
        return f"<pyscript.sync.{self._name}>"


class _Sync:
    """``pyscript.sync`` in a worker: ``sync.name(*args)`` calls the function the page set as
    ``script.xworker.sync.name``, synchronously (a Promise it returns is waited for)."""

    def __getattr__(self, name: str) -> _PageFunction:
        if name.startswith("__"):
            raise AttributeError(name)
        return _PageFunction(name)


def sync() -> _Sync | NotSupported:
    if _tag is not None and in_worker():
        return _Sync()
    if in_worker():
        return NotSupported("pyscript.sync", "pyscript.sync needs a worker started by a "
                            "<script type=\"py\" worker> tag (/_ffi/core.js)")
    return NotSupported("pyscript.sync", "pyscript.sync works only when running in a worker")
