"""The chaos run (pyscript_ffi/tools/chaos.py) at CI size, in Chromium: Pyodide and MicroPython
workers make checked calls while the page interrupts one, terminates and replaces another, and
busies its thread 50-500 ms at a time; one of each interpreter is left alone. Nothing lost or
mismatched, every interrupt raised, handles back to their baselines, no page error. Chromium
only: what is tested is the workers' and the page's bookkeeping, the same in every engine. The
long run is ``python -m pyscript_ffi chaos`` (docs/reliability.md)."""

from __future__ import annotations

import threading

import pytest

from pyscript_ffi.server import make_server
from pyscript_ffi.tools import chaos

SECONDS = 8


@pytest.fixture(scope="module")
def result(browsers):
    server = make_server(chaos.ASSETS)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = browsers("chromium").new_page()
    try:
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/chaos.html")
        yield chaos.drive(page, pyodide=2, micropython=2, seconds=SECONDS, seed=3)
    finally:
        page.close()
        server.shutdown()
        server.server_close()


def test_nothing_lost_mismatched_or_leaked(result):
    assert chaos.problems(result) == [], chaos.report(result)


def test_the_chaos_happened(result):
    roles = {w["role"] for w in result["workers"]}
    assert roles == {"calm", "interrupted", "replaced"}, chaos.report(result)
    assert result["interruptsSent"] > 0 and result["terminated"] > 0 and result["busyTimes"] > 0
    assert sum(w["raised"] for w in result["workers"]) == result["interruptsSent"]
    assert all(w["calls"] > 100 for w in result["workers"]), chaos.report(result)
