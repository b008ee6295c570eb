"""``input()`` and printed output in a browser worker, through the page's functions.

`PyWorker` lends the worker three page functions at boot, in BOOT's ``io`` frame
(js_glue/stdio.js): ``input`` (the page's handler, by default ``window.prompt``), ``stdout`` and
``stderr`` (only if the page gave handlers; otherwise the lines go to the console, as before).
`install` takes them; then:

- ``input(prompt)`` calls the page's input function through the channel and, if it returns a
  Promise, blocks this worker for its outcome (`promises.run_sync`, bounded by the worker's call
  timeout); the page never blocks. ``None`` (JS ``null`` or ``undefined``, a cancelled
  ``window.prompt``) is the end of input: `EOFError`, as input() raises at the end of a file.
- Each printed line goes to `write`, which hands it to the page's stdout or stderr function:
  one round trip, in order with the worker's other calls to the page. The lines come from
  ``sys.stdout`` / ``sys.stderr`` replaced by line writers on Pyodide (`_pyodide.LineWriter`),
  from the interpreter's own output hook on MicroPython (js_glue/worker.js).

The CPython host has no equivalent: a worker thread's ``input()`` and ``print`` are the
process's own (docs/hosts.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import promises
from .proxy import JsPromise, JsProxy

if TYPE_CHECKING:
    from .channel import Channel


class _Handlers:
    """The page's functions, once `install` has run. (A plain class: MicroPython runs this.)"""

    __slots__ = ("input", "stdout", "stderr")

    def __init__(self) -> None:
        self.input: JsProxy | None = None
        self.stdout: JsProxy | None = None
        self.stderr: JsProxy | None = None


_handlers = _Handlers()


def install(channel: Channel, frame: bytes) -> list[str]:
    """At boot: take the page's functions from BOOT's `frame` and make ``input()`` ask the page.
    Returns the names of the streams the page has a handler for ("stdout", "stderr"): the
    runtime sends their lines to `write`."""
    import builtins

    ask_page, stdout, stderr = channel.decode_value(frame)
    _handlers.input, _handlers.stdout, _handlers.stderr = ask_page, stdout, stderr
    builtins.input = ask
    return [name for name, handler in (("stdout", stdout), ("stderr", stderr))
            if handler is not None]


def ask(prompt: object = "") -> str:
    """``input(prompt)`` in a worker: the page's input handler's answer (``window.prompt`` by
    default). The prompt goes to the handler, not to stdout.

    Raises:
        EOFError: the handler answered null or undefined (a cancelled ``window.prompt``).
        JsException: the handler threw, or its Promise rejected.
        TypeError: it answered something other than a string (the message names it).
        CallTimeout: its Promise did not settle within the worker's call timeout.
        RuntimeError: the page has no input handler and no ``window.prompt``.
    """
    handler = _handlers.input
    if handler is None:
        raise RuntimeError(
            "input(): the page gave this worker no input handler and has no window.prompt; "
            "give PyWorker one: PyWorker(src, { input: async (prompt) => ... })")
    answer = handler(str(prompt))
    if isinstance(answer, JsPromise):
        answer = promises.run_sync(answer)
    if answer is None:
        raise EOFError("EOF when reading a line (the page's input handler answered null or "
                       "undefined: window.prompt was cancelled, or the input has ended)")
    if not isinstance(answer, str):
        raise TypeError(f"input(): the page's input handler answered {_describe(answer)}, not "
                        "a string: return a string, or null for the end of input")
    return answer


def write(stream: str, line: str) -> bool:
    """One printed line (without its newline) for the page's `stream` handler. Returns True if
    the page's ``interrupt()`` cut the call short: the caller raises KeyboardInterrupt where it
    can (the interpreter's output hook cannot raise through the print). Raises nothing else: if
    the page cannot take the line (the channel failed), the line and the reason go to this
    worker's console."""
    handler = _handlers.stdout if stream == "stdout" else _handlers.stderr
    try:
        if handler is None:
            raise RuntimeError(f"the page gave no {stream} handler")
        handler(line)
    except KeyboardInterrupt:
        return True
    except Exception as exc:  # noqa: BLE001 - a print must not fail because the page did
        import js  # type: ignore[import-not-found]  # the interpreter's own: this worker's console

        js.console.error(f"pyscript-ffi: a line for the page's {stream} handler was lost "
                         f"({type(exc).__name__}: {exc}): {line}")
    return False


def _describe(value: Any) -> str:
    """What a handler answered, for a message: "a JavaScript object ([object Object])"."""
    if isinstance(value, JsProxy):
        text = str(value)
        return f"a JavaScript {value.typeof} ({text[:60]})"
    text = repr(value)
    return f"{type(value).__name__} {text[:60]}"
