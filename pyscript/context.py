"""Where this code runs, as PyScript's ``pyscript.context`` tells it: ``RUNNING_IN_WORKER``,
``config``, ``current_target()`` and, in a worker, ``sync`` (the functions the page set on the
worker tag's ``xworker.sync``).

A tag run by ``/_ffi/core.js`` has its context as the JS module ``_pyscript_ffi_core`` (see
js_glue/environment.js); the page's registry of tags is ``pyscriptFfiCore`` on its window.
"""

from __future__ import annotations

import json

from pyscript_ffi import _runtime

try:
    import _pyscript_ffi_core as _tag  # type: ignore[import-not-found]
except ImportError:  # a PyWorker or PyMain of our own, or a CPython host thread: no tag
    _tag = None

#: the worker-side wait between two looks at a page function's pending Promise
_POLL_MS = 5
#: how long a page function's Promise may take before sync gives up
_SYNC_TIMEOUT_S = 60


def in_worker() -> bool:
    return _runtime.current().channel is not None


def _read_config() -> dict:
    if _tag is None:
        return {}
    import js  # type: ignore[import-not-found]

    value = json.loads(js.JSON.stringify(_tag.config))
    return value if isinstance(value, dict) else {}


config = _read_config()
"""The tag's config (files, packages, ...), with ``type``: "py" or "mpy", as in PyScript."""
config["type"] = "mpy" if __import__("sys").implementation.name == "micropython" else "py"


def _registry():
    return _runtime.current().window.pyscriptFfiCore


_worker_target = None


def current_target():
    """The id of the element the running tag displays into: its ``target`` attribute's, or a
    ``<script-py>`` made after it (in a worker: made on first use, as PyScript does)."""
    global _worker_target
    if _tag is None:
        raise RuntimeError("current_target() needs code run by a <script type=\"py\"> tag "
                           "(/_ffi/core.js): pass display() a target instead")
    if not in_worker():
        return _tag.target
    if _worker_target is None:
        _worker_target = _registry().workerTarget(_tag.id)
    return _worker_target


class NotSupported:
    """A name PyScript gives only in the other context: any use raises, saying why."""

    def __init__(self, name, error):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "error", error)

    def __repr__(self):
        return f"<NotSupported {self.name} [{self.error}]>"

    def __getattr__(self, attr):
        raise AttributeError(self.error)

    def __setattr__(self, attr, value):
        raise AttributeError(self.error)

    def __call__(self, *args):
        raise TypeError(self.error)


class _PageFunction:
    def __init__(self, name):
        self._name = name

    def __call__(self, *args):
        """Call the page's function now and wait for its result (a Promise's, once settled)."""
        kind, value = _registry().callSync(_tag.id, self._name, *args).to_py()
        if kind == "missing":
            raise AttributeError(value)
        if kind == "value":
            return value
        return _wait_for(value)

    def __repr__(self):
        return f"<pyscript.sync.{self._name}>"


def _wait_for(ticket):
    from pyscript_ffi import promises  # the worker's pause: it blocks this thread only

    registry = _registry()
    for _ in range(_SYNC_TIMEOUT_S * 1000 // _POLL_MS):
        outcome = registry.poll(ticket)
        if outcome is not None:
            kind, value = outcome.to_py()
            if kind == "error":
                raise RuntimeError(f"the page's sync function failed: {value}")
            return value
        promises.pause(_POLL_MS / 1000)
    raise TimeoutError(f"the page's sync function did not settle within {_SYNC_TIMEOUT_S} s")


class _Sync:
    """``pyscript.sync`` in a worker: ``sync.name(*args)`` calls the function the page set as
    ``script.xworker.sync.name``, synchronously (a Promise it returns is waited for)."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _PageFunction(name)


def sync():
    if _tag is not None and in_worker():
        return _Sync()
    if in_worker():
        return NotSupported("pyscript.sync", "pyscript.sync needs a worker started by a "
                            "<script type=\"py\" worker> tag (/_ffi/core.js)")
    return NotSupported("pyscript.sync", "pyscript.sync works only when running in a worker")
