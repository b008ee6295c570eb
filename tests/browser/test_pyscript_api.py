"""PyScript's Python API on /_ffi/core.js, in real Chromium, one module per test: the pages of
tests/browser/pages/pyscript_api/ run a check module per PyScript module (events_checks.py,
fetch_checks.py, ...) on the page's thread and in a worker, on Pyodide (py.html) and MicroPython
(mpy.html); each writes its facts as JSON into #<module>-<where>, compared here with PyScript
0.7.31's behaviour."""

from __future__ import annotations

import json

import pytest

from .harness import BOOT_MS

TYPES = ["py", "mpy"]
WHERE = ["main", "worker"]
MODULES = ["events", "fetch"]

#: what events_checks.run finds, wherever it runs (PyScript 0.7.31's behaviour)
FACTS = {
    "listeners_once": 2,
    "order": [["first", 1], ["second", 1]],
    "after_remove": [["second", 2]],
    "after_remove_all": 0,
    "not_callable": True,
    "sync_error": "bad listener",
    "stopped_after_error": True,
    "stacked": ["one", "two"],
    "no_argument_handler": ["called"],
    "wrapper_callable": True,
    "async_listeners": ["async", "decorated async"],
    "as_bytearray": ["bytearray", [0, 1, 254, 255]],
    "as_bytearray_empty": 0,
    "is_awaitable": [True, True, True, False, False, False],
    "not_supported": ["thing is not here", "thing is not here", True],
}


@pytest.fixture(scope="module", params=TYPES)
def api_page(request, chromium, tests_server):
    page = chromium.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(f"{tests_server}/browser/pages/pyscript_api/{request.param}.html")
    for module in MODULES:
        for where in WHERE:
            page.wait_for_function(f"document.getElementById('{module}-{where}').textContent",
                                   timeout=2 * BOOT_MS)
    yield page
    page.close()


def facts_of(page, module: str, where: str) -> dict:
    facts = json.loads(page.inner_text(f"#{module}-{where}"))
    assert "error" not in facts, facts["error"]
    return facts


@pytest.mark.parametrize("where", WHERE)
def test_events_and_util(api_page, where):
    facts = facts_of(api_page, "events", where)
    assert facts.pop("in_worker") is (where == "worker")
    prefix = f"{where}-"
    # every button of the class, the element list's `once` handler only once
    assert facts.pop("clicks") == sorted([prefix + "a", prefix + "b", prefix + "c",
                                          prefix + "c", "once " + prefix + "c"])
    assert facts.pop("no_argument") == [1]  # a handler that takes no event gets none
    assert f"#{prefix}none" in facts.pop("no_match")  # the error names the selector
    assert facts.pop("no_selector") is True
    # in a worker, `when` on a selector matching three buttons: one round trip
    assert facts.pop("when_round_trips") == (1 if where == "worker" else None)
    assert facts == FACTS
    assert not api_page.errors, api_page.errors


SAMPLE = '{"name": "pyscript-ffi", "rows": [1, 2, 3]}'  # pages/pyscript_api/data/sample.json


@pytest.mark.parametrize("where", WHERE)
def test_fetch(api_page, where):
    assert facts_of(api_page, "fetch", where) == {
        "ok": True, "status": 200,
        "json": {"name": "pyscript-ffi", "rows": [1, 2, 3]},
        "chained_json": {"name": "pyscript-ffi", "rows": [1, 2, 3]},
        "text": SAMPLE,
        "bytearray": ["bytearray", SAMPLE[:9]],
        "arrayBuffer": ["memoryview", SAMPLE[-3:]],
        "blob_size": len(SAMPLE),
        "head": [200, ""],
        "missing": [False, 404],  # an HTTP error is a response, not an exception
        "network_failure": True,  # the browser's TypeError, raised
    }
