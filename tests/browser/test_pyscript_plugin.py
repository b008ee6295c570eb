"""Real PyScript (npm @pyscript/core 0.7.31, offline) with pyscript-ffi's plugin added in one line
(js_glue/pyscript-plugin.js; docs/pyscript.md).

tests/browser/pages/pyscript_plugin/page.html runs app.py in a PyScript worker tag: it builds a
table with ``pyscript.web``, displays, and registers a ``when`` click handler. The same page runs
with the plugin and without it (PyScript alone), on Pyodide and MicroPython, in every engine;
the tests click the button in both, and with the plugin prove the worker's DOM calls went
through our channel: its page Channel's statistics() count them, ``pyscript.document`` is our
proxy, and a DOM error keeps its JavaScript name. The terminal and the page that is not
isolated are checked in Chromium only (they read the console, which only Playwright offers, as
test_pyscript_tags.py explains).
"""

from __future__ import annotations

import pytest

from .harness import BOOT_MS, BOOT_S

PAGE = "/browser/pages/pyscript_plugin/page.html"
TYPES = ["py", "mpy"]
STATISTICS = "async () => (await import('/_ffi/pyscript-plugin.js')).statistics()"


def booted(browser, origin, kind, plugin):
    """A page of `browser` (pyscript_ffi.tools.browsers) once app.py's worker is ready."""
    page = browser.new_page()
    page.goto(f"{origin}{PAGE}?type={kind}&plugin={int(plugin)}")
    page.wait_for_function("document.body.dataset.worker === 'ready'", timeout=2 * BOOT_S)
    return page


def click_twice(page):
    for n in (1, 2):
        page.click("#go")
        page.wait_for_function(
            f"document.querySelector('#out').textContent === 'clicked {n} click'", timeout=30)


@pytest.mark.parametrize("kind", TYPES)
def test_pyscript_alone_runs_web_when_and_display(browser, tests_server, kind):
    page = booted(browser, tests_server, kind, plugin=False)
    try:
        assert page.evaluate("document.body.dataset.via") == "pyscript"
        assert page.evaluate("document.body.dataset.rows") == "20"
        assert page.count("#rows tr.seen") == 20
        assert "displayed from the worker" in page.inner_text("body")
        click_twice(page)
        assert not page.errors(), page.errors()
    finally:
        page.close()


@pytest.mark.parametrize("kind", TYPES)
def test_with_the_plugin_the_worker_calls_through_our_channel(browser, tests_server, kind):
    page = booted(browser, tests_server, kind, plugin=True)
    try:
        assert page.evaluate("document.body.dataset.via") == "pyscript-ffi"
        # our typed error: JsException carrying the JS name (PyScript's loses it)
        assert page.evaluate("document.body.dataset.error") == "JsException: SyntaxError"
        assert page.evaluate("document.body.dataset.rows") == "20"
        assert page.count("#rows tr.seen") == 20
        assert "displayed from the worker" in page.inner_text("body")
        if kind == "py":  # the msgpack wheel's C codec, loaded into PyScript's Pyodide
            assert page.evaluate("document.body.dataset.codec") == "msgpack._cmsgpack"
        [before] = page.evaluate(STATISTICS)
        assert before["calls"] > 100, before  # the table alone is well over 100 DOM calls
        click_twice(page)
        [after] = page.evaluate(STATISTICS)
        # each click runs the handler, which reads the event and writes the text: through ours
        assert after["calls"] >= before["calls"] + 4, (before, after)
        assert not page.errors(), page.errors()
    finally:
        page.close()


def open_page(chromium, url):
    """A Playwright page of the session's Chromium that keeps its console lines and errors."""
    page = chromium.new_page()
    page.errors, page.console = [], []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("console", lambda m: page.console.append(f"{m.type}: {m.text}"))
    page.goto(url)
    return page


def test_the_plugin_steps_aside_on_a_page_without_isolation(chromium, plain_server):
    # (no worker can reach this page's DOM at all, PyScript's or ours: SharedArrayBuffer is off)
    page = open_page(chromium, f"{plain_server}{PAGE}?type=py&plugin=1")
    try:
        ready = "async () => (await import('/_ffi/pyscript-plugin.js')).ready"
        assert page.evaluate(ready) is False
        aside = [line for line in page.console if "pyscript-ffi:" in line]
        assert len(aside) == 1, page.console
        assert aside[0].startswith("info: ") and "not cross-origin isolated" in aside[0]
        assert page.evaluate(STATISTICS) == []
    finally:
        page.close()


@pytest.mark.parametrize("plugin", [False, True], ids=["alone", "plugin"])
def test_a_terminal_worker_tag_prints_to_pyscripts_terminal(chromium, tests_server, plugin):
    page = open_page(chromium, f"{tests_server}{PAGE}?type=py&plugin={int(plugin)}&terminal=1")
    try:
        page.wait_for_function("document.body.dataset.worker === 'ready'", timeout=2 * BOOT_MS)
        via = page.evaluate("document.body.dataset.via")
        assert via == ("pyscript-ffi" if plugin else "pyscript")
        page.wait_for_function(
            "document.querySelector('.xterm-rows')?.textContent"
            ".includes('hello from the terminal worker')", timeout=30_000)
        assert not page.errors, page.errors
    finally:
        page.close()
