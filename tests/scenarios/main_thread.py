"""Python on the page's own thread (PyMain): the same pyscript_ffi API over Pyodide's own FFI.
Run by tests/browser/test_api.py; it reports by setting window.mainResult."""

import pyscript_ffi
from pyscript import document as compat_document
from pyscript_ffi import (
    assign,
    create_proxy,
    direct,
    document,
    gather,
    is_none,
    js,
    query,
    to_js,
    window,
)

checks = []


def check(name, ok):
    checks.append(name if not ok else None)


check("not in a worker", pyscript_ffi.RUNNING_IN_WORKER is False)
check("document is the page's", document.getElementById("stage").id == "stage")
check("compat document", compat_document == document or compat_document is document)
check("to_js gives objects", js.JSON.stringify(to_js({"a": [1, 2]})) == '{"a":[1,2]}')
check("is_none null", is_none(js.JSON.parse("null")) and is_none(None) and not is_none(0))
target = js.Object.new()
assign(target, {"x": 1}, {"y": 2})
check("assign", js.JSON.stringify(target) == '{"x":1,"y":2}')
check("query", query(document, "body.children[0].id") == "stage")
check("gather", gather(document, "title", "body.children[0].id") == (document.title, "stage"))
check("direct", direct(5) == 5)
calls = []
button = document.createElement("button")
button.addEventListener("click", create_proxy(lambda event: calls.append(event.type)))
button.click()
check("create_proxy listener", calls == ["click"])
try:
    query(document, "body.nothing.x")
    check("query failure names the step", False)
except AttributeError as exc:
    check("query failure names the step", "step 2" in str(exc))

failed = [name for name in checks if name]
window.mainResult = "ok" if not failed else "failed: " + ", ".join(failed)
