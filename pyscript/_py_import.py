"""``pyscript.py_import``: import Python packages once the program runs, installing them first
where the interpreter can (Pyodide's ``loadPackage``, from the packages it was given: offline,
only those served with it)."""

from __future__ import annotations

import sys
from typing import Any

from broker.interpreter import MICROPYTHON

__all__ = ["py_import"]


async def py_import(*names: str) -> list[Any]:
    """The modules `names`, imported (and, on Pyodide, loaded first if they are packages of its
    distribution), as a list in the same order.

    Raises:
        ImportError: a module that cannot be imported; on MicroPython, one that is not already
            installed (packages cannot be installed here once the interpreter runs).
    """
    missing = [name for name in names if name not in sys.modules]
    if missing and not MICROPYTHON:
        import pyodide_js  # type: ignore[import-not-found]

        await pyodide_js.loadPackage([name.split(".")[0] for name in missing])
    modules = []
    for name in names:
        try:
            __import__(name)
        except ImportError as exc:
            where = ("MicroPython installs no packages once it runs: list it in the config's "
                     "`packages`" if MICROPYTHON else
                     "Pyodide could not load it: list it in the config's `packages`")
            raise ImportError(f"py_import: cannot import {name!r} ({exc}): {where}") from None
        modules.append(sys.modules[name])
    return modules
