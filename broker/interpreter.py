"""What differs between the Pythons this code runs on, decided here once.

broker and pyscript_ffi run on CPython (the host and its worker threads), Pyodide (a browser
worker, or the page's own thread) and MicroPython (a browser worker, or the page's own thread).
This is the one module that asks which: the others use the names below and never test
``sys.implementation`` themselves. (Differences a whole runtime settles where it starts, such as
how proxies are tracked, are chosen by `pyscript_ffi/_micro.py` and `pyscript_ffi/_pyodide.py`.)

MicroPython differs here in that:

- an exception class has one built-in base, and there is no PermissionError or TimeoutError;
- ``await x`` iterates `x` (``__iter__``) instead of calling ``x.__await__``, and a coroutine is
  a generator (it has ``send``, not ``__await__``);
- there is no `traceback` module (``sys.print_exception`` prints one) and no ``time.monotonic``
  (``time.ticks_ms`` counts milliseconds).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

#: True under MicroPython (CPython and Pyodide are both "cpython")
MICROPYTHON = sys.implementation.name == "micropython"

#: an exception class may also derive from a built-in error (`ConversionError` is a TypeError,
#: `PermissionDenied` a PermissionError, `CallTimeout` a TimeoutError)
ERRORS_HAVE_BUILTIN_BASES = not MICROPYTHON

#: ``await x`` iterates `x`: an awaitable proxy needs ``__iter__`` as well as ``__await__``
AWAIT_ITERATES = MICROPYTHON


def is_awaitable(value: Any) -> bool:
    """A coroutine or other awaitable (on MicroPython a coroutine is a generator)."""
    return hasattr(value, "__await__") or (MICROPYTHON and hasattr(value, "send"))


def format_exception(exc: BaseException) -> str:
    """The traceback of `exc`, as Python prints it."""
    if MICROPYTHON:
        import io

        out = io.StringIO()
        sys.print_exception(exc, out)  # type: ignore[attr-defined]
        return out.getvalue()
    import traceback

    return "".join(traceback.format_exception(exc))


def _monotonic() -> Callable[[], float]:
    import time

    if MICROPYTHON:
        return lambda: time.ticks_ms() / 1000  # type: ignore[attr-defined]
    return time.monotonic


#: seconds on a clock that never goes back
monotonic: Callable[[], float] = _monotonic()
