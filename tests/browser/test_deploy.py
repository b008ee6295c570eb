"""A site made by ``pyscript-ffi build``, served from a sub-path by plain static servers.

With no isolation headers (GitHub Pages, ``python -m http.server``), the build's service worker
makes the page cross-origin isolated after exactly one reload; with the headers (as Netlify,
Cloudflare Pages or Vercel send them from the build's header files), no reload happens. Either
way both workers drive the DOM. Where no service worker may run, ``ready`` rejects with the cause
and the fix, and a page opened from a file says what to do.

Chromium only for now, but for the last test: these tests use what only Playwright offers
(locators, a browser context that blocks service workers), which the engine-neutral driver of
pyscript_ffi/tools/browsers does not; the `chromium` fixture is the session's Chromium.
"""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from pyscript_ffi.build import build

from .harness import BOOT_MS, BOOT_S
from .static_hosts import static_host

APP = Path(__file__).parent / "pages" / "app"
KINDS = ("pyodide", "micropython")


@pytest.fixture(scope="module")
def site_root(tmp_path_factory) -> Path:
    """A folder whose sub-path /project/ is the built app."""
    root = tmp_path_factory.mktemp("host")
    build(APP, root / "project", warn=lambda line: None)
    return root


def run_app(chromium, url: str, *, service_workers: str = "allow") -> tuple[dict, int, bool]:
    """Open the app; its results once every worker has ended, the number of times the page
    loaded, and whether it ended cross-origin isolated."""
    context = chromium.new_context(service_workers=service_workers)
    try:
        page = context.new_page()
        loads = []
        page.on("load", lambda _: loads.append(page.url))
        page.goto(url)
        page.wait_for_function(
            f"window.results && {len(KINDS)} === Object.keys(window.results).length",
            timeout=BOOT_MS)
        return page.evaluate("window.results"), len(loads), page.evaluate("crossOriginIsolated")
    finally:
        context.close()


def test_the_plain_server_sends_no_isolation_headers_and_the_right_types(site_root):
    with static_host(site_root, headers=False) as origin:
        for path, mime in (("_ffi/pyodide/pyodide.mjs", "text/javascript"),
                           ("_ffi/pyodide/pyodide.asm.wasm", "application/wasm"),
                           ("_ffi/micropython/micropython.wasm", "application/wasm")):
            with urllib.request.urlopen(f"{origin}/project/{path}", timeout=10) as response:
                assert response.headers["Content-Type"].startswith(mime), path
                assert response.headers["Cross-Origin-Embedder-Policy"] is None


def test_without_headers_the_service_worker_isolates_after_one_reload(chromium, site_root):
    with static_host(site_root, headers=False) as origin:
        results, loads, isolated = run_app(chromium, f"{origin}/project/")
    assert results == {kind: f"ok: {kind} read: from the page" for kind in KINDS}
    assert isolated is True
    assert loads == 2, "one load, then the service worker's one reload"


def test_with_headers_no_reload_is_needed(chromium, site_root):
    with static_host(site_root, headers=True) as origin:
        results, loads, isolated = run_app(chromium, f"{origin}/project/")
    assert results == {kind: f"ok: {kind} read: from the page" for kind in KINDS}
    assert isolated is True
    assert loads == 1


def test_a_built_site_runs_its_workers_on_the_service_worker_transport(chromium, site_root):
    """On a host without headers, with transport "service-worker" (where a page that cannot be
    isolated ends up): no reload, the page stays unisolated, and both workers run through the
    site's one service worker (coi-serviceworker.js, which carries the relay's), one
    registration for the site's scope."""
    with static_host(site_root, headers=False) as origin:
        context = chromium.new_context()
        try:
            page = context.new_page()
            loads = []
            page.on("load", lambda _: loads.append(page.url))
            page.goto(f"{origin}/project/?transport=service-worker")
            page.wait_for_function(
                f"window.results && {len(KINDS)} === Object.keys(window.results).length",
                timeout=BOOT_MS)
            results = page.evaluate("window.results")
            facts = page.evaluate(
                """async () => ({
                  isolated: crossOriginIsolated,
                  kinds: Object.values(window.workers).map((w) => w.statistics().transport.kind),
                  registrations: (await navigator.serviceWorker.getRegistrations())
                    .map((r) => [r.scope, r.active.scriptURL]),
                })""")
        finally:
            context.close()
    assert results == {kind: f"ok: {kind} read: from the page" for kind in KINDS}
    assert loads == [f"{origin}/project/?transport=service-worker"], loads
    assert facts["isolated"] is False
    assert facts["kinds"] == ["service-worker"] * len(KINDS), facts
    assert facts["registrations"] == [
        [f"{origin}/project/", f"{origin}/project/coi-serviceworker.js"]], facts


def test_where_no_service_worker_may_run_ready_names_cause_and_fix(chromium, site_root):
    with static_host(site_root, headers=False) as origin:
        results, loads, isolated = run_app(chromium, f"{origin}/project/", service_workers="block")
    assert isolated is False and loads == 1
    for kind in KINDS:
        message = results[kind]
        assert message.startswith("error: pyscript-ffi: this page is not cross-origin isolated")
        assert "service worker" in message, message
        assert "_headers" in message and "vercel.json" in message, message


def test_a_page_opened_from_a_file_says_to_serve_it(chromium, site_root):
    page = chromium.new_page()
    try:
        page.goto((site_root / "project" / "index.html").as_uri())
        note = page.wait_for_selector("#pyscript-ffi-file-note", timeout=10_000)
        assert "file://" in note.text_content() and "http.server" in note.text_content()
    finally:
        page.close()


#: starts workers on a built site's page: three one after another (each terminated once ready),
#: then four at once; how each ended
MORE_WORKERS = """async () => {
    const { PyWorker } = await import('./_ffi/main.js');
    const transport = new URLSearchParams(location.search).get('transport') ?? 'auto';
    const start = () => PyWorker('./app.py', { type: 'micropython', transport });
    const outcome = (w) => w.ready.then(() => w.statistics().transport.kind, (e) => e.message)
        .finally(() => w.terminate());
    const inRow = [];
    for (let i = 0; i < 3; i++) inRow.push(await outcome(start()));
    const atOnce = await Promise.all([1, 2, 3, 4].map(() => outcome(start())));
    return { inRow, atOnce };
}"""


@pytest.mark.parametrize("transport", ["shared", "service-worker"])
def test_every_worker_of_a_page_its_service_worker_controls_starts(browser, site_root, transport):
    """A built site on a host without headers, isolated by its service worker (shared) or on its
    relay (service-worker), in each engine: workers started one after another and at once all
    run. WebKitGTK loads a worker whose URL the page started one from before without the service
    worker (so without the isolation headers): until each worker started from a copy of the URL
    the page never used (js_glue/relay.js controlledWorkerScript), every other worker in a row
    and 1 of 6 at once failed there, "the worker failed: undefined"."""
    with static_host(site_root, headers=False) as origin:
        page = browser.new_page()
        try:
            page.goto(f"{origin}/project/index.html?run=micropython&transport={transport}")
            isolated = "true" if transport == "shared" else "false"
            page.wait_for_function(f"crossOriginIsolated === {isolated} && window.results"
                                   " && Object.keys(window.results).length === 1",
                                   timeout=BOOT_S)
            assert page.evaluate("window.results") == {
                "micropython": "ok: micropython read: from the page"}
            got = page.evaluate(MORE_WORKERS)
        finally:
            page.close()
    assert got == {"inRow": [transport] * 3, "atOnce": [transport] * 4}, got
