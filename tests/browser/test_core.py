"""The worker FFI in each browser engine: every scenario of tests/scenarios/core.py in a Pyodide
and a MicroPython worker (harness.check_scenario); then the page-facing PyWorker API around it."""

from __future__ import annotations

import pytest

from .harness import (
    INTERPRETERS,
    assert_no_leak,
    check_scenario,
    harness_state,
    interrupt_once_started,
    open_harness,
    scenario_names,
    scenario_page,
)

SCENARIOS = scenario_names("core.py")
#: what tests/scenarios/core.py facts() returns in a worker
FACTS = {"in_worker": True, "window_is_scope": True}


@pytest.fixture(scope="module", params=INTERPRETERS)
def core_page(request, browser, tests_server):
    page = scenario_page(browser, tests_server, "/scenarios/core.py", request.param)
    yield page
    page.close()


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario(core_page, name):
    check_scenario(core_page, name)


def test_listener_fires_in_worker_on_real_click(core_page):
    core_page.evaluate("w.sync.run_scenario('scenario_create_proxy_listener')")
    core_page.click("#py-button")
    core_page.wait_for_function(
        "document.querySelector('#py-button')?.textContent === 'clicked 1'", timeout=30)
    assert core_page.evaluate("w.sync.finish_listener()") == 1
    assert_no_leak(core_page)


def test_worker_facts(core_page):
    assert core_page.evaluate("w.sync.facts()") == FACTS


def test_calls_after_wasm_memory_grows(core_page):
    got = core_page.evaluate("w.sync.grow_memory_then_call()")
    if core_page.kind == "pyodide":  # the pinned bytearray's view is taken again, once
        assert got == {"pinned": True, "grew": True, "taken_again": 1, "title": "after growth"}
    else:
        assert got == {"pinned": False, "title": "before growth"}
    assert_no_leak(core_page)


def test_sync_call_errors(core_page):
    missing = core_page.evaluate("w.sync.nope().then(() => null, (e) => e.message)")
    assert "exports no function \"nope\"" in missing and "run_scenario" in missing
    failing = core_page.evaluate(
        "w.sync.run_scenario('no_such_scenario').then(() => null, (e) => e.message)"
    )
    assert "Traceback" in failing and "KeyError" in failing and "no_such_scenario" in failing


@pytest.mark.parametrize("kind", INTERPRETERS)
def test_ready_rejects_with_traceback(browser, tests_server, kind):
    page, state = harness_state(
        browser, f"{tests_server}/browser/pages/harness.html?src=/scenarios/broken.py&type={kind}")
    assert state.startswith("failed:"), state
    assert "Traceback" in state and "ZeroDivisionError" in state and "broken.py" in state
    page.close()


@pytest.mark.parametrize("kind", INTERPRETERS)
def test_terminate_frees_every_handle(browser, tests_server, kind):
    page = open_harness(browser, tests_server, "/scenarios/holder.py", kind=kind)
    held = page.evaluate("w.statistics().liveHandles")
    assert held >= 100, held
    page.evaluate("w.terminate()")
    assert page.evaluate("w.statistics().liveHandles") == 0
    gone = page.evaluate("w.sync.hold().then(() => null, (e) => e.message)")
    assert "terminated" in gone
    page.close()


@pytest.mark.parametrize("kind", INTERPRETERS)
def test_call_times_out_when_main_thread_is_busy(browser, tests_server, kind):
    page = open_harness(browser, tests_server, "/scenarios/timeouts.py", timeout_ms=500, kind=kind)
    result = page.evaluate("w.sync.unclaimed_then_recovers()")
    assert "did not take the call within 0.5 s" in result["unclaimed"], result
    assert result["after"] == "recovered", result
    result = page.evaluate("w.sync.busy_then_recovers()")
    assert "did not answer within 0.5 s" in result["busy"], result
    assert result["after"] == "recovered", result
    page.close()


def test_interrupt_while_waiting_for_the_page(core_page):
    """Both interpreters: the stub's wait wakes, the call raises KeyboardInterrupt, the worker
    carries on."""
    error = interrupt_once_started(core_page, "wait_for_page", "never")
    assert error is not None and "KeyboardInterrupt" in error, error
    assert core_page.evaluate("w.sync.interrupted_count()") >= 1
    assert core_page.evaluate("w.sync.facts()") == FACTS  # still usable
    assert_no_leak(core_page)


def test_interrupt_running_python_on_pyodide(browser, tests_server):
    """Pyodide's interrupt buffer stops pure Python that never calls the page. (Pyodide only:
    MicroPython has no equivalent, docs/conversions.md; there the loop would run on.)"""
    page = open_harness(browser, tests_server, "/scenarios/core.py", kind="pyodide")
    error = interrupt_once_started(page, "spin", "record")
    assert error is not None and "KeyboardInterrupt" in error, error
    assert page.evaluate("w.sync.interrupted_count()") == 1
    assert page.evaluate("w.sync.facts()") == FACTS  # still usable
    page.close()


def test_interrupt_after_terminate_is_a_clear_error(browser, tests_server):
    page = open_harness(browser, tests_server, "/scenarios/core.py")
    message = page.evaluate(
        "() => { w.terminate();"
        " try { w.interrupt(); return null; } catch (e) { return e.message; } }")
    assert "interrupt() on a terminated worker" in message, message
    page.close()
