"""The pyscript.ffi API in each browser engine: every scenario of tests/scenarios/api.py in a
Pyodide and a MicroPython worker (harness.check_scenario), callbacks called by the page, and
PyMain on the page's thread."""

from __future__ import annotations

import pytest

from .harness import (
    INTERPRETERS,
    check_scenario,
    harness_state,
    scenario_names,
    scenario_page,
)

SCENARIOS = scenario_names("api.py")


@pytest.fixture(scope="module", params=INTERPRETERS)
def api_page(request, browser, tests_server):
    page = scenario_page(browser, tests_server, "/scenarios/api.py", request.param)
    yield page
    page.close()


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario(api_page, name):
    check_scenario(api_page, name)


def test_callbacks_called_by_the_page(api_page):
    api_page.evaluate("w.sync.setup_callbacks()")
    result = api_page.evaluate("""async () => {
        const once = fixtures.onceFn, kept = fixtures.keptFn;
        const out = { first: await once(21), kept: [await kept(2), await kept(3)],
                      greet: await fixtures.api.greet("page"),
                      pyscript: await fixtures.pyscriptFn("the page") };
        out.second = await once(1).then(() => "no error", (e) => e.message);
        out.left = await w.sync.destroy_kept();
        out.destroyed = await kept(1).then(() => "no error", (e) => e.message);
        return out;
    }""")
    assert result["first"] == 42 and result["kept"] == [6, 9] and result["greet"] == "hello page"
    assert result["pyscript"] == "called by the page"  # pyscript.ffi.create_proxy's, from JS
    assert "plain function" in result["second"] and "create_proxy" in result["second"]
    assert "destroy()" in result["destroyed"]
    assert result["left"] == 0, "callbacks stayed in the worker's table"


def test_python_callback_errors_reject_with_traceback(api_page):
    message = api_page.evaluate("""async () => {
        await w.sync.setup_callbacks();
        const f = fixtures.keptFn;
        try { return await f(null); } catch (e) { return e.message; }
        finally { await w.sync.destroy_kept(); }
    }""")
    assert "Traceback" in message and "TypeError" in message


def test_pymain_runs_python_on_the_page_thread(browser, tests_server):
    page, state = harness_state(
        browser, f"{tests_server}/browser/pages/main.html?src=/scenarios/main_thread.py")
    assert state == "ready", state
    assert page.evaluate("window.mainResult") == "ok"
    page.close()
