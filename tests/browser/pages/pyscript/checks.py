"""PyScript's API as a page or worker sees it: fetched by the tests' configs (`files`) and run
on the page's thread and in workers, on Pyodide and MicroPython; the test compares the facts."""

import json

from pyscript import HTML, RUNNING_IN_WORKER, current_target, display, document, window
from pyscript.ffi import assign, create_proxy, is_none, jsnull, to_js


class Rich:
    def _repr_html_(self):
        return "<i class='rich'>rich</i>"


class Plain:
    def __repr__(self):
        return "<Plain & co>"


def ffi_facts():
    import js

    target = window.Object.new()
    calls = []
    proxy = create_proxy(lambda x: calls.append(x) or x * 2)
    facts = {
        "in_worker": RUNNING_IN_WORKER,
        "to_js_attr": to_js({"ok": "yes"}).ok,
        "to_js_length": to_js([1, 2, 3]).length,
        "to_js_int": to_js(5),
        "proxy_call": proxy(21),
        "proxy_ran": calls == [21],
        "is_none": [is_none(None), is_none(jsnull), is_none(window.JSON.parse("null")), is_none(0)],
        "assign_returns_target": assign(target, {"a": 1}, {"b": 2}) is target,
        "assigned": window.JSON.stringify(target),
        "js_document_title": js.document.title,
        "document_title": document.title,
        "file": open("data/hello.txt").read().strip(),
        "helper": open("mylib/helper.py").read().strip(),
    }
    return facts


def report(where, facts):
    document.getElementById("result-" + where).textContent = json.dumps(facts)


def display_all(where):
    """display() in every form, into #out-<where> and the running tag's own target."""
    out = "out-" + where
    display("<b>text</b>", 42, target=out)
    display(HTML("<b class='html'>html</b>"), Rich(), Plain(), target="#" + out)
    display("first", target=out + "-replace")
    display("second", "third", target=out + "-replace", append=False)
    display("default " + where)
    return current_target()
