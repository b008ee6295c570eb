"""The stress command's verdict (pyscript_ffi/tools/stress.py Outcome.problems): each way a run
can go wrong is named, so the command exits non-zero for it. The runs themselves are in
tests/browser/test_load.py."""

from __future__ import annotations

import dataclasses

from pyscript_ffi.tools.stress import BOOT_SECONDS, HEAP_SLACK_BYTES, Outcome, WorkerLoad

CALLS = 1000


def _worker(i: int, **changes: object) -> WorkerLoad:
    clean = WorkerLoad(f"w{i}", CALLS, CALLS, 0, 0, CALLS, 0, None)
    return dataclasses.replace(clean, **changes)


def _passing(**changes: object) -> Outcome:
    clean = Outcome(
        workers=2, calls=CALLS, leak_calls=5000, booted=True, load_finished=True,
        load_wall_s=1.0, per_worker=(_worker(0), _worker(1)), handles_start=6,
        handles_after_load=6, leak_finished=True, leak_wall_s=1.0, leak_made=5000,
        handles_before_leak=6, handles_after_leak=6, heap_before=2_000_000, heap_after=2_010_000,
        served_calls=7000, handles_issued=7000,
    )
    return dataclasses.replace(clean, **changes)


def test_a_clean_run_passes():
    assert _passing().problems() == []


def test_a_mismatched_reply_fails():
    run = _passing(per_worker=(_worker(0), _worker(1, mismatches=1, error="call 5 got 'w1:4'")))
    assert run.mismatches == 1
    assert any("1 mismatched replies" in p for p in run.problems())


def test_a_lost_or_repeated_request_fails():
    lost = _passing(per_worker=(_worker(0, served=CALLS - 1, out_of_order=1), _worker(1)))
    assert any("page served 999" in p for p in lost.problems())
    assert any("1 requests out of order" in p for p in lost.problems())


def test_a_failed_call_fails():
    run = _passing(per_worker=(_worker(0, replies=10, errors=1, error="call 10: CallTimeout"),
                               _worker(1)))
    assert any("CallTimeout" in p for p in run.problems())


def test_an_unfinished_phase_fails():
    assert any("load did not finish" in p for p in _passing(load_finished=False).problems())
    assert any("leak check did not finish" in p
               for p in _passing(leak_finished=False).problems())
    assert _passing(booted=False).problems() == [
        f"the workers did not start within {BOOT_SECONDS} s"]
    assert _passing(failure="the page did not answer").problems() == ["the page did not answer"]


def test_a_leaked_handle_fails():
    assert _passing(handles_after_leak=7).problems() == [
        "live handles 6 before the leak check, 7 after"]
    assert _passing(handles_after_load=7).problems() == ["live handles 6 before load, 7 after"]


def test_heap_growth_past_the_slack_fails():
    at_limit = _passing(heap_after=2_000_000 + HEAP_SLACK_BYTES)
    assert at_limit.problems() == []
    over = _passing(heap_after=2_000_001 + HEAP_SLACK_BYTES)
    assert any("JS heap grew" in p for p in over.problems())


def test_page_side_errors_fail():
    assert _passing(bad_drops=1).problems() == [
        "the page sent 0 error replies and refused 1 releases"]
