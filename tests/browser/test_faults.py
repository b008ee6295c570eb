"""Faults, in each browser engine: a worker terminated mid-transfer while it holds handles, and a
page reloaded while its worker is mid-call. The page keeps serving, frees what the dead worker
held, leaks nothing."""

from __future__ import annotations

import time

from .harness import BOOT_S, open_harness


def test_terminate_mid_transfer_frees_handles_and_others_keep_working(browser, tests_server):
    page = open_harness(browser, tests_server, "/scenarios/busy.py")
    page.evaluate("""async () => {
        const { PyWorker } = await import('/_ffi/main.js');
        window.other = PyWorker('/scenarios/busy.py');
        await other.ready;
    }""")
    before = page.evaluate("w.statistics().liveHandles")
    assert before >= 50
    # start a long run of chunked 6 MiB round trips, then kill the worker in the middle of it
    # (the page's own timer sees the transfer under way: serving leaves the page's tasks room)
    outcome = page.evaluate("""async () => {
        const churning = w.sync.churn(1000).then(() => 'finished', (e) => e.message);
        while (w.statistics().bytesIn < 20 * 2**20) await new Promise((r) => setTimeout(r, 5));
        w.terminate();
        return await churning;
    }""")
    assert "terminated" in outcome
    assert page.evaluate("w.statistics().liveHandles") == 0
    # the page is responsive and the other worker's calls all come back to it
    assert page.evaluate("other.sync.echo_many('other', 2000)") == 2000
    assert page.evaluate("other.sync.churn(2)") == 2
    page.evaluate("other.terminate()")
    assert page.evaluate("other.statistics().liveHandles") == 0
    page.close()


def test_reload_while_a_worker_is_mid_call(browser, tests_server):
    page = open_harness(browser, tests_server, "/scenarios/busy.py")
    page.evaluate("() => { window.running = w.sync.echo_many('before', 1000000); }")
    page.wait_for_function("w.statistics().calls > 2000", polling=0.05, timeout=60)
    page.reload()
    page.wait_for_function("window.harness !== undefined", timeout=BOOT_S)
    assert page.evaluate("window.harness") == "ready"
    # the new page's worker starts from nothing and works
    assert page.evaluate("w.statistics().liveHandles") >= 50
    assert page.evaluate("w.sync.echo_many('after', 2000)") == 2000
    started = time.monotonic()
    assert page.evaluate("w.sync.churn(1)") == 1
    assert time.monotonic() - started < 60
    page.close()
