"""Run with the page option allow: ["document", "fixtures"] (see test_reliability.py)."""

from pyscript_ffi import PermissionDenied, document, js, window


def _try(read):
    try:
        read()
        return "ok"
    except PermissionDenied as exc:
        return f"denied: {exc}"


def probe():
    return {
        "document": _try(lambda: document.title),
        "fixtures": _try(lambda: js.fixtures.obj.a),
        "window": window,
        "localStorage": _try(lambda: js.localStorage),
        "fetch()": _try(lambda: js.fetch("/")),  # a method call on the scope: one CALL_METHOD
        "defaultView": _try(lambda: document.defaultView),
    }


__export__ = ["probe"]
