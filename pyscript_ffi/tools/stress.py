"""``python -m pyscript_ffi stress``: many workers calling one main thread, then a leak check.

One headless Chromium, one page, N Pyodide workers served by the page's one main thread:

1. load: every worker makes M calls at once of a page function that echoes the worker's tag and
   the call's sequence number; the worker checks each reply is its own call's, the page checks
   each worker's requests arrive once each, in order.
2. leak: the workers make L calls in all that each create a JS object and a new proxy for it,
   dropping the proxies in batches; afterwards the page's live handles must be back to their
   baseline exactly, and its JS heap (after gc()) within HEAP_SLACK_BYTES of its baseline.

Prints the figures and exits 1 if any reply was lost, mismatched or late, any handle leaked, the
heap grew past the slack, or a phase did not finish within its deadline.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .bench import _cores
from .served import chromium_page

ASSETS = Path(__file__).with_name("stress_assets")
#: bench's flags, plus exact heap figures (performance.memory is coarse without the first) and
#: a page-visible gc() so the heap is measured after a full collection
PROFILING_ARGS = ["--enable-precise-memory-info", "--js-flags=--expose-gc"]
#: How far the main thread's JS heap may end above its baseline, after gc(), and still pass.
#: It does not come back to the byte: V8 keeps code and inline-cache feedback made during the
#: run, and hash tables (the handle table's maps) keep spare capacity. Measured here: +6 KB
#: after 100,000 create-and-drop calls, +14 KB after 1,000,000. The smallest leak we could
#: plant, one small integer kept in an array per call (4 bytes, pointer compression), grew it
#: +430 KB over 100,000 calls. 256 KiB is 18x the noise of the full run and still catches that
#: leak at the test's 100,000 calls (docs/reliability.md).
HEAP_SLACK_BYTES = 256 * 1024
WARMUP_CALLS = 1_000  # per worker, create-and-drop calls before the heap baseline
BOOT_SECONDS = 240
CALL_TIMEOUT_MS = 30_000  # a worker's wait for one reply (PyWorker option timeout)


def phase_seconds(calls: int) -> float:
    """A phase's deadline: a minute, plus 1 ms a call (the run measures 10 or more times faster)."""
    return 60 + calls / 1000


@dataclass(frozen=True)
class WorkerLoad:
    """One worker's load calls, as the worker and the page counted them."""

    tag: str
    calls: int
    replies: int
    mismatches: int
    errors: int
    served: int
    out_of_order: int
    error: str | None


@dataclass(frozen=True)
class Outcome:
    """The figures of one stress run; `problems()` says what failed, if anything."""

    workers: int
    calls: int
    leak_calls: int
    chromium: str = ""
    boot_s: float = 0.0
    booted: bool = False
    load_finished: bool = False
    load_wall_s: float = 0.0
    per_worker: tuple[WorkerLoad, ...] = ()
    handles_start: int = -1
    handles_after_load: int = -1
    leak_finished: bool = False
    leak_wall_s: float = 0.0
    leak_made: int = 0
    leak_errors: tuple[str, ...] = ()
    handles_before_leak: int = -1
    handles_after_leak: int = -1
    heap_before: int = 0
    heap_after: int = 0
    served_calls: int = 0
    error_replies: int = 0
    bad_drops: int = 0
    handles_issued: int = 0
    failure: str | None = None  # a phase that failed on the page, or a page that stopped answering

    @property
    def total_calls(self) -> int:
        return sum(w.replies for w in self.per_worker)

    @property
    def mismatches(self) -> int:
        return sum(w.mismatches + w.out_of_order for w in self.per_worker)

    @property
    def heap_growth(self) -> int:
        return self.heap_after - self.heap_before

    def problems(self) -> list[str]:
        """Every reason this run failed; empty if it passed."""
        if self.failure:
            return [self.failure]
        if not self.booted:
            return [f"the workers did not start within {BOOT_SECONDS} s"]
        out = []
        if not self.load_finished:
            seconds = phase_seconds(self.workers * self.calls)
            out.append(f"load did not finish within {seconds:.0f} s")
        for w in self.per_worker:
            if w.replies != self.calls or w.served != self.calls:
                out.append(f"{w.tag}: {w.replies} replies, page served {w.served}, of {self.calls}")
            if w.mismatches or w.out_of_order:
                out.append(f"{w.tag}: {w.mismatches} mismatched replies, {w.out_of_order} requests "
                           "out of order")
            if w.error:
                out.append(f"{w.tag}: {w.error}")
        if not self.load_finished:
            return out  # the leak check did not run
        if self.handles_after_load != self.handles_start:
            out.append(f"live handles {self.handles_start} before load, "
                       f"{self.handles_after_load} after")
        if not self.leak_finished:
            out.append(f"leak check did not finish within {phase_seconds(self.leak_calls):.0f} s")
        elif self.leak_made != self.leak_calls:
            out.append(f"leak check made {self.leak_made} of {self.leak_calls} calls")
        out += [f"leak check: {e}" for e in self.leak_errors]
        if self.handles_after_leak != self.handles_before_leak:
            out.append(f"live handles {self.handles_before_leak} before the leak check, "
                       f"{self.handles_after_leak} after")
        if self.leak_finished and self.heap_growth > HEAP_SLACK_BYTES:
            out.append(f"JS heap grew {self.heap_growth} bytes, over the {HEAP_SLACK_BYTES} "
                       "allowed")
        if self.error_replies or self.bad_drops:
            out.append(f"the page sent {self.error_replies} error replies and refused "
                       f"{self.bad_drops} releases")
        return out


