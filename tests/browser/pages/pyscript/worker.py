import checks

from pyscript import RUNNING_IN_WORKER, display, document, sync
from pyscript_ffi import JsException


def add(a, b):
    return a + b


def use_sync(x):
    return sync.twice(x)


def use_async_sync(x):
    return sync.later(x)


def rejected_sync():
    try:
        sync.refuse(1)
    except JsException as exc:  # the core's error for a rejected Promise
        return [exc.name, exc.message]
    return "no error"


def missing_sync():
    try:
        sync.nothing_here(1)
    except AttributeError as exc:
        return str(exc)
    return "no error"


def ffi_facts():
    return checks.ffi_facts()


def display_all(where):
    return checks.display_all(where)


def settle():
    import gc

    gc.collect()
    return document.title


__export__ = ["add", "use_sync", "use_async_sync", "rejected_sync", "missing_sync", "ffi_facts",
              "display_all", "settle"]
display("worker ready", RUNNING_IN_WORKER)
