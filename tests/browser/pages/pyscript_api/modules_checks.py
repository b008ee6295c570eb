"""pyscript.js_modules as PyScript code sees it (see events_checks.py): the config's "main"
modules on the page's thread and (through the page) in a worker, its "worker" modules in a
worker only."""

from checks_common import report, traceback_of

from pyscript import RUNNING_IN_WORKER


def facts_of_modules():
    from pyscript.js_modules import page_module

    facts = {"page_module": [page_module.where(), page_module.add(2, 3)]}
    try:
        from pyscript.js_modules import worker_module

        facts["worker_module"] = worker_module.where()
    except ImportError:
        facts["worker_module"] = "ImportError"
    try:
        from pyscript.js_modules import not_listed  # noqa: F401

        facts["not_listed"] = None
    except ImportError as exc:
        facts["not_listed"] = "not_listed" in str(exc)
    facts["in_worker"] = RUNNING_IN_WORKER
    return facts


async def run(where):
    try:
        facts = facts_of_modules()
    except Exception as exc:
        facts = {"error": traceback_of(exc)}
    report("modules", where, facts)
