"""The worker side of PyScript's editor tags (js_glue/tag-editor-env.js): an editor env's worker
exports `run`, and every editor of the env runs its code through it, in one namespace. An error
of the code (a KeyboardInterrupt from the stop button too) is printed to stderr, which the page
shows in red under the editor, from the code's own frames on."""

from __future__ import annotations

import sys
from typing import Any

from broker.interpreter import MICROPYTHON

#: the env's globals, shared by its editors' runs (as PyScript's editors share the worker's)
namespace: dict[str, Any] = {"__name__": "__main__"}
#: the file name the editors' code runs under, in tracebacks
FILENAME = "<py-editor>"


def run(code: str) -> Any:
    """Run `code` in the env's namespace; answers None. On Pyodide top-level ``await`` is
    allowed: the answer is then a coroutine, which the runtime awaits before it answers the
    page."""
    if MICROPYTHON:
        try:
            exec(compile(code, FILENAME, "exec"), namespace)
        except BaseException as exc:  # noqa: BLE001 - the page shows it, the env goes on
            sys.print_exception(exc, sys.stderr)  # type: ignore[attr-defined]  # MicroPython's
        return None
    return _run_pyodide(code)


async def _run_pyodide(code: str) -> None:
    from pyodide.code import eval_code_async  # type: ignore[import-not-found]

    try:
        await eval_code_async(code, namespace, filename=FILENAME, return_mode="none")
    except BaseException as exc:  # noqa: BLE001 - the page shows it, the env goes on
        import traceback

        tb = exc.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename != FILENAME:
            tb = tb.tb_next
        traceback.print_exception(type(exc), exc, tb)
