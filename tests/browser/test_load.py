"""Load and leaks in real Chromium, through the stress command's own code
(pyscript_ffi/tools/stress.py).

8 Pyodide workers make 5,000 calls each at once against the one main thread: every reply must
come back to its own caller (the worker checks the tag and sequence number it gets back, the page
checks each worker's requests arrive once each, in order). Then 100,000 calls that each create a
JS object and a proxy, dropped in batches: the page's live handles must come back to their
baseline exactly and its JS heap within stress.HEAP_SLACK_BYTES. The full-size run is
``python -m pyscript_ffi stress`` (docs/reliability.md).

Chromium only, by nature: stress.measure launches its own Chromium, not the session's: the heap
check needs Chromium's flags --enable-precise-memory-info and --js-flags=--expose-gc
(performance.memory and gc() exist in no other engine). It runs in a thread of its own, because
Playwright's sync API refuses to start inside the thread where the session's browser runs.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from pyscript_ffi.tools import stress

WORKERS, CALLS, LEAK_CALLS = 8, 5_000, 100_000


@pytest.fixture(scope="module")
def outcome() -> stress.Outcome:
    return in_own_thread(stress.measure, WORKERS, CALLS, LEAK_CALLS)


def in_own_thread(fn, *args):
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, *args).result()


def test_every_phase_finished(outcome):
    assert outcome.failure is None, outcome.failure
    assert outcome.booted and outcome.load_finished and outcome.leak_finished


def test_every_reply_reaches_its_own_caller(outcome):
    assert [w.tag for w in outcome.per_worker] == [f"w{i}" for i in range(WORKERS)]
    for w in outcome.per_worker:
        assert (w.calls, w.replies, w.served) == (CALLS, CALLS, CALLS), w
        assert (w.mismatches, w.out_of_order, w.errors, w.error) == (0, 0, 0, None), w
    assert outcome.total_calls == WORKERS * CALLS
    assert outcome.mismatches == 0


def test_handles_return_to_baseline_exactly(outcome):
    assert outcome.leak_made == LEAK_CALLS and outcome.leak_errors == ()
    # every create-and-drop call had a fresh handle, so the check really churned the table
    assert outcome.handles_issued >= LEAK_CALLS
    assert outcome.handles_start > 0
    assert outcome.handles_after_load == outcome.handles_start
    assert outcome.handles_before_leak == outcome.handles_start
    assert outcome.handles_after_leak == outcome.handles_before_leak


def test_heap_returns_near_baseline(outcome):
    assert outcome.heap_before > 0 and outcome.heap_after > 0
    assert outcome.heap_growth <= stress.HEAP_SLACK_BYTES, (
        f"the main thread's JS heap grew {outcome.heap_growth} bytes over {LEAK_CALLS} calls")


def test_page_answered_everything_without_error(outcome):
    assert outcome.served_calls >= WORKERS * CALLS + LEAK_CALLS
    assert (outcome.error_replies, outcome.bad_drops) == (0, 0)
    assert outcome.problems() == []


def test_command_prints_figures_and_exits_zero(capsys):
    argv = ["--workers", "2", "--calls", "500", "--leak-calls", "2000"]
    assert in_own_thread(stress.main, argv) == 0
    printed = capsys.readouterr().out
    assert "load: 1000 calls" in printed and "mismatches: 0 (" in printed
    assert "), errors: 0" in printed
    assert printed.rstrip().endswith("PASS")
