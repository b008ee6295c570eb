"""``python -m pyscript_ffi bench``: call latency from a worker to the page, with the floor, in
one or more browser engines (Chromium by default; ``--engines chromium,firefox,webkit``).

Per engine, one run, one page: first the plain-JS SharedArrayBuffer round trip (the floor) in
three variants, then pyscript-ffi from a Pyodide worker on each workload, the phases of one
round trip, a ``pyscript.web`` workload (a 500-row table) in the worker and on the page's own
thread, several workers at once, a MicroPython worker, then PyScript itself (npm
@pyscript/core) from its own worker on the same Pyodide and the same workloads; and, once, the
CPython host beside its own floors (bench_host.py). Prints one table per engine (median, p99,
mean, calls/s, median / floor) with our medians over PyScript's, checks in Chromium that no
request left 127.0.0.1, draws Chromium's medians to a PNG and can write JSON. The engines are
driven by pyscript_ffi.tools.browsers (docs/browsers.md); a missing one fails the run, naming
its install command.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .. import assets
from ..server import Handler, make_server
from .bench_network import measure_network, network_lines
from .bench_report import WORKLOADS, host_lines, parallel_summary, phases, report, row

ASSETS = Path(__file__).with_name("bench_assets")
#: Chromium resolves no host name but 127.0.0.1: a page that reaches for a CDN fails loudly.
#: (Firefox's and WebKit's drivers can neither map hosts nor watch a worker's requests.)
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"
ENGINES = ("chromium", "firefox", "webkit")
FLOORS = ["waitAsync", "post", "spin"]
#: workers at once (issue 16), and how the page is woken: its doorbell, and the RING fallback
WORKER_COUNTS = (1, 2, 4, 8)
WAKES = ("doorbell", "post")
SLOW = {"bytes_1mb": 20}  # fewer calls for the heavy workload: calls = n // this
# MicroPython moves 1 MB each way in about 45 ms (hex across its FFI, pure-Python msgpack)
MICRO_1MB_CALLS = 20
#: what PyScript's worker runs (workloads.py): all but 1 MB, whose page side is ours
PYSCRIPT_WORKLOADS = ["title", "write", "create", "create_append", "single10", "gather10"]
#: the workloads broken down into phases (one round trip per call): (workload, label,
#: method-call detection, the transport's pinned bytearray); the variants are the A/B of two
#: levers in the same run (bench_assets: workloads.py `phases`)
PHASED = [("title", "document.title read", True, True),
          ("title", "read, no method detection", False, True),
          ("title", "read, no pinned buffer", True, False),
          ("write", "el.textContent = s", True, True),
          ("gather10", "gather() of 10", True, True)]
PYSCRIPT_BOOT_MS = 120_000
#: PyScript's own path for a page that is not cross-origin isolated (sabayon, in npm coincident,
#: which PyScript's worker carries): each synchronous call one XMLHttpRequest to a service worker
#: that asks the page over a BroadcastChannel. Its service worker script, served at the root of
#: a second, non-isolated origin, beside our own service-worker rows; Chromium only
SABAYON_SW = "/sabayon-sw.js"
#: its workloads, and the calls of each: a createElement there took seconds a call here
SABAYON_WORKLOADS = {"title": 500, "write": 500, "create": 20}
#: Rounds of the boot comparison (Chromium): each round boots both systems as a new visitor
#: and then as a returning one; rounds alternate which system boots first, because a second
#: boot in one browser runs faster (measured: the same boot 3.4 s second, 4.1 s first).
BOOT_ROUNDS = 2
#: Calls of every workload before any is measured, ours and PyScript's alike, and at least this
#: long (s) of reads: a freshly booted Pyodide runs its wasm from the baseline compiler while V8
#: optimizes it in the background, which on 2 cores took seconds and made the first measured row
#: (the read) 2-7x slower than the same read measured later in the run (195 against 27 us).
WARM_UP_CALLS = 200
WARM_UP_S = 3.0
#: Calls per worker in the many-worker rows, at the least: a batch of 1,000 reads lasts 25-40 ms
#: here, hardly longer than a worker's start and report around it (19-41 ms measured) or than
#: the staggered starts of 8 workers.
PARALLEL_MIN_CALLS = 4000
#: Rounds of the many-worker rows, every count in turn; each count reports its median round: a
#: host that takes a virtual machine's cores for a while (steal) slows one round, not the row
#: (measured: a one-worker round at 7,852/s with 23% of the cores stolen, 35,148/s without).
PARALLEL_ROUNDS = 3
#: the rows of the "service-worker" transport (js_glue/relay.js), beside the shared buffer's:
#: fewer calls (each costs milliseconds), one and four workers at once; in --quick too
RELAY_WORKLOADS = ["title", "write", "create", "bytes_1mb"]
RELAY_CALLS = 500
RELAY_1MB_CALLS = 20
RELAY_WORKER_COUNTS = (1, 4)
#: where the relay's Pyodide worker waits suspended (JSPI), these again from a worker that sends
#: each call as a synchronous request (`suspending: false`)
RELAY_REQUEST_WORKLOADS = ["title", "write", "create"]
#: this transport's floors, plain JS in the relay's worker (workloads.py relay_floor): a
#: synchronous XMLHttpRequest our service worker answers by itself, and one it hands to the page
RELAY_FLOORS = [("alone", "relay floor: service worker alone"),
                ("page", "relay floor: service worker + page")]
#: --quick: these only, no MicroPython, no host, no many-worker rows (but the relay's)
QUICK = ["title", "write", "gather10"]
#: the pyscript.web workload (workloads.py web_table): rows of the table, and runs measured in
#: our worker and on the page's thread (each after one unmeasured run); PyScript's worker runs
#: it once (500 rows take it 30-70 s), after a run of WEB_WARM_ROWS; --quick: fewer rows
WEB_ROWS = 500
WEB_QUICK_ROWS = 50
WEB_RUNS = 5
WEB_QUICK_RUNS = 3
WEB_WARM_ROWS = 10
#: what the page has, per engine (reported beside its table), and its timer's step in us (the
#: smallest change of performance.now() seen: 5 us in isolated Chromium, 20 us in Firefox)
FEATURES = """() => {
  let tick = Infinity;
  for (let i = 0; i < 50; i++) {
    const a = performance.now();
    let b = a;
    while (b === a) b = performance.now();
    tick = Math.min(tick, b - a);
  }
  return { crossOriginIsolated, SharedArrayBuffer: typeof SharedArrayBuffer,
           waitAsync: typeof Atomics.waitAsync, pause: typeof Atomics.pause, tick_us: tick * 1e3 };
}"""


def measure(calls: int, workers: tuple[int, ...], chart: Path | None = None,
            facts: dict[str, Any] | None = None, quick: bool = False,
            engines: tuple[str, ...] = ("chromium",),
            done: Callable[[dict[str, Any]], None] | None = None,
            web_rows: int | None = None) -> dict[str, Any]:
    """The CPython host's rows (not with `quick`), then each engine in turn, one browser at a
    time: {"host": rows, "engines": {engine: its rows and facts}}; `done` gets each engine's as
    it ends (a run of three engines takes many minutes). Chromium's medians are drawn to `chart`
    when given (`facts` go into its subtitle). `web_rows`: the pyscript.web workload's rows, if
    not the default (WEB_ROWS, WEB_QUICK_ROWS with `quick`)."""
    try:
        assets.pyscript_core()
    except assets.MissingAsset as exc:
        raise SystemExit(f"bench: PyScript, the comparison's baseline, is missing: {exc}") from None
    from .bench_host import MEASURES

    host = [] if quick else [row(name, *one(calls)) for name, one in MEASURES]
    server = make_server(ASSETS)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    got: dict[str, Any] = {"host": host, "engines": {}}
    try:
        for engine in engines:
            out = measure_engine(engine, origin, calls, workers, quick,
                                 chart if engine == "chromium" else None, facts, web_rows)
            got["engines"][engine] = out
            if done is not None:
                done(out)
        return got
    finally:
        server.shutdown()
        server.server_close()


class _Pages:
    """New pages of one browser that share its HTTP cache (for the repeat visit), and, in
    Chromium, every request that left 127.0.0.1 (the workers' too)."""

    def __init__(self, browser: Any, origin: str) -> None:
        self.browser, self.origin = browser, origin
        self.outside: list[str] | None = None  # None: this engine's driver cannot see them
        self._context = None
        if browser.name == "chromium":  # one Playwright context: one cache, one request log
            self._context = browser.playwright_browser.new_context()
            self.outside = outside = []
            self._context.on("request", lambda r: None if _local(r.url, origin)
                              else outside.append(r.url))

    def visitor(self) -> _Visitor | None:
        """A new visitor: a browser context of its own (an empty HTTP cache, code cache and
        Cache Storage); None where the driver has one profile only (Firefox, WebKit)."""
        if self._context is None:
            return None
        return _Visitor(self.browser.playwright_browser.new_context(), self.origin)

    def new(self, path: str = "/bench.html") -> Any:
        if self._context is not None:
            from .browsers.chromium import ChromiumPage

            page = ChromiumPage(self._context.new_page())
        else:
            page = self.browser.new_page()
        page.goto(f"{self.origin}{path}")
        if path == "/bench.html":
            page.wait_for_function("window.benchReady === true")
        return page


class _Visitor:
    """One visitor's browser context: each `visit` is a new page of it, closed after."""

    def __init__(self, context: Any, origin: str) -> None:
        self.context, self.origin = context, origin

    def visit(self, script: str, arg: Any = None) -> Any:
        page = self.context.new_page()
        try:
            page.goto(f"{self.origin}/bench.html")
            page.wait_for_function("window.benchReady === true")
            return page.evaluate(script, arg)
        finally:
            page.close()

    def __enter__(self) -> _Visitor:
        return self

    def __exit__(self, *_: object) -> None:
        self.context.close()


#: bench.start(options) in a visitor's page: [ms, how Pyodide started (statistics().snapshot)]
OUR_BOOT = """async (options) => {
  const ms = await bench.start(options);
  return [ms, window.workers[0].statistics().snapshot];
}"""
#: OUR_BOOT for a new visitor, whose page then stays open (unmeasured) until the snapshot its
#: boot made is in Cache Storage, as a real visitor's page stays open a while after its boot
#: (the page keeps it in idle time after ready: js_glue/snapshot.js keepWhenIdle)
OUR_FIRST_BOOT = """async (options) => {
  const ms = await bench.start(options);
  const use = window.workers[0].statistics().snapshot;
  for (let waited = 0; use === "made"; waited += 50) {
    if ((await (await caches.open("pyscript-ffi")).keys()).length > 0) break;
    if (waited > 30000) throw new Error("the snapshot made was not kept within 30 s");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return [ms, use];
}"""


def _measure_boots(pages: _Pages, origin: str, rounds: int) -> dict[str, list[Any]] | None:
    """Boot of a Pyodide worker, PyWorker() to ready: each system as a new visitor (a browser
    context of its own) and then as a returning one (a new page of that context); ours also
    returning with `snapshot: false`. Chromium only (None elsewhere)."""
    options = [{"version": f"{origin}/_ffi/pyodide/pyodide.mjs"}, PYSCRIPT_BOOT_MS]
    boots: dict[str, list[Any]] = {"first": [], "repeat": [], "repeat_no_snapshot": [],
                                   "pyscript_first": [], "pyscript_repeat": []}
    for round_ in range(rounds):
        for system in ("ours", "pyscript")[:: 1 if round_ % 2 == 0 else -1]:
            visitor = pages.visitor()
            if visitor is None:
                return None
            with visitor:
                if system == "ours":
                    boots["first"].append(visitor.visit(OUR_FIRST_BOOT, {}))
                    boots["repeat"].append(visitor.visit(OUR_BOOT, {}))
                    boots["repeat_no_snapshot"].append(visitor.visit(OUR_BOOT, {"snapshot": False}))
                else:
                    start = "([o, ms]) => pyscript.start(o, ms)"
                    boots["pyscript_first"].append(visitor.visit(start, options))
                    boots["pyscript_repeat"].append(visitor.visit(start, options))
    return boots


def _launch(engine: str) -> Any:
    from .browsers import BrowserMissing, launch

    try:
        if engine == "chromium":  # the offline host rules
            from .browsers.chromium import Chromium

            return Chromium(args=[OFFLINE])
        return launch(engine)
    except BrowserMissing as exc:
        raise SystemExit(f"bench: {engine} cannot start: {exc}") from None
    except ImportError as exc:
        raise SystemExit(f"bench: {engine}'s driver is not installed ({exc}): run "
                         "scripts/setup in the checkout") from None


def measure_engine(engine: str, origin: str, calls: int, workers: tuple[int, ...],
                   quick: bool = False, chart: Path | None = None,
                   facts: dict[str, Any] | None = None,
                   web_rows: int | None = None) -> dict[str, Any]:
    """Everything for one engine, in one page of one browser session."""
    out: dict[str, Any] = {"engine": engine, "floor": [], "ffi": [], "round_trips": {},
                           "parallel": [], "pyscript": [], "pyscript_round_trips": {},
                           "pyscript_parallel": [], "micro": [], "phases": {},
                           "relay": [], "relay_floor": [], "relay_parallel": [],
                           "relay_requests": [], "sabayon": [],
                           "pyscript_version": _npm_version("@pyscript/core")}
    with _launch(engine) as browser:
        out["version"] = browser.version
        pages = _Pages(browser, origin)
        page = pages.new()
        out["features"] = page.evaluate(FEATURES)
        for mode in [*FLOORS, "copy1mb"]:  # the floor, in this engine
            n = calls if mode != "copy1mb" else max(50, calls // SLOW["bytes_1mb"])
            got = page.evaluate("([m, n]) => bench.floor(m, n)", [mode, n])
            out["floor"].append(row(f"floor: {mode}", [s / 1e3 for s in got["samples"]],
                                    got["total"] / 1e3))
        out["boot_ms"] = page.evaluate("bench.start()")
        out["boots"] = _measure_boots(pages, origin, 1 if quick else BOOT_ROUNDS)
        _warm_up(page, "bench.run", [n for n, _ in WORKLOADS if n not in SLOW])
        for name, label in WORKLOADS:
            if quick and name not in QUICK:
                continue
            n = calls if name not in SLOW else max(50, calls // SLOW[name])
            got = page.evaluate("([w, n]) => bench.run(w, n)", [name, n])
            out["ffi"].append(row(label, got["samples"], got["total"]))
            out["round_trips"][label] = got["round_trips"]
        for name, label, method_calls, pinned in PHASED:
            got = page.evaluate("(a) => bench.phases(...a)", [name, calls, method_calls, pinned])
            out["phases"][label] = phases(got, calls)
        for wake in () if quick else WAKES:  # the doorbell, and the fallback's RING messages
            rows = _parallel_rows(page, "([c, n, w]) => bench.parallel(c, 'title', n, w)",
                                  workers, calls, wake)
            out["parallel"] += [{**r, "wake": wake} for r in rows]
        _measure_web(page, out, quick, web_rows)
        if not quick:
            _measure_micro(page, calls, out)
        _measure_relay(page, calls, out)
        # a repeat visit where the driver has no visitors of its own (the boots above): a new
        # page of the same browser, whose HTTP cache holds what the first boot downloaded
        if out["boots"] is None:
            out["boot_repeat_ms"] = _boot_in_new_page(pages, "bench.start()")
        _measure_pyscript(page, origin, calls, out, workers, quick)
        if engine == "chromium":
            _measure_sabayon(browser, calls, out)
        if out["pyscript"] and out["boots"] is None:
            out["pyscript_boot_repeat_ms"] = _boot_in_new_page(
                pages, "([o, ms]) => pyscript.start(o, ms)",
                [{"version": f"{origin}/_ffi/pyodide/pyodide.mjs"}, PYSCRIPT_BOOT_MS])
        if engine == "chromium" and not quick:  # the boot over a throttled network
            out["network"] = measure_network(browser.playwright_browser, origin)
        out["outside_requests"] = pages.outside
        if chart is not None:
            chart_page = pages.new("/chart.html")
            out["chart"] = draw_chart(chart_page.playwright_page, {**(facts or {}), **out}, chart)
    return out


def _warm_up(page: Any, run: str, names: list[str]) -> None:
    """Run each workload WARM_UP_CALLS times, then reads until WARM_UP_S have passed, unmeasured."""
    started = time.monotonic()
    for name in names:
        page.evaluate(f"([w, n]) => {run}(w, n)", [name, WARM_UP_CALLS])
    while time.monotonic() - started < WARM_UP_S:
        page.evaluate(f"([w, n]) => {run}(w, n)", ["title", WARM_UP_CALLS])


def _parallel_rows(page: Any, parallel: str, counts: tuple[int, ...], calls: int,
                   *args: Any) -> list[dict[str, Any]]:
    """The many-worker rows: `parallel` (bench.parallel or pyscript.parallel) at each count,
    PARALLEL_ROUNDS rounds of every count in turn, each count's median round by calls/s."""
    n = max(calls, PARALLEL_MIN_CALLS)
    _warm_pool(page, parallel, max(counts), *args)
    rounds: dict[int, list[dict[str, Any]]] = {count: [] for count in counts}
    for _ in range(PARALLEL_ROUNDS):
        for count in counts:
            got, cpu = _with_cpu(page, parallel, [count, n, *args])
            rounds[count].append(parallel_summary(count, n, got, cpu))
    rows = []
    for count in counts:
        ranked = sorted(rounds[count], key=lambda r: r["aggregate_calls_per_s"])
        rows.append({**ranked[(len(ranked) - 1) // 2],
                     "rounds_calls_per_s": [r["aggregate_calls_per_s"] for r in rounds[count]]})
    return rows


def _warm_pool(page: Any, parallel: str, count: int, *args: Any) -> None:
    """Boot `count` workers (the pool the many-worker rows draw from) and run them all at once
    for WARM_UP_S, unmeasured: a worker booted for these rows runs its wasm from the baseline
    compiler at first, as the first worker did before _warm_up (measured in a fresh page: one
    worker's reads at 20,000/s 10 s after its boot, 35,000-43,000/s from 20 s on)."""
    started = time.monotonic()
    while time.monotonic() - started < WARM_UP_S:
        page.evaluate(parallel, [count, WARM_UP_CALLS, *args])


def _with_cpu(page: Any, script: str, arg: Any) -> tuple[Any, dict[str, float] | None]:
    """page.evaluate(script, arg), and the machine's CPU meanwhile (machine_cpu)."""
    before = machine_cpu()
    got = page.evaluate(script, arg)
    after = machine_cpu()
    return got, cpu_between(before, after)


def machine_cpu() -> list[int] | None:
    """The machine's CPU counters (Linux /proc/stat, all cores, clock ticks), or None elsewhere."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = stat.readline().split()
    except OSError:
        return None
    return [int(f) for f in fields[1:9]] if fields[:1] == ["cpu"] else None


def cpu_between(before: list[int] | None, after: list[int] | None) -> dict[str, float] | None:
    """CPU between two machine_cpu readings: seconds busy on all cores together, and the busy
    and stolen fractions of all cores' time (steal: time a virtual machine's host gave
    elsewhere, which slows every thread alike)."""
    if before is None or after is None:
        return None
    # user nice system idle iowait irq softirq steal
    d = [b - a for a, b in zip(before, after, strict=True)]
    total = sum(d)
    if total <= 0:
        return None
    busy = total - d[3] - d[4] - d[7]
    return {"busy_s": busy / os.sysconf("SC_CLK_TCK"), "busy": busy / total,
            "steal": d[7] / total}


def _boot_in_new_page(pages: _Pages, boot: str, arg: Any = None) -> float:
    """ms that `boot` (bench.start or pyscript.start) takes in a fresh page of the browser."""
    page = pages.new()
    try:
        return float(page.evaluate(boot, arg))
    finally:
        page.close()


def _measure_web(page: Any, out: dict[str, Any], quick: bool, web_rows: int | None) -> None:
    """The pyscript.web workload in our Pyodide worker, then on the page's own thread (Pyodide
    by PyMain, booted here): out["web"], with PyScript's worker added by _measure_pyscript."""
    rows, runs = (WEB_QUICK_ROWS, WEB_QUICK_RUNS) if quick else (WEB_ROWS, WEB_RUNS)
    rows = web_rows or rows
    web: dict[str, Any] = {"rows": rows, "runs": runs}
    for who, run in (("worker", "bench.web"), ("main", "bench.webMain")):
        if who == "main":
            web["main_boot_ms"] = page.evaluate("bench.startMain()")
        page.evaluate(f"([r, n]) => {run}(r, n)", [rows, 1])  # (unmeasured)
        got = page.evaluate(f"([r, n]) => {run}(r, n)", [rows, runs])
        web[who] = row(f"pyscript.web {rows} rows: {who}", got["samples"], got["total"])
        web[f"{who}_round_trips"] = got["round_trips"]
    out["web"] = web


def _measure_micro(page: Any, calls: int, out: dict[str, Any]) -> None:
    """The same workloads from a MicroPython worker."""
    out["micro_boot_ms"] = page.evaluate("bench.startMicro()")
    _warm_up(page, "bench.runMicro", [n for n, _ in WORKLOADS if n not in SLOW])
    for name, label in WORKLOADS:
        n = calls if name not in SLOW else MICRO_1MB_CALLS
        got = page.evaluate("([w, n]) => bench.runMicro(w, n)", [name, n])
        out["micro"].append(row(label, got["samples"], got["total"]))
    # the phases of a read (workloads.py micro_phases): each step timed alone
    out["micro_phases"] = page.evaluate(
        "([w, n]) => window.microWorker.sync.micro_phases(w, n)", ["title", calls])


def _measure_relay(page: Any, calls: int, out: dict[str, Any]) -> None:
    """The "service-worker" transport's rows (a Pyodide worker whose calls go through our service
    worker, on the same isolated page), and one and four such workers reading at once."""
    out["relay_boot_ms"] = page.evaluate("bench.startRelay()")
    page.evaluate("([w, n]) => bench.runRelay(w, n)", ["title", 100])  # (unmeasured)
    n = min(calls, RELAY_CALLS)
    for what, label in RELAY_FLOORS:
        got = page.evaluate("([w, n]) => window.relayWorkers[0].sync.relay_floor(w, n)", [what, n])
        out["relay_floor"].append(row(label, got["samples"], got["total"]))
    for name, label in WORKLOADS:
        if name in RELAY_WORKLOADS:
            got = page.evaluate("([w, n]) => bench.runRelay(w, n)",
                                [name, n if name not in SLOW else RELAY_1MB_CALLS])
            out["relay"].append(row(label, got["samples"], got["total"]))
    served = page.evaluate("window.relayWorkers[0].statistics().serving")
    out["relay_suspends"] = served["suspending"] > 0  # its calls took the suspending lane
    for count in RELAY_WORKER_COUNTS:
        got, cpu = _with_cpu(page, "([c, n]) => bench.parallelRelay(c, 'title', n)", [count, n])
        out["relay_parallel"].append(parallel_summary(count, n, got, cpu))
    if out["relay_suspends"]:  # the same calls as synchronous requests, for comparison
        page.evaluate("bench.startRelayRequests()")
        page.evaluate("([w, n]) => bench.runRelayRequests(w, n)", ["title", 100])  # (unmeasured)
        for name, label in WORKLOADS:
            if name in RELAY_REQUEST_WORKLOADS:
                got = page.evaluate("([w, n]) => bench.runRelayRequests(w, n)", [name, n])
                out["relay_requests"].append(row(label, got["samples"], got["total"]))


class _SabayonHandler(Handler):
    """The bench's server, with sabayon's service worker script at SABAYON_SW."""

    def _locate(self, path: str) -> Path | None:
        if path == SABAYON_SW:
            return assets.node_package("coincident") / "dist" / "sw.js"
        return super()._locate(path)


def _measure_sabayon(browser: Any, calls: int, out: dict[str, Any]) -> None:
    """PyScript's worker on a page that is not isolated, where it runs on sabayon (SABAYON_SW),
    the same workloads as our service-worker rows; a failure is recorded, not raised."""
    server = make_server(ASSETS, isolate=False)
    bound: Any = server.RequestHandlerClass  # make_server's Handler, bound to ASSETS
    server.RequestHandlerClass = type("Bound", (_SabayonHandler, bound), {})
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    labels = dict(WORKLOADS)
    options = {"version": f"{origin}/_ffi/pyodide/pyodide.mjs", "serviceWorker": SABAYON_SW}
    page = browser.new_page()
    try:
        page.goto(f"{origin}/bench.html")
        # registered and in control before PyScript starts (else it registers it and reloads)
        page.evaluate(f"navigator.serviceWorker.register({SABAYON_SW!r})"
                      ".then(() => navigator.serviceWorker.ready).then(() => undefined)")
        page.reload()
        page.wait_for_function("window.benchReady === true && !!navigator.serviceWorker.controller")
        out["sabayon_isolated"] = page.evaluate("crossOriginIsolated")
        out["sabayon_boot_ms"] = page.evaluate("([o, ms]) => pyscript.start(o, ms)",
                                               [options, PYSCRIPT_BOOT_MS])
        page.evaluate("([w, n]) => pyscript.run(w, n)", ["title", 100])  # (unmeasured)
        for name, most in SABAYON_WORKLOADS.items():
            got = page.evaluate("([w, n]) => pyscript.run(w, n)", [name, min(calls, most)])
            out["sabayon"].append(row(labels[name], got["samples"], got["total"]))
    except (RuntimeError, TimeoutError) as exc:  # EvaluationError, or a driver's own error
        out["sabayon_error"] = str(exc).strip().splitlines()[0]
    finally:
        page.close()
        server.shutdown()
        server.server_close()


def _local(url: str, origin: str) -> bool:
    return url.startswith((f"{origin}/", "blob:", "data:"))


def _npm_version(package: str) -> str | None:
    try:
        meta = json.loads((assets.root() / "node_modules" / package / "package.json").read_text())
    except (OSError, ValueError):
        return None
    return str(meta["version"])


def _measure_pyscript(page: Any, origin: str, calls: int, out: dict[str, Any],
                      workers: tuple[int, ...], quick: bool = False) -> None:
    """PyScript's worker on the same workloads; a failure is recorded, not raised, so the rest
    of the run still reports."""
    labels = dict(WORKLOADS)
    options = {"version": f"{origin}/_ffi/pyodide/pyodide.mjs"}  # the local Pyodide
    try:
        out["pyscript_boot_ms"] = page.evaluate("([o, ms]) => pyscript.start(o, ms)",
                                                [options, PYSCRIPT_BOOT_MS])
        _warm_up(page, "pyscript.run", PYSCRIPT_WORKLOADS)
        for name in PYSCRIPT_WORKLOADS:
            if quick and name not in QUICK:
                continue
            got = page.evaluate("([w, n]) => pyscript.run(w, n)", [name, calls])
            out["pyscript"].append(row(labels[name], got["samples"], got["total"]))
            out["pyscript_round_trips"][labels[name]] = got["round_trips"]
        if "web" in out:  # the pyscript.web workload, once (PyScript's own pyscript.web)
            web = out["web"]
            page.evaluate("([r, n]) => pyscript.web(r, n)", [WEB_WARM_ROWS, 1])
            got = page.evaluate("([r, n]) => pyscript.web(r, n)", [web["rows"], 1])
            web["pyscript"] = row(f"pyscript.web {web['rows']} rows: PyScript", got["samples"],
                                  got["total"])
            web["pyscript_round_trips"] = got["round_trips"]
        if not quick:
            out["pyscript_parallel"] = _parallel_rows(
                page, "([c, n, o, ms]) => pyscript.parallel(c, 'title', n, o, ms)", workers,
                calls, options, PYSCRIPT_BOOT_MS)
    except (RuntimeError, TimeoutError) as exc:  # EvaluationError, or a driver's own error
        out["pyscript_error"] = str(exc).strip().splitlines()[0]


def draw_chart(page: Any, out: dict[str, Any], path: Path) -> str:
    """The medians as a bar chart (log scale), drawn as SVG by chart.html in Chromium and saved
    as a PNG: no plotting library to install, the browser is already there."""
    floors = [r for r in out["floor"] if r.name != "floor: copy1mb"]
    theirs = {r.name: r for r in out["pyscript"]}
    groups = [{"label": "plain-JS round trip (floor)",
               "bars": [{"system": "floor", "value": r.median_us, "note": r.name[7:]}
                        for r in floors]}]
    for r in out["ffi"]:
        bars = [{"system": "ffi", "value": r.median_us}]
        if r.name in theirs:
            bars.append({"system": "pyscript", "value": theirs[r.name].median_us})
        groups.append({"label": r.name, "bars": bars})
    pyscript = f"PyScript {out.get('pyscript_version') or ''} worker".replace("  ", " ")
    data = {
        "title": "Median latency of one synchronous call from a worker to the page",
        "subtitle": (f"pyscript-ffi bench {out.get('date', '')}: Chromium {out['version']}, "
                     f"{out.get('cores', '?')} cores, {out.get('calls', '?')} calls per "
                     "workload; the same local Pyodide in both systems' workers"),
        "systems": [{"key": "floor", "label": "plain-JS floor", "color": "#9e9e9e"},
                    {"key": "ffi", "label": "pyscript-ffi", "color": "#1f77b4"},
                    *([{"key": "pyscript", "label": pyscript, "color": "#ff7f0e"}]
                      if theirs else [])],
        "groups": groups,
        "footnote": ("PyScript's worker runs every workload but 1 MB, whose page side is "
                     "pyscript-ffi's direct(); medians move in 5 µs steps (isolated-page timers)."),
    }
    page.wait_for_function("window.chartReady === true")
    page.evaluate("(d) => drawChart(d)", data)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.locator("#chart svg").screenshot(path=str(path))
    return str(path)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="pyscript-ffi bench", description=__doc__)
    parser.add_argument("--calls", type=int, default=3000, help="calls per workload (3000)")
    parser.add_argument("--workers", type=_counts, default=WORKER_COUNTS,
                        help="worker counts at once, e.g. 1,2,4,8 (the default)")
    parser.add_argument("--engines", type=_engines, default=("chromium",),
                        help="browser engines, one after another, each with its own table and "
                             "floor: comma-separated from chromium,firefox,webkit, or 'all' "
                             "(default chromium: the others need firefox-esr and "
                             "webkit2gtk-driver, see docs/browsers.md)")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument("--chart", type=Path, default=Path("bench.png"),
                        help="draw Chromium's medians to this PNG (bench.png)")
    parser.add_argument("--no-chart", action="store_true", help="draw no chart")
    parser.add_argument("--network", action="store_true",
                        help="only the boot over a throttled network (Chromium; bench_network.py)")
    parser.add_argument("--origin", help="with --network: measure the pages served at this "
                        "origin (a server of bench_assets/ started apart, e.g. of an older "
                        "checkout) instead of starting one")
    parser.add_argument("--rounds", type=int, default=2,
                        help="with --network: rounds of the network rows (2)")
    parser.add_argument("--quick", action="store_true",
                        help=f"only {', '.join(QUICK)}, phases and boot, ours and PyScript's "
                             "(for A/B of one lever; no chart, no many-worker rows)")
    parser.add_argument("--web-rows", type=int, default=None,
                        help=f"rows of the pyscript.web workload ({WEB_ROWS}; --quick "
                             f"{WEB_QUICK_ROWS})")
    args = parser.parse_args(argv)
    if args.web_rows is not None and args.web_rows < 1:
        parser.error("--web-rows must be at least 1")
    if args.calls < 10:
        parser.error("--calls must be at least 10")
    # a SIGTERM (`timeout`, a CI's cancel) unwinds like an exception, so each engine's `with`
    # stops its browser: WebKit's driver runs in a session of its own and would outlive us
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    if args.network:
        return _network_only(args.origin, args.rounds, args.json)
    chart = None if args.no_chart or args.quick else args.chart
    facts = {"date": datetime.date.today().isoformat(), "cores": _cores(), "calls": args.calls}
    print(f"pyscript-ffi bench {facts['date']}: {platform.machine()}, {facts['cores']} cores, "
          f"{args.calls} calls per workload{' (--quick)' if args.quick else ''}", flush=True)

    def done(out: dict[str, Any]) -> None:
        print()
        print(report(out))
        if out.get("network"):
            print("\n".join(network_lines(out["network"])))
        if "chart" in out:
            print(f"chart: {out['chart']}")
        print(flush=True)

    got = measure(args.calls, args.workers, chart, facts, args.quick, args.engines, done,
                  args.web_rows)
    if got["host"]:
        print()
        print("\n".join(host_lines(got["host"])))
    if args.json:
        rows = ("floor", "ffi", "pyscript", "micro", "relay", "relay_floor", "relay_requests",
                "sabayon")
        serial = {**facts, "host": [asdict(r) for r in got["host"]], "engines": {
            engine: {**out, **{key: [asdict(r) for r in out[key]] for key in rows}}
            for engine, out in got["engines"].items()}}
        args.json.write_text(json.dumps(serial, indent=1, default=asdict))  # (web's Rows)
    return 0


def _network_only(origin: str | None, rounds: int, json_path: Path | None) -> int:
    """`bench --network`: the network rows alone, printed (and written to `json_path`)."""
    server = None
    if origin is None:
        server = make_server(ASSETS)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        origin = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with _launch("chromium") as browser:
            got = measure_network(browser.playwright_browser, origin, rounds)
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
    print("\n".join(network_lines(got)), flush=True)
    if json_path:
        json_path.write_text(json.dumps(got, indent=1))
    return 0


def _engines(text: str) -> tuple[str, ...]:
    """--engines: `all`, or names from ENGINES, comma-separated, each once, in the order given."""
    names = ENGINES if text == "all" else tuple(dict.fromkeys(p.strip() for p in text.split(",")))
    unknown = [name for name in names if name not in ENGINES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown engine {', '.join(map(repr, unknown)) or repr(text)}: use 'all' or names "
            f"from {','.join(ENGINES)}")
    return names


def _counts(text: str) -> tuple[int, ...]:
    """--workers: whole numbers >= 1, comma-separated, one of them 1 (the ratios' base)."""
    try:
        counts = tuple(sorted({int(part) for part in text.split(",")}))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not comma-separated whole numbers: {text!r}") from None
    if not counts or counts[0] != 1:
        raise argparse.ArgumentTypeError(f"the counts must start at 1 (the ratios' base): {text!r}")
    return counts


def _cores() -> str:
    try:
        return subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"
