"""Helpers for tests that drive tests/browser/pages/harness.html: one PyWorker per page, in any
engine (`browser` is a pyscript_ffi.tools.browsers.Browser: conftest's fixture gives each in
turn)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

#: seconds a page has to start its worker (WebKit boots Pyodide in ~9 s on an idle machine,
#: several times that on a loaded one)
BOOT_S = 240
#: the same in ms, for Playwright's waits
BOOT_MS = BOOT_S * 1000
SCENARIOS_DIR = Path(__file__).parents[1] / "scenarios"
#: the interpreters every scenario file runs on, in a worker each
INTERPRETERS = ["pyodide", "micropython"]
#: scenarios that cannot pass on MicroPython, with the reason (also read by tests/js)
MICROPYTHON_DIFFERENCES = json.loads((SCENARIOS_DIR / "micropython_differences.json").read_text())


def scenario_names(filename: str, prefix: str = "scenario_") -> list[str]:
    """The `scenario_*` functions of tests/scenarios/`filename`, one pytest case each (with
    prefix "async_scenario_": its async ones)."""
    tree = ast.parse((SCENARIOS_DIR / filename).read_text())
    kind = ast.AsyncFunctionDef if prefix.startswith("async") else ast.FunctionDef
    return [node.name for node in tree.body
            if isinstance(node, kind) and node.name.startswith(prefix)]


def harness_state(browser, url):
    """A new page at `url` (a harness page), and what became of its worker: "ready" or
    "failed: <why>"."""
    page = browser.new_page()
    page.goto(url)
    page.wait_for_function("window.harness !== undefined", timeout=BOOT_S)
    return page, page.evaluate("window.harness")


def open_harness(browser, base_url, src, timeout_ms=30_000, kind="pyodide"):
    """A harness page whose worker (`kind`: pyodide or micropython) runs `src`, once ready."""
    query = f"src={src}&timeout={timeout_ms}&type={kind}"
    page, state = harness_state(browser, f"{base_url}/browser/pages/harness.html?{query}")
    assert state == "ready", f"{src} did not start: {state}\npage errors: {page.errors()}"
    return page


def settle(page) -> int:
    """Live main-thread handles once the worker has collected and returned its drops."""
    return page.evaluate(
        "async () => { await w.sync.settle(); return w.statistics().liveHandles; }")


def scenario_page(browser, base_url, src, kind):
    """A harness page for a module-scoped fixture: `kind`'s worker runs `src`; `page.kind` and
    `page.baseline` (its live handles at the start) are set."""
    page = open_harness(browser, base_url, src, kind=kind)
    page.kind = kind
    page.baseline = settle(page)
    return page


def check_scenario(page, name, runner="run_scenario"):
    """Run scenario `name` in the page's worker. It must pass, then leave no main-thread handle
    behind; on MicroPython a listed difference must fail instead, and the handle check is left
    out (its proxies are released when MicroPython's and the worker's collectors both ran)."""
    error = page.evaluate(
        "async ([runner, name]) => { try { await w.sync[runner](name); return null; }"
        " catch (e) { return e.message; } }",
        [runner, name],
    )
    if page.kind == "micropython" and name in MICROPYTHON_DIFFERENCES:
        assert error is not None, f"{name} passes on MicroPython now: update the differences"
        return
    assert error is None, error
    assert_no_leak(page)


def assert_no_leak(page):
    """The page's live handles are back to its baseline (checked on Pyodide: a MicroPython
    worker releases only once its own and the worker's JS collectors have both run)."""
    if page.kind == "pyodide":
        assert settle(page) == page.baseline, "main-thread handles leaked"


#: Calls export `name` of tests/scenarios/core.py, waits until the page's function `hook` (a
#: name in window.fixtures) was called by it, then `ms` more, then interrupts the worker; the
#: call's error message, or null if it returned. The export calls `hook` inside its `try`: an
#: interrupt sent after a fixed delay from the call instead could land before the try (a loaded
#: machine, or the relay, can start a call late), be raised from the call itself and never be
#: counted by the export. The `ms` after the hook let the worker reach its wait (or loop), the
#: place the test means; if it is not there yet, the interrupt is still raised in the try. An
#: interrupt not raised within 60 s ends the wait with a message saying so.
INTERRUPT_ONCE_STARTED = """async ([name, hook, ms]) => {
    const real = fixtures[hook];
    const started = new Promise((resolve) => {
        fixtures[hook] = (...args) => { resolve(); return real(...args); };
    });
    const call = w.sync[name]();
    const ended = call.then(() => {}, () => {});
    try { await Promise.race([started, ended]); } finally { fixtures[hook] = real; }
    await new Promise((r) => setTimeout(r, ms));
    w.interrupt();
    const late = new Promise((r) => setTimeout(r, 60000)).then(() => "not raised within 60 s");
    try { return await Promise.race([call.then(() => null), late]); }
    catch (e) { return e.message; }
}"""


def interrupt_once_started(page, name: str, hook: str, ms: int = 300) -> str | None:
    """Run INTERRUPT_ONCE_STARTED in the page: export `name`, interrupted `ms` after it called
    the page's fixtures[`hook`]."""
    return page.evaluate(INTERRUPT_ONCE_STARTED, [name, hook, ms])
