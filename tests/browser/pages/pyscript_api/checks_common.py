"""What the check modules of this folder share: bounded waits, error capture, the report."""

import asyncio
import json

from pyscript import document


async def until(condition, seconds=10.0):
    """Wait (bounded) for `condition()`: a worker's handlers run when it is between calls."""
    waited = 0.0
    while not condition():
        if waited > seconds:
            return False
        await asyncio.sleep(0.02)
        waited += 0.02
    return True


def raises(kind, call):
    """The message of the `kind` exception `call()` raises, or None if it raises none."""
    try:
        call()
    except kind as exc:
        return str(exc)
    return None


def traceback_of(exc):
    import io
    import sys

    out = io.StringIO()
    if hasattr(sys, "print_exception"):  # MicroPython
        sys.print_exception(exc, out)
    else:
        import traceback

        traceback.print_exception(exc, file=out)
    return out.getvalue()


def report(module, where, facts):
    """The facts as JSON in #<module>-<where>, which the test reads."""
    document.getElementById(module + "-" + where).textContent = json.dumps(facts)
