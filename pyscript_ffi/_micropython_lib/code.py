"""MicroPython has no ``code`` module; PyScript's terminal pages end a script with
``code.interact()`` to leave a REPL in the terminal. This is that call: it reads lines with
``input()`` (in a worker: from the page, js_glue/tag-terminal.js), evaluates an expression and
prints its value, or runs a statement; a line ending in ``:`` (or a bracket left open) reads
more lines until an empty one. Ctrl-D (EOFError) ends it; Ctrl-C drops the pending lines."""

import sys


def _complete(source):
    """True if `source` needs no more lines: no block opened, brackets closed."""
    lines = source.split("\n")
    depth = sum(source.count(o) - source.count(c) for o, c in ("()", "[]", "{}"))
    if depth > 0:
        return False
    return not (len(lines) > 1 or lines[0].rstrip().endswith(":")) or lines[-1] == ""


def _run(source, namespace):
    try:
        code = compile(source, "<stdin>", "eval")
    except SyntaxError:
        exec(compile(source, "<stdin>", "exec"), namespace)
        return
    value = eval(code, namespace)
    if value is not None:
        namespace["_"] = value
        print(repr(value))


def interact(banner=None, readfunc=None, local=None, exitmsg=None):
    """Read, evaluate and print until the end of input, in `local` (default: a fresh namespace
    with ``__name__`` "__console__"), as CPython's code.interact."""
    read = readfunc or input
    namespace = local if local is not None else {"__name__": "__console__"}
    if banner is None:
        banner = f"MicroPython {sys.version} on {sys.platform}\nType an expression or a statement."
    if banner:
        print(banner)
    lines = []
    while True:
        try:
            line = read("... " if lines else ">>> ")
        except EOFError:
            break
        except KeyboardInterrupt:
            print("\nKeyboardInterrupt")
            lines = []
            continue
        lines.append(line)
        source = "\n".join(lines)
        if not _complete(source):
            continue
        lines = []
        if not source.strip():
            continue
        try:
            _run(source, namespace)
        except KeyboardInterrupt:
            print("KeyboardInterrupt")
        except Exception as exc:  # noqa: BLE001 - a REPL shows every error and goes on
            sys.print_exception(exc)  # type: ignore[attr-defined]  # MicroPython's
    print("now exiting InteractiveConsole..." if exitmsg is None else exitmsg)
