"""tests/scenarios/conformance.py in each browser engine, in a Pyodide and in a MicroPython worker,
against the JavaScript fixtures of pages/harness.html (harness.check_scenario: leak checks on
Pyodide; the listed MicroPython differences must fail). The same scenarios run under the
CPython host in tests/integration/test_conformance.py."""

from __future__ import annotations

import pytest

from .harness import (
    INTERPRETERS,
    assert_no_leak,
    check_scenario,
    scenario_names,
    scenario_page,
)

SCENARIOS = scenario_names("conformance.py")
ASYNC_SCENARIOS = scenario_names("conformance.py", prefix="async_scenario_")



@pytest.fixture(scope="module", params=INTERPRETERS)
def page(request, browser, tests_server):
    page = scenario_page(browser, tests_server, "/scenarios/conformance.py", request.param)
    yield page
    page.close()


def outcome(page, expression):
    """The value `expression` (a Promise) resolves to, or the message it rejects with."""
    return page.evaluate(
        f"async () => {{ try {{ return {{ value: await {expression} }}; }}"
        " catch (e) { return { error: e.message }; } }")


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario(page, name):
    check_scenario(page, name)


def test_callbacks_called_by_the_page(page):
    page.evaluate("w.sync.lend_callbacks()")
    assert outcome(page, "fixtures.listener(5)") == {"value": 15}
    assert outcome(page, "fixtures.listener(7)") == {"value": 21}
    assert outcome(page, "fixtures.onceListener(1)") == {"value": "once 1"}
    again = outcome(page, "fixtures.onceListener(2)")
    assert "plain function, which JavaScript may call once" in again["error"]
    page.evaluate("() => { window.kept = fixtures.listener; }")
    assert page.evaluate("w.sync.destroy_callbacks()") == 0
    assert "destroy() was called" in outcome(page, "kept(1)")["error"]
    page.evaluate("delete window.kept")
    assert_no_leak(page)


def test_async_exports_are_awaited_in_the_worker(page):
    assert outcome(page, "w.sync.later(21)") == {"value": 42}
    failed = outcome(page, "w.sync.later_fails()")["error"]
    assert "ValueError" in failed and "failed after an await" in failed


@pytest.mark.parametrize("name", ASYNC_SCENARIOS)
def test_async_scenario(page, name):
    """Awaiting page Promises on the worker's event loop, then the leak check."""
    check_scenario(page, name, runner="run_async_scenario")


def test_export_returns_a_page_object_itself(page):
    """An export or callback may return a proxy: the page gets its own object (a Promise
    included: it is not awaited in the worker)."""
    assert page.evaluate("async () => (await w.sync.give_back(document.body)) === document.body")
    assert page.evaluate(
        "async () => { const p = new fixtures.Point(1, 2);"
        " return (await w.sync.give_back(p)) === p; }")
    assert page.evaluate(
        "async () => { const p = new Promise(() => {});"
        " const [back] = await w.sync.give_back([p]); return back === p; }")
    assert_no_leak(page)
