"""PyScript's page features on /_ffi/core.js, in real Chromium, Firefox ESR and WebKitGTK:
`py-*` event attributes on the page's thread, the error box's tracebacks trimmed to the user's
frames (tags on both threads, a PyWorker), and `PyWorker` and `js_import` from Python. The pages
tests/browser/pages/pyscript_page/py.html (Pyodide) and mpy.html (MicroPython) boot once per
engine and interpreter (module fixture); their page's-thread tag starts a PyWorker of the other
interpreter and records what it saw in #facts."""

from __future__ import annotations

import json

import pytest

from .harness import BOOT_S

TYPES = ["py", "mpy"]
OTHER = {"py": "micropython", "mpy": "pyodide"}
#: the error boxes the page shows once its tags ran: two tags' (one per thread) and a PyWorker's
BOXES_AT_LOAD = 3


@pytest.fixture(scope="session", params=["chromium", "firefox", "webkit"])
def engine(request: pytest.FixtureRequest) -> str:
    """Chromium, Firefox ESR and WebKitGTK."""
    return str(request.param)


@pytest.fixture(scope="module", params=TYPES)
def features_page(request, browser, tests_server):
    page = browser.new_page()
    page.kind = request.param
    page.goto(f"{tests_server}/browser/pages/pyscript_page/{request.param}.html")
    page.wait_for_function(
        "document.getElementById('facts').textContent !== ''"
        f" && document.querySelectorAll('div.py-error').length >= {BOXES_AT_LOAD}",
        timeout=2 * BOOT_S)
    yield page
    page.close()


def calls(page, count: int) -> list[list]:
    page.wait_for_function(
        f"JSON.parse(document.getElementById('calls').textContent || '[]').length >= {count}",
        timeout=10)
    return json.loads(page.inner_text("#calls"))


def boxes(page) -> list[str]:
    return page.texts("div.py-error")


def test_event_attributes_call_the_named_function_with_the_event(features_page):
    page = features_page
    kind = page.kind
    # wired before the tags ran: the button was disabled while they ran, enabled after
    assert page.evaluate("document.body.dataset.disabledAtReady") == "true"
    assert page.evaluate("document.getElementById('go').disabled") is False
    before = len(json.loads(page.inner_text("#calls") or "[]"))
    page.click("#go")
    page.click("#dotted")  # handlers.count: a dotted name, followed from the tags' namespace
    page.click("#async")  # an async def handler: its body runs on the loop's next turn
    calls(page, before + 3)
    # any event name: the part after the prefix
    page.evaluate("document.getElementById('custom')"
                  ".dispatchEvent(new CustomEvent('greet', { detail: 'hi' }))")
    assert calls(page, before + 4)[before:] == [
        ["go", "click", "go"], ["dotted", "click"], ["async", "click"], ["custom", "greet", "hi"]]
    # an element added later (by a handler, in Python) is wired too
    page.click("#add")
    page.wait_for_selector("#later", timeout=10)
    page.click("#later")
    assert calls(page, before + 5)[-1] == ["later", "later"]
    before += 1
    # an attribute set later too
    page.evaluate(f"document.getElementById('go').setAttribute('{kind}-dblclick', 'on_go')")
    page.evaluate("document.getElementById('go').dispatchEvent(new MouseEvent('dblclick'))")
    assert calls(page, before + 5)[-1] == ["go", "dblclick", "go"]
    # removing the attribute unwires it
    page.evaluate(f"document.getElementById('go').removeAttribute('{kind}-dblclick')")
    page.evaluate("document.getElementById('go').dispatchEvent(new MouseEvent('dblclick'))")
    page.click("#go")
    assert calls(page, before + 6)[before + 5:] == [["go", "click", "go"]]


def test_event_attribute_errors_show_in_the_box(features_page):
    page = features_page
    kind = page.kind
    count = len(boxes(page))
    page.click("#missing")
    page.wait_for_function(f"document.querySelectorAll('div.py-error').length >= {count + 1}",
                           timeout=10)
    missing = boxes(page)[count]
    assert f'{kind}-click="no_such_handler"' in missing
    assert 'no name "no_such_handler"' in missing and "define `no_such_handler`" in missing
    page.click("#raises")
    page.wait_for_function(f"document.querySelectorAll('div.py-error').length >= {count + 2}",
                           timeout=10)
    raised = boxes(page)[count + 1].strip().splitlines()
    # the handler's own frame only: no frame of the machinery that called it
    assert raised[0] == "Traceback (most recent call last):"
    assert raised[1].startswith('  File "') and "page.py" in raised[1]
    assert raised[1].endswith("in fails_in_handler")
    assert raised[-1] == "ValueError: raised by a py-click handler"
    assert not any("/lib/" in line for line in raised), raised


def frames(box: str) -> list[str]:
    return [line.strip() for line in box.splitlines() if line.startswith('  File "')]


def test_error_boxes_start_at_the_users_frames(features_page):
    page = features_page
    kind = page.kind
    loaded = [box for box in boxes(page) if "raised by the user's code" in box]
    assert len(loaded) == BOXES_AT_LOAD, boxes(page)
    for box in loaded:
        lines = box.strip().splitlines()
        # the traceback alone, as PyScript shows it, with no `failed to start` line before it
        assert lines[0] == "Traceback (most recent call last):", box
        assert lines[-1] == "ValueError: raised by the user's code", box
        assert not any("/lib/" in line or "_base.py" in line for line in lines), box
        assert [f.rsplit(", ", 1)[1] for f in frames(box)] == [
            "in <module>", "in outer", "in inner"], box
    firsts = sorted(frames(box)[0].split('"')[1] for box in loaded)
    main = "<stdin>" if kind == "mpy" else f"/browser/pages/pyscript_page/{kind}.html#{kind}-1"
    # the page's-thread tag, the inline worker tag (named by the page and its id, not a blob:
    # URL), the PyWorker's file
    assert firsts == sorted([
        main, f"/browser/pages/pyscript_page/{kind}.html#{kind}-w0",
        page.evaluate("new URL('child_fails.py', location.href).href")]), firsts


def test_pyworker_from_python(features_page):
    facts = json.loads(features_page.inner_text("#facts"))
    assert facts == {
        # `await worker.ready` gives the worker
        "ready_is_worker": True,
        # its export, which called the page's function lent as worker.sync.double
        "triple": [True, 21, 14],
        # in a worker, PyWorker is a name that refuses, as PyScript's
        "refused_in_worker": "pyscript.PyWorker works only when running in the main thread",
        "bad_type": "PyWorker(type='ruby'): type must be \"pyodide\" or \"micropython\", "
                    "as in PyScript",
        # a failing worker's ready rejects with its error (and shows the box above)
        "failing_ready": "rejected",
        # js_import: the module imported on the page, from the page's thread and a worker
        "js_import": 42,
        "worker_js_import": 42,
        # a PyWorker has no tag to display next to: display() without a target says so
        "display_without_target": True,
    }
