"""Where this code runs, as PyScript's ``pyscript.context`` tells it: ``RUNNING_IN_WORKER``,
``config``, ``current_target()``, on the page's thread ``PyWorker`` and, in a worker, ``sync``
(the functions the page set on the worker tag's ``xworker.sync``).

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


#: PyWorker's `type`s, as PyScript names them
_INTERPRETERS = ("pyodide", "micropython")


def PyWorker(url: str, **options: Any) -> Any:  # noqa: N802 - PyScript's name
    """Start the Python file `url` (relative to the page) in a worker, as PyScript's
    ``PyWorker``: ``type`` is "pyodide" or "micropython" (default: this thread's interpreter),
    ``config`` a dict, JSON text or a config file's URL (files, packages, js_modules).

    Returns the worker at once: ``await worker.ready`` waits for its code to have run (and
    gives the worker); ``await worker.sync.name(*args)`` calls a function its ``__export__``
    lists; ``worker.sync.name = f`` lends it `f`, which its ``pyscript.sync.name(...)`` calls;
    ``worker.terminate()`` stops it. An error of its code shows in the page's error box and
    rejects ``ready``.

    Raises:
        ValueError: `type` is neither "pyodide" nor "micropython", or an option is unknown.
        RuntimeError: not run by a <script type="py"> tag of /_ffi/core.js.
    """
    interpreter = options.pop("type", "micropython" if MICROPYTHON else "pyodide")
    config = options.pop("config", None)
    options.pop("version", None)  # PyScript's: the version served is the one there is
    if options:
        raise ValueError(f"PyWorker() got unknown options {sorted(options)}: it takes type and "
                         "config")
    if interpreter not in _INTERPRETERS:
        raise ValueError(f"PyWorker(type={interpreter!r}): type must be \"pyodide\" or "
                         "\"micropython\", as in PyScript")
    if _tag is None:
        raise RuntimeError("PyWorker() needs code run by a <script type=\"py\"> tag "
                           "(/_ffi/core.js): from a page's script, use PyWorker of /_ffi/main.js")
    text = None if config is None else config if isinstance(config, str) else json.dumps(config)
    return _registry().pyWorker(url, interpreter, text)


def py_worker() -> Any:
    """``pyscript.PyWorker``: the function on the page's thread; in a worker a name that
    raises when used, as in PyScript."""
    if in_worker():
        return NotSupported("pyscript.PyWorker",
                            "pyscript.PyWorker works only when running in the main thread")
    return PyWorker


_importer: Any = None


def js_import(*urls: str) -> Any:
    """PyScript's ``js_import``: import the JavaScript modules at `urls` (relative to the page)
    on the page, in a worker too; a Promise of their modules, in order:
    ``(chart,) = await js_import("./chart.js")``."""
    global _importer
    if _importer is None:
        _importer = _runtime.current().window.Function(
            "return (...urls) => Promise.all(urls.map("
            "(url) => import(new URL(url, document.baseURI).href)))")()
    return _importer(*urls)
