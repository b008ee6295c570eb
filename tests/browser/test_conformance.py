"""tests/scenarios/conformance.py in real Chromium: each scenario in one Pyodide worker against
the JavaScript fixtures of pages/harness.html, each followed by a leak check. The same scenarios
run under the CPython host in tests/integration/test_conformance.py."""

from __future__ import annotations

import pytest

from .harness import open_harness, scenario_names, settle

SCENARIOS = scenario_names("conformance.py")


@pytest.fixture(scope="module")
def page(browser, tests_server):
    page = open_harness(browser, tests_server, "/scenarios/conformance.py")
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
    assert "error" not in result, result["error"]
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
    assert settle(page) == page.baseline
