"""Bad input and page policy in each browser engine: malformed frames never hang or crash the
page, and a worker cannot pollute built-in prototypes or reach what the page did not allow."""

from __future__ import annotations

import pytest

from .harness import (
    BOOT_S,
    INTERPRETERS,
    check_scenario,
    harness_state,
    scenario_names,
    scenario_page,
)

SCENARIOS = scenario_names("safety.py")
BAD_REQUEST = "3"


def test_page_answers_every_malformed_frame_and_keeps_serving(browser, tests_server):
    page = browser.new_page()
    page.goto(f"{tests_server}/browser/pages/fuzz.html?cases=5000&seed=7")
    page.wait_for_function("window.result !== undefined", timeout=BOOT_S)
    tally = page.evaluate("window.result")
    assert "error" not in tally, tally
    assert tally["failures"] == [], tally["failures"]
    assert tally["sent"] > 5000
    assert sum(tally["statuses"].values()) == tally["sent"]
    assert tally["statuses"][BAD_REQUEST] > 4500, tally["statuses"]
    assert tally["afterwards"] == "serving"
    assert page.evaluate("channel.statistics().liveHandles") <= 5  # a few valid GETs lent objects
    # refused headers count as calls but not as bytes (they once made bytesIn NaN)
    assert page.evaluate("Number.isFinite(channel.statistics().bytesIn)")
    page.close()


@pytest.fixture(scope="module", params=INTERPRETERS)
def safety_page(request, browser, tests_server):
    page = scenario_page(browser, tests_server, "/scenarios/safety.py", request.param)
    yield page
    page.close()


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario(safety_page, name):
    check_scenario(safety_page, name)


def test_nothing_polluted_the_page(safety_page):
    polluted = "'polluted' in {} || 'polluted' in [] || 'polluted' in document.body"
    assert safety_page.evaluate(polluted) is False


def test_another_workers_handle_is_refused(safety_page, browser):
    handle = safety_page.evaluate("w.sync.lend_handle()")
    safety_page.evaluate("""async () => {
        const { PyWorker } = await import('/_ffi/main.js');
        window.w2 = PyWorker('/scenarios/safety.py');
        await window.w2.ready;
    }""")
    message = safety_page.evaluate("(h) => w2.sync.use_foreign_handle(h)", handle)
    assert "not live" in message and "another worker" in message
    safety_page.evaluate("w2.terminate()")


def test_allow_list_limits_what_a_worker_reaches(browser, tests_server):
    page, state = harness_state(
        browser,
        f"{tests_server}/browser/pages/harness.html?src=/scenarios/allow.py&allow=document,fixtures")
    assert state == "ready", state
    assert page.evaluate("w.sync.probe()") == {
        "document": "ok", "fixtures": "ok", "window": None,
        "localStorage": "denied: this page does not let workers reach \"localStorage\" "
                        "(PyWorker option allow: [document, fixtures])",
        "fetch()": "denied: this page does not let workers reach \"fetch\" "
                   "(PyWorker option allow: [document, fixtures])",
        "defaultView": "denied: this page does not let workers hold the global scope "
                       "(PyWorker option allow)",
    }
    page.close()
