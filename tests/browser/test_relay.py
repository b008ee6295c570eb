"""The "service-worker" transport (js_glue/relay.js): a page that is not cross-origin isolated
runs its workers synchronously through our service worker, in each browser engine."""

from __future__ import annotations

import pytest

from .harness import INTERPRETERS, harness_state


def relay_page(browser, base_url, src, kind="pyodide", timeout_ms=30_000, transport="auto"):
    query = f"src={src}&timeout={timeout_ms}&type={kind}&transport={transport}"
    page, state = harness_state(browser, f"{base_url}/browser/pages/harness.html?{query}")
    assert state == "ready", f"{src} did not start: {state}\npage errors: {page.errors()}"
    return page


@pytest.mark.parametrize("kind", INTERPRETERS)
def test_a_page_without_isolation_runs_its_worker_through_the_service_worker(browser, plain_server, kind):
    page = relay_page(browser, plain_server, "/scenarios/busy.py", kind)
    try:
        assert page.evaluate("crossOriginIsolated") is False
        assert page.evaluate("w.sync.echo_many('relay', 200)") == 200
        transport = page.evaluate("w.statistics().transport")
        assert transport["kind"] == "service-worker", transport
        assert "not cross-origin isolated" in transport["why"], transport
    finally:
        page.close()