class PhaseFailed(Exception):
    """A phase threw on the page, or the page did not answer within the phase's deadline."""


def _phase(page: Any, method: str, args: list[Any], seconds: float) -> Any:
    """Run ``stress[method](...args, ms)`` on the page, bounded twice: the page resolves it with
    finished: false at the deadline, and this side stops waiting 30 s after that."""
    page.evaluate(
        """([method, args]) => {
            window.answer = undefined;
            Promise.resolve().then(() => stress[method](...args)).then(
                (value) => { window.answer = { value }; },
                (e) => { window.answer = { error: String(e?.stack ?? e) }; });
        }""",
        [method, [*args, seconds * 1000]],
    )
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function("window.answer !== undefined", timeout=(seconds + 30) * 1000,
                               polling=250)
    except PlaywrightTimeout:
        raise PhaseFailed(
            f"the page did not answer stress.{method} in {seconds + 30:.0f} s") from None
    answer = page.evaluate("window.answer")
    if "error" in answer:
        raise PhaseFailed(f"stress.{method} failed on the page: {answer['error']}")
    return answer["value"]


def _shares(total: int, workers: int) -> list[int]:
    """`total` calls split as evenly as possible over `workers`."""
    return [total // workers + (i < total % workers) for i in range(workers)]


def _per_worker(got: dict[str, Any], calls: int) -> tuple[WorkerLoad, ...]:
    results = got["value"] if got["finished"] else [None] * len(got["served"])
    rows = []
    for i, (result, seen) in enumerate(zip(results, got["served"], strict=True)):
        result = result or {"replies": seen["count"], "mismatches": 0, "errors": 0,
                            "error": "did not finish", "first_mismatch": None}
        rows.append(WorkerLoad(f"w{i}", calls, result["replies"], result["mismatches"],
                               result["errors"], seen["count"], seen["outOfOrder"],
                               result["error"] or result["first_mismatch"]))
    return tuple(rows)


def _drive(page: Any, out: dict[str, Any], workers: int, calls: int, leak_calls: int) -> None:
    """The phases, in order, each filling in the Outcome's fields in `out` as it finishes."""
    got = _phase(page, "boot", [workers, CALL_TIMEOUT_MS], BOOT_SECONDS)
    out.update(booted=got["finished"], boot_s=got["wallMs"] / 1000)
    if not got["finished"]:
        return
    out["handles_start"] = _live_handles(page)
    got = _phase(page, "load", [calls], phase_seconds(workers * calls))
    out.update(load_finished=got["finished"], load_wall_s=got["wallMs"] / 1000,
               per_worker=_per_worker(got, calls))
    if not got["finished"]:
        return
    out["handles_after_load"] = _live_handles(page)
    _phase(page, "churn", [[WARMUP_CALLS] * workers], phase_seconds(WARMUP_CALLS * workers))
    out["handles_before_leak"] = _live_handles(page)
    out["heap_before"] = _phase(page, "heap", [], 60)
    got = _phase(page, "churn", [_shares(leak_calls, workers)], phase_seconds(leak_calls))
    out.update(leak_finished=got["finished"], leak_wall_s=got["wallMs"] / 1000)
    if not got["finished"]:
        return
    out["leak_made"] = sum(r["made"] for r in got["value"])
    out["leak_errors"] = tuple(r["error"] for r in got["value"] if r["error"])
    out["handles_after_leak"] = _live_handles(page)
    out["heap_after"] = _phase(page, "heap", [], 60)


def _live_handles(page: Any) -> int:
    """The page's live handles, summed over workers, once every worker returned its releases."""
    got = _phase(page, "handles", [], 60)
    if not got["finished"]:
        raise PhaseFailed("the workers did not return their releases within 60 s")
    return sum(got["live"])


def measure(workers: int = 8, calls: int = 100_000, leak_calls: int = 1_000_000) -> Outcome:
    """Run the load and the leak check in a fresh headless Chromium; returns the figures.

    Raises SystemExit if Chromium or an asset is missing; a phase that does not finish gives an
    Outcome whose problems() say so.
    """
    fields: dict[str, Any] = {}
    with chromium_page(ASSETS, "stress.html", tool="stress", timeout_ms=60_000,
                       extra_args=PROFILING_ARGS) as page:
        fields["chromium"] = page.context.browser.version
        page.wait_for_function("window.stressReady === true")
        try:
            _drive(page, fields, workers, calls, leak_calls)
            totals = _phase(page, "totals", [], 60)
        except PhaseFailed as exc:
            fields["failure"] = str(exc)
            totals = {}
    fields.update(served_calls=totals.get("calls", 0), error_replies=totals.get("errors", 0),
                  bad_drops=totals.get("badDrops", 0), handles_issued=totals.get("issued", 0))
    return Outcome(workers, calls, leak_calls, **fields)


def report(o: Outcome) -> str:
    """The figures, as the command prints them."""
    lines = [f"boot: {o.workers} Pyodide workers ready in {o.boot_s:.1f} s"]
    if o.per_worker:
        rate = o.total_calls / o.load_wall_s if o.load_wall_s else 0.0
        lines.append(f"load: {o.total_calls} calls in {o.load_wall_s:.1f} s, {rate:.0f} calls/s "
                     f"({'finished' if o.load_finished else 'DID NOT FINISH'})")
        lines.append(f"  {'worker':6} {'calls':>8} {'replies':>8} {'page saw':>8} "
                     f"{'mismatch':>8} {'order':>6} {'errors':>6}")
        lines += [f"  {w.tag:6} {w.calls:8} {w.replies:8} {w.served:8} {w.mismatches:8} "
                  f"{w.out_of_order:6} {w.errors:6}" for w in o.per_worker]
        lines.append(f"  mismatches: {o.mismatches} (replies not the caller's own, requests "
                     f"out of order), errors: {sum(w.errors for w in o.per_worker)}")
        lines.append(f"  live handles: {o.handles_start} before, {o.handles_after_load} after")
    if o.leak_finished:
        rate = o.leak_made / o.leak_wall_s if o.leak_wall_s else 0.0
        lines.append(f"leak: {o.leak_made} create-and-drop calls in {o.leak_wall_s:.1f} s, "
                     f"{rate:.0f} calls/s, after {WARMUP_CALLS} warm-up calls per worker")
        lines.append(f"  live handles: {o.handles_before_leak} before, "
                     f"{o.handles_after_leak} after")
        lines.append(f"  main-thread JS heap after gc(): {o.heap_before} bytes before, "
                     f"{o.heap_after} after, {o.heap_growth:+d} bytes "
                     f"(allowed: +{HEAP_SLACK_BYTES})")
    lines.append(f"page: {o.served_calls} requests served, {o.handles_issued} handles issued, "
                 f"{o.error_replies} error replies, {o.bad_drops} refused releases")
    problems = o.problems()
    lines.append("PASS" if not problems else "FAIL\n" + "\n".join(f"  {p}" for p in problems))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="pyscript-ffi stress", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=8, help="workers at once (8)")
    parser.add_argument("--calls", type=int, default=100_000, help="load calls per worker (100000)")
    parser.add_argument("--leak-calls", type=int, default=1_000_000,
                        help="create-and-drop calls in all, over every worker (1000000)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if args.workers < 1 or args.calls < 1 or args.leak_calls < args.workers:
        parser.error("--workers and --calls must be at least 1, --leak-calls at least --workers")
    print(f"pyscript-ffi stress: {args.workers} workers x {args.calls} calls, "
          f"{args.leak_calls} create-and-drop calls, {_cores()} cores", flush=True)
    outcome = measure(args.workers, args.calls, args.leak_calls)
    print(f"Chromium {outcome.chromium}")
    print(report(outcome))
    if args.json:
        args.json.write_text(json.dumps({**asdict(outcome), "problems": outcome.problems()},
                                        indent=1))
    return 1 if outcome.problems() else 0
