"""tests/scenarios/conformance.py in real Chromium: each scenario in a Pyodide worker and in a
MicroPython worker against the JavaScript fixtures of pages/harness.html. On Pyodide each is
followed by a leak check; on MicroPython, which cannot release proxies, the scenarios listed in
scenarios/micropython_differences.json must fail (each with its reason). The same scenarios run
under the CPython host in tests/integration/test_conformance.py."""

from __future__ import annotations

import json

import pytest

from .harness import SCENARIOS_DIR, open_harness, scenario_names, settle

SCENARIOS = scenario_names("conformance.py")
DIFFERENCES = json.loads((SCENARIOS_DIR / "micropython_differences.json").read_text())
INTERPRETERS = ["pyodide", "micropython"]


@pytest.fixture(scope="module", params=INTERPRETERS)
def page(request, browser, tests_server):
    page = open_harness(browser, tests_server, "/scenarios/conformance.py", kind=request.param)
    page.kind = request.param
    page.baseline = settle(page)
    yield page
    page.close()


def outcome(page, expression):
    """The value `expression` (a Promise) resolves to, or the message it rejects with."""
    return page.evaluate(
        f"async () => {{ try {{ return {{ value: await {expression} }}; }}"
        " catch (e) { return { error: e.message }; } }")


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario(page, name):
    result = outcome(page, f"w.sync.run_scenario({name!r})")
    if page.kind == "micropython" and name in DIFFERENCES:
        assert "error" in result, f"{name} passes on MicroPython now: update the differences"
        return
    assert "error" not in result, result["error"]
    if page.kind == "pyodide":  # MicroPython never releases (see the differences)
        assert settle(page) == page.baseline, "the scenario leaked main-thread handles"


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
    if page.kind == "pyodide":
        assert settle(page) == page.baseline
