# Run by PyWorker(...) from the page's-thread tag of py.html / mpy.html.
import json

from pyscript import RUNNING_IN_WORKER, PyWorker, display, js_import, sync


def triple(n):
    # calls back the page's function lent as worker.sync.double
    return json.dumps([RUNNING_IN_WORKER, n * 3, sync.double(n)])


def refused():
    try:
        PyWorker("./child.py")
    except TypeError as e:
        return str(e)
    return "PyWorker ran in a worker"


# js_import in a worker: the module is imported on the page
modules = await js_import("./answer.js")  # noqa: F704 - top-level await, as in PyScript


def imported():
    return modules[0].answer


def display_without_target():
    try:
        display("where?")
    except Exception as e:  # noqa: BLE001 - the page's error, whatever the interpreter calls it
        return "pass display() a target" in str(e)
    return "displayed"


__export__ = ["triple", "refused", "imported", "display_without_target"]
