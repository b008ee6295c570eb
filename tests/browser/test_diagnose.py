"""Before any worker starts, a page that cannot run one says why and what to do (js_glue/
diagnose.js), in each browser engine. Each condition is forced: a server without the isolation
headers, and harness.html's ?hide=, which takes a feature away before main.js is imported. On
WebKitGTK the real condition, a browser started without JSC_useSharedArrayBuffer=1, is tested too.
"""

from __future__ import annotations

import pytest

from pyscript_ffi.tools.browsers.webkit import WebKit

from .harness import harness_state

MODULE_WORKER_BROWSERS = "Chrome/Edge 80+, Firefox 114+, Safari 15+"


def refusal(browser, base_url, hide="", transport="auto"):
    """Why a harness page's PyWorker did not start (asserting that no worker was created)."""
    query = f"src=/scenarios/core.py&hide={hide}&transport={transport}"
    page, state = harness_state(browser, f"{base_url}/browser/pages/harness.html?{query}")
    try:
        assert state.startswith("failed: "), state
        assert page.evaluate("w.worker") is None, "a worker started before the diagnosis"
        return state
    finally:
        page.close()


def test_a_capable_page_has_no_problem(browser, tests_server):
    page = browser.new_page()
    page.goto(f"{tests_server}/browser/pages/blank.html")
    assert page.evaluate("import('/_ffi/main.js').then((m) => m.diagnose())") is None
    page.close()


def test_page_that_is_not_isolated_names_the_missing_headers(browser, plain_server):
    """Over the shared buffer (transport "shared"); "auto" takes the service worker there
    (tests/browser/test_relay.py), and diagnose() says so."""
    state = refusal(browser, plain_server, transport="shared")
    assert "cross-origin isolated" in state, state
    assert "cross-origin-opener-policy: same-origin" in state
    assert "cross-origin-embedder-policy: require-corp" in state
    page = browser.new_page()
    page.goto(f"{plain_server}/browser/pages/blank.html")
    problems = page.evaluate("import('/_ffi/main.js').then(async (m) =>"
                             " [await m.diagnose(), await m.diagnose('shared')])")
    page.close()
    assert problems[0] is None, problems
    assert "cross-origin-embedder-policy: require-corp" in problems[1], problems


def test_missing_shared_array_buffer_names_the_jsc_switch(browser, tests_server):
    state = refusal(browser, tests_server, "SharedArrayBuffer", transport="shared")
    assert "needs SharedArrayBuffer" in state, state
    assert "although the page is cross-origin isolated" in state
    assert "JSC_useSharedArrayBuffer=1" in state, state


def test_missing_wait_async_is_no_problem_the_page_serves_on_ring_messages(browser, tests_server):
    page, state = harness_state(
        browser, f"{tests_server}/browser/pages/harness.html?src=/scenarios/busy.py&hide=waitAsync")
    try:
        assert state == "ready", state
        assert page.evaluate("w.statistics().serving.wake") == "post"
        assert page.evaluate("w.sync.echo_many('ring', 200)") == 200
    finally:
        page.close()


@pytest.mark.parametrize("hide", ["moduleWorker", "workerThrows"])
def test_missing_module_workers_name_the_browsers_that_have_them(browser, tests_server, hide):
    state = refusal(browser, tests_server, hide)
    assert "cannot start one" in state and MODULE_WORKER_BROWSERS in state, state
    if hide == "workerThrows":  # the browser's own words come along
        assert "module workers are turned off" in state, state


def test_webkit_without_its_shared_memory_switch(tests_server):
    """The condition itself, not a page that hides it: MiniBrowser started without
    JSC_useSharedArrayBuffer=1 is isolated but has no SharedArrayBuffer. Over the shared buffer
    the page names the switch; "auto" runs the worker through the service worker instead."""
    with WebKit(environment={}) as browser:
        page = browser.new_page()
        page.goto(f"{tests_server}/browser/pages/blank.html")
        facts = page.evaluate("({ isolated: crossOriginIsolated, sab: typeof SharedArrayBuffer })")
        assert facts == {"isolated": True, "sab": "undefined"}, facts
        state = refusal(browser, tests_server, transport="shared")
        assert "JSC_useSharedArrayBuffer=1" in state, state
        page, state = harness_state(
            browser, f"{tests_server}/browser/pages/harness.html?src=/scenarios/busy.py")
        assert state == "ready", state
        transport = page.evaluate("w.statistics().transport")
        assert transport["kind"] == "service-worker" and "no SharedArrayBuffer" in transport["why"]
        assert page.evaluate("w.sync.echo_many('no-sab', 100)") == 100
