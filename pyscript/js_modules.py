"""PyScript's ``pyscript.js_modules``: the JavaScript modules the config's ``js_modules`` key
lists, by name (``from pyscript.js_modules import greeting``).

On the page's thread: the "main" modules (imported before the first tag ran). In a worker: the
"worker" modules (imported in the worker before its code ran), then the "main" ones, which stay
on the page: the first use of each asks the page to import it (js_glue/js-modules.js) and waits,
and the worker then calls it through its channel. A name neither side lists raises ImportError
(AttributeError for ``js_modules.name``, except on MicroPython).
"""

from __future__ import annotations

from typing import Any

from broker.interpreter import MICROPYTHON
from pyscript_ffi import _runtime, run_sync

try:
    import _pyscript_ffi_core as _tag  # type: ignore[import-not-found]
except ImportError:  # not run by a tag of /_ffi/core.js: no config, no modules
    _tag = None

_from_page: dict[str, Any] = {}


def _local(name: str) -> Any:
    if _tag is None:
        return None
    import js  # type: ignore[import-not-found]

    modules = _tag.jsModules
    return getattr(modules, name) if js.Object.hasOwn(modules, name) else None


def _page_module(name: str) -> Any:
    """A "main" module of a worker tag's config, imported on the page on first use."""
    if name in _from_page:
        return _from_page[name]
    from .context import config

    listed = {n: url for url, n in dict(config.get("js_modules", {}).get("main") or {}).items()}
    if _tag is None or name not in listed:
        return None
    loader = _runtime.current().window.pyscriptFfiModules
    module = _from_page[name] = run_sync(loader.load(listed[name], _tag.baseURL))
    return module


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    module = _local(name)
    if module is None and _runtime.current().channel is not None:
        module = _page_module(name)
    if module is None:
        message = (f"no JavaScript module {name!r} in pyscript.js_modules: list its URL in the "
                   "config's js_modules (\"main\" or \"worker\")")
        # `from pyscript.js_modules import x` turns an AttributeError into ImportError; on
        # MicroPython it does not, so raise that
        raise (ImportError if MICROPYTHON else AttributeError)(
            message)
    return module
