"""Faults of a site made by ``pyscript-ffi build`` while it runs: its service worker replaced by
a new version, or unregistered, while a worker is in the middle of its calls; Cache Storage too
full to keep Pyodide's snapshot. Each time the page runs on, loses no call, starts new workers,
and says what happened once on its console.

Chromium only: these tests use what only Playwright offers (a context per test, a CDP session
for the origin's storage quota), which the engine-neutral driver of pyscript_ffi/tools/browsers
does not; the `chromium` fixture is the session's Chromium.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pyscript_ffi.build import build

from .harness import BOOT_MS
from .static_hosts import static_host

APP = Path(__file__).parent / "pages" / "app"
#: checked DOM round trips a worker is in the middle of when the fault comes
CALLS = 3000
LOOP = '''
from pyscript_ffi import document


def calls(n):
    """n checked DOM round trips."""
    p = document.getElementById("source")
    for i in range(n):
        p.dataset.n = str(i)
        if p.dataset.n != str(i):
            raise AssertionError(f"call {i} read back {p.dataset.n}")
    return n


__export__ = ["calls"]
'''
UPDATED = "a new version of this site's service worker took over"


@pytest.fixture
def site_root(tmp_path) -> Path:
    """A folder whose sub-path /project/ is the built app, with a worker of checked calls."""
    app = tmp_path / "app"
    shutil.copytree(APP, app)
    (app / "loop.py").write_text(LOOP)
    build(app, tmp_path / "host" / "project", warn=lambda line: None)
    return tmp_path / "host"


def _open(chromium, url: str):
    """A fresh context's page on the site, isolated (through the service worker's one reload
    if the host sends no headers), its Pyodide app worker done; (context, page, console)."""
    context = chromium.new_context()
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    page.goto(url)
    page.wait_for_function("window.results && window.results.pyodide", timeout=BOOT_MS)
    assert page.evaluate("window.results.pyodide").startswith("ok:"), page.evaluate("results")
    assert page.evaluate("crossOriginIsolated") is True
    return context, page, console


START_CALLS = """async (n) => {
    const { PyWorker } = await import("./_ffi/main.js");
    window.PyWorker = PyWorker;
    const w = PyWorker("./loop.py");
    await w.ready;
    window.loopCalls = w.sync.calls(n).then((r) => r, (e) => `error: ${e.message}`);
    await new Promise((r) => setTimeout(r, 300));  // the worker is in the middle of its calls
}"""
# after the fault: the calls under way all come back, and a worker started now runs too
FINISH = """async (n) => {
    const done = await window.loopCalls;
    const w = window.PyWorker("./loop.py");
    await w.ready;
    return { done, again: await w.sync.calls(n).then((r) => r, (e) => `error: ${e.message}`) };
}"""


def test_a_new_service_worker_taking_over_mid_session_loses_nothing(chromium, site_root):
    with static_host(site_root, headers=False) as origin:
        context, page, console = _open(chromium, f"{origin}/project/?run=pyodide")
        try:
            page.evaluate(START_CALLS, CALLS)
            script = site_root / "project" / "coi-serviceworker.js"
            script.write_text(script.read_text() + "\n// a new version\n")
            took_over = page.evaluate("""async () => {
                const container = navigator.serviceWorker;
                const before = container.controller.scriptURL;
                const changed = new Promise(
                    (r) => container.addEventListener("controllerchange", r, { once: true }));
                await (await container.getRegistration()).update();
                await Promise.race([changed, new Promise((r) => setTimeout(r, 20000))]);
                return container.controller !== null && container.controller.scriptURL === before;
            }""")
            assert took_over, "the new version did not take over"
            assert page.evaluate(FINISH, 100) == {"done": CALLS, "again": 100}
            assert page.evaluate("crossOriginIsolated") is True
        finally:
            context.close()
    said = [line for line in console if UPDATED in line]
    assert len(said) == 1, console
    assert not [line for line in console if line.startswith(("error", "pageerror"))], console


def test_a_service_worker_unregistered_mid_session_loses_nothing(chromium, site_root):
    with static_host(site_root, headers=False) as origin:
        context, page, console = _open(chromium, f"{origin}/project/?run=pyodide")
        try:
            loads: list[str] = []
            page.on("load", lambda _: loads.append(page.url))
            page.evaluate(START_CALLS, CALLS)
            assert page.evaluate(
                "async () => (await navigator.serviceWorker.getRegistration()).unregister()")
            assert page.evaluate(FINISH, 100) == {"done": CALLS, "again": 100}
            # the worker started after it (which would have been refused: its scripts came
            # without the isolation headers) registered it again, so a reload needs no second
            page.reload()
            page.wait_for_function("window.results && window.results.pyodide", timeout=BOOT_MS)
            assert page.evaluate("window.results.pyodide").startswith("ok:")
            assert page.evaluate("crossOriginIsolated") is True
            assert len(loads) == 1, loads
        finally:
            context.close()
    said = [line for line in console if "was unregistered while the page ran" in line]
    assert len(said) == 1 and said[0].startswith("warning"), console
    assert not [line for line in console if line.startswith(("error", "pageerror"))], console


def test_cache_storage_too_full_for_the_snapshot_says_so_once(chromium, site_root):
    with static_host(site_root, headers=True) as origin:
        context = chromium.new_context()
        try:
            page = context.new_page()
            console: list[str] = []
            page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
            # the origin's real quota, 1 MB: the ~31 MB snapshot cannot be kept
            cdp = context.new_cdp_session(page)
            cdp.send("Storage.overrideQuotaForOrigin", {"origin": origin, "quotaSize": 1_000_000})
            page.goto(f"{origin}/project/?run=pyodide")
            page.wait_for_function("window.results && window.results.pyodide", timeout=BOOT_MS)
            assert page.evaluate("window.results.pyodide").startswith("ok:")
            outcome = page.evaluate("""async () => {
                const { PyWorker } = await import("./_ffi/main.js");
                const runs = [];
                for (let i = 0; i < 2; i++) {
                    const w = PyWorker("./loop.py");
                    await w.ready;
                    runs.push([await w.sync.calls(50), w.statistics().snapshot]);
                    w.terminate();
                }
                const kept = await (await caches.open("pyscript-ffi")).keys();
                return { runs, kept: kept.length };
            }""")
        finally:
            context.close()
    # every boot took the long way (made a snapshot it could not keep), and each worker ran
    assert outcome == {"runs": [[50, "made"], [50, "made"]], "kept": 0}, outcome
    said = [line for line in console if "could not be kept in Cache Storage" in line]
    assert len(said) == 1 and "QuotaExceededError" in said[0], console
    assert not [line for line in console if line.startswith(("error", "pageerror"))], console
