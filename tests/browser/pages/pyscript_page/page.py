# The page's-thread code of py.html and mpy.html: py-* handlers, and PyWorker from Python.
import json

from pyscript import PyWorker, config, document, js_import

OTHER = "pyodide" if config["type"] == "mpy" else "micropython"
facts = {}
calls = []


def log(*items):
    calls.append(list(items))
    document.getElementById("calls").textContent = json.dumps(calls)


def on_go(event):
    log("go", event.type, event.target.id)


class Handlers:
    def count(self, event):
        log("dotted", event.type)


handlers = Handlers()


def on_custom(event):
    log("custom", event.type, event.detail)


async def on_async(event):
    log("async", event.type)


def fails_in_handler(event):
    raise ValueError("raised by a py-click handler")


def add_later(event):
    button = document.createElement("button")
    button.id = "later"
    button.textContent = "later"
    button.setAttribute(config["type"] + "-click", "on_later")
    document.body.append(button)


def on_later(event):
    log("later", event.target.id)


def double(n):
    return n * 2


async def use_pyworker():
    worker = PyWorker("./child.py", type=OTHER)
    worker.sync.double = double
    ready = await worker.ready
    facts["ready_is_worker"] = ready.sync is not None
    facts["triple"] = json.loads(await worker.sync.triple(7))
    facts["refused_in_worker"] = await worker.sync.refused()
    facts["worker_js_import"] = await worker.sync.imported()
    facts["display_without_target"] = await worker.sync.display_without_target()
    worker.terminate()
    modules = await js_import("./answer.js")
    facts["js_import"] = modules[0].answer
    try:
        PyWorker("./child.py", type="ruby")
    except ValueError as e:
        facts["bad_type"] = str(e)
    failing = PyWorker("./child_fails.py", type="micropython", config={"files": {"./fails.py": ""}})
    try:
        await failing.ready
        facts["failing_ready"] = "resolved"
    except Exception as e:  # noqa: BLE001 - the page's rejection, as PyScript gives it
        raised = "ValueError: raised by the user" in str(e)
        facts["failing_ready"] = "rejected" if raised else str(e)
    document.getElementById("facts").textContent = json.dumps(facts)
