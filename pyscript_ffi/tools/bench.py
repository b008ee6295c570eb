"""``python -m pyscript_ffi bench``: call latency in headless Chromium, with the floor.

One run, one page: first the plain-JS SharedArrayBuffer round trip (the floor) in three
variants, then pyscript-ffi from a Pyodide worker on each workload, then several workers at
once, then PyScript itself (npm @pyscript/core) from its own worker on the same Pyodide and the
same workloads; and the CPython host beside its own floors (bench_host.py). Prints one table
(median, p99, mean, calls/s, median / floor) with our medians over PyScript's, checks that no
request left 127.0.0.1, draws the medians to a PNG and can write JSON.
"""

from __future__ import annotations

import argparse
import bisect
import datetime
import json
import platform
import shutil
import statistics
import subprocess
import threading
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from .. import assets
from ..server import make_server

ASSETS = Path(__file__).with_name("bench_assets")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
#: Chromium resolves no host name but 127.0.0.1: a page that reaches for a CDN fails loudly.
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"
FLOORS = ["waitAsync", "post", "spin"]
#: workers at once (issue 16), and how the page is woken: its doorbell, and the RING fallback
WORKER_COUNTS = (1, 2, 4, 8)
WAKES = ("doorbell", "post")
WORKLOADS = [
    ("title", "document.title read"),
    ("write", "el.textContent = s"),
    ("create", 'document.createElement("div")'),
    ("create_append", "createElement + appendChild"),
    ("single10", "10 single property reads"),
    ("gather10", "gather() of the same 10"),
    ("bytes_1mb", "1 MB argument + 1 MB result"),
]
SLOW = {"bytes_1mb": 20}  # fewer calls for the heavy workload: calls = n // this
# MicroPython moves 1 MB each way in about 45 ms (hex across its FFI, pure-Python msgpack)
MICRO_1MB_CALLS = 20
#: what PyScript's worker runs (workloads.py): all but 1 MB, whose page side is ours
PYSCRIPT_WORKLOADS = ["title", "write", "create", "create_append", "single10", "gather10"]
#: the workloads broken down into phases (one round trip per call), and the phases' names
#: (workload, label, Atomics.pause in the stub's poll or None for its default, method-call
#: detection): the variants are the A/B of two levers in the same run
PHASED = [("title", "document.title read", None, True),
          ("title", "read, Atomics.pause", True, True),
          ("title", "read, no method detection", None, False),
          ("write", "el.textContent = s", None, True)]
PHASES = ["Python before encode (proxy, request)", "encode (msgpack)", "into JS (to_js, call)",
          "store, ring doorbell, page wakes", "page's pass: claim, copy request",
          "page dispatch (decode, op, encode)", "wake of the worker",
          "reply into Python (to_bytes)", "decode (msgpack)",
          "Python after decode (unwrap, return)"]
COMPARED = ["title", "write", "create"]  # issue 6's three, with the target on the first
TARGET_SPEEDUP = 3.0  # issue 6: our document.title at least 3x faster than PyScript's worker
TIMEOUT_MS = 600_000
PYSCRIPT_BOOT_MS = 120_000


@dataclass(frozen=True)
class Row:
    name: str
    calls: int
    median_us: float
    p99_us: float
    mean_us: float
    calls_per_s: float


def row(name: str, samples_s: list[float], total_s: float) -> Row:
    ordered = sorted(samples_s)
    n = len(ordered)
    return Row(name, n, statistics.median(ordered) * 1e6, ordered[min(n - 1, int(n * 0.99))] * 1e6,
               total_s / n * 1e6, n / total_s)


QUICK = ["title", "write", "gather10"]  # --quick: these only, no MicroPython, no host, no workers


def measure(calls: int, workers: tuple[int, ...], chart: Path | None = None,
            facts: dict[str, Any] | None = None, quick: bool = False) -> dict[str, Any]:
    """Run everything in one browser session; returns rows and facts (and draws the chart to
    `chart` when given; `facts` go into its subtitle)."""
    try:
        assets.pyscript_core()
    except assets.MissingAsset as exc:
        raise SystemExit(f"bench: PyScript, the comparison's baseline, is missing: {exc}") from None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise SystemExit("bench: Playwright is not installed: pip install playwright, or run "
                         "scripts/setup in the checkout") from None
    executable = shutil.which("chromium")
    if executable is None:
        raise SystemExit("bench: Debian's chromium is not installed: run scripts/setup")
    server = make_server(ASSETS)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    out: dict[str, Any] = {"floor": [], "ffi": [], "round_trips": {}, "parallel": [],
                           "host": [], "pyscript": [], "pyscript_round_trips": {},
                           "pyscript_parallel": [], "micro": [], "phases": {},
                           "pyscript_version": _npm_version("@pyscript/core")}
    from .bench_host import MEASURES

    for name, measure_one in [] if quick else MEASURES:  # the CPython host, before the browser
        out["host"].append(row(name, *measure_one(calls)))
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable,
                                                 args=[*CHROMIUM_ARGS, OFFLINE])
            context = browser.new_context()
            outside: list[str] = []  # every request, the workers' too, that is not 127.0.0.1
            context.on("request",
                       lambda r: None if _local(r.url, origin) else outside.append(r.url))
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(f"{origin}/bench.html")
            page.wait_for_function("window.benchReady === true")
            for mode in [*FLOORS, "copy1mb"]:
                n = calls if mode != "copy1mb" else max(50, calls // SLOW["bytes_1mb"])
                got = page.evaluate("([m, n]) => bench.floor(m, n)", [mode, n])
                out["floor"].append(row(f"floor: {mode}", [s / 1e3 for s in got["samples"]],
                                        got["total"] / 1e3))
            out["boot_ms"] = page.evaluate("bench.start()")
            for name, label in WORKLOADS:
                if quick and name not in QUICK:
                    continue
                n = calls if name not in SLOW else max(50, calls // SLOW[name])
                got = page.evaluate("([w, n]) => bench.run(w, n)", [name, n])
                out["ffi"].append(row(label, got["samples"], got["total"]))
                out["round_trips"][label] = got["round_trips"]
            for name, label, pause, method_calls in PHASED:
                got = page.evaluate("(a) => bench.phases(...a)", [name, calls, pause, method_calls])
                out["phases"][label] = phases(got, calls)
            for wake in () if quick else WAKES:  # the doorbell, and the fallback's RING messages
                for count in workers:
                    got = page.evaluate("([c, n, w]) => bench.parallel(c, 'title', n, w)",
                                        [count, calls, wake])
                    out["parallel"].append({**_parallel(count, calls, got), "wake": wake})
            if not quick:
                _measure_micro(page, calls, out)
            # a repeat visit: a new page of the same browser, whose HTTP cache holds what the
            # first boot downloaded (and V8's code cache the wasm it compiled)
            out["boot_repeat_ms"] = _boot_in_new_page(context, origin, "bench.start()")
            _measure_pyscript(page, origin, calls, out, workers, quick)
            if out["pyscript"]:
                out["pyscript_boot_repeat_ms"] = _boot_in_new_page(
                    context, origin, "([o, ms]) => pyscript.start(o, ms)",
                    [{"version": f"{origin}/_ffi/pyodide/pyodide.mjs"}, PYSCRIPT_BOOT_MS])
            out["outside_requests"] = outside
            out["chromium"] = browser.version
            if chart is not None:
                out["chart"] = draw_chart(context.new_page(), f"{origin}/chart.html",
                                          {**(facts or {}), **out}, chart)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return out


def _boot_in_new_page(context: Any, origin: str, boot: str, arg: Any = None) -> float:
    """ms that `boot` (bench.start or pyscript.start) takes in a fresh page of `context`."""
    page = context.new_page()
    try:
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"{origin}/bench.html")
        page.wait_for_function("window.benchReady === true")
        return float(page.evaluate(boot, arg))
    finally:
        page.close()


def _measure_micro(page: Any, calls: int, out: dict[str, Any]) -> None:
    """The same workloads from a MicroPython worker."""
    out["micro_boot_ms"] = page.evaluate("bench.startMicro()")
    for name, label in WORKLOADS:
        n = calls if name not in SLOW else MICRO_1MB_CALLS
        got = page.evaluate("([w, n]) => bench.runMicro(w, n)", [name, n])
        out["micro"].append(row(label, got["samples"], got["total"]))


def _offset(before: list[float], after: list[float]) -> tuple[float, float]:
    """The offset of clock B from clock A (B = A + offset), and its uncertainty, from pairs of
    events known to be ordered: `before[i]` (B - A of an event on A before one on B) bounds it
    from above, `after[i]` (B - A of an event on B before one on A) from below. Each clock's
    origin is its own (Python's perf_counter, a worker's and the page's performance.now, whose
    timeOrigins disagree by tens of us), so the bench takes the middle of the tightest bounds
    over every call, as NTP does."""
    high, low = min(before), max(after)
    return (high + low) / 2, (high - low) / 2


def phases(got: dict[str, Any], calls: int) -> dict[str, Any]:
    """(median, mean) in us of each of PHASES, from the marks of `calls` one-round-trip calls:
    the worker's Python marks (call start, encode in/out, transport in/out, decode in/out, call
    end), its stub's (entered, REQUEST stored and rung, REPLY seen, returned), the page
    Channel's (request in hand, reply encoded) and its Server's wakes (`got["wakes"]`: each time
    the doorbell's wait returned, serving.js), all moved onto the stub's clock."""
    py, js = got["worker"]["py"], got["worker"]["js"]
    page = got["page"][-2 * calls:]  # the last `calls` requests served
    if len(py) != 8 * calls or len(js) != 4 * calls or len(page) != 2 * calls:
        raise RuntimeError(f"phase marks: {len(py)} Python, {len(js)} stub, {len(page)} page "
                           f"for {calls} calls: not one round trip per call?")
    calls_py = [py[8 * i:8 * i + 8] for i in range(calls)]
    calls_js = [js[4 * i:4 * i + 4] for i in range(calls)]
    calls_page = [page[2 * i:2 * i + 2] for i in range(calls)]
    wakes = sorted(got.get("wakes") or [])
    # Python enters the transport before the stub is entered, and gets its return after
    to_js, py_error = _offset([j[0] - p[3] for p, j in zip(calls_py, calls_js, strict=True)],
                              [j[3] - p[4] for p, j in zip(calls_py, calls_js, strict=True)])
    # the page has the request after the stub was entered (not after the "stored" mark: a worker
    # preempted between its store and that mark is served meanwhile), and encoded its reply
    # before the stub saw it
    to_page, page_error = _offset(
        [g[0] - j[0] for g, j in zip(calls_page, calls_js, strict=True)],
        [g[1] - j[2] for g, j in zip(calls_page, calls_js, strict=True)])
    columns: list[list[float]] = [[] for _ in PHASES]
    notify: list[float] = []
    for p, j, g in zip(calls_py, calls_js, calls_page, strict=True):
        start, enc0, enc1, _rt0, _rt1, dec0, dec1, end = (t + to_js for t in p)
        entered, stored, seen, _returned = j
        # the server's last wake before it had this request: if it came after the stub was
        # entered, the page was parked on the doorbell and this call woke it; if before, the page
        # was still in a pass and the wake costs this call nothing
        index = bisect.bisect_right(wakes, g[0]) - 1
        woke = wakes[index] - to_page if index >= 0 else entered
        got_request, replied = (t - to_page for t in g)
        woke = min(max(woke, entered), got_request)
        steps = [start, enc0, enc1, entered, woke, got_request, replied, seen, dec0, dec1, end]
        for column, (a, b) in zip(columns, zip(steps, steps[1:], strict=False), strict=True):
            column.append((b - a) * 1e3)
        notify.append((stored - entered) * 1e3)
    return {"phases": {name: (statistics.median(c), statistics.fmean(c))
                       for name, c in zip(PHASES, columns, strict=True)},
            # the page is often served before the worker's ring returns: not a phase
            "notify": (statistics.median(notify), statistics.fmean(notify)),
            "clock_error_us": (py_error * 1e3, page_error * 1e3),
            "wake": got.get("wake", "doorbell")}


def _phase_lines(out: dict[str, Any]) -> list[str]:
    measured = out.get("phases") or {}
    if not measured:
        return []
    labels = list(measured)
    table = {label: measured[label]["phases"] for label in labels}
    errors = [(f"{label}: Python/stub {measured[label]['clock_error_us'][0]:.0f}, "
                       f"stub/page {measured[label]['clock_error_us'][1]:.0f}")
              for label in labels]
    wake = measured[labels[0]].get("wake", "doorbell")
    lines = [f"phases of one round trip from the Pyodide worker, the page serving by its {wake} "
             "(serving.js), us (median / mean; marks cost ~1 us each, timers tick in 5 us)",
             f"{'':38}" + "".join(f" {label[:20]:>20}" for label in labels)]
    lines += [f"{name[:38]:38}" + "".join(
        f" {table[label][name][0]:9.1f} /{table[label][name][1]:7.1f}  " for label in labels)
        for name in PHASES]
    lines.append(f"{'sum of the means':38}" + "".join(
        f" {sum(v[1] for v in table[label].values()):19.1f} " for label in labels))
    lines.append(f"{'(worker: store REQUEST + ring returns)':38}" + "".join(
        f" {measured[label]['notify'][0]:9.1f} /{measured[label]['notify'][1]:7.1f}  "
        for label in labels))
    lines += _wrap("(clocks aligned by ordered marks, +- us)", errors)
    return lines


def _local(url: str, origin: str) -> bool:
    return url.startswith((f"{origin}/", "blob:", "data:"))


def _npm_version(package: str) -> str | None:
    try:
        meta = json.loads((assets.root() / "node_modules" / package / "package.json").read_text())
    except (OSError, ValueError):
        return None
    return str(meta["version"])


def _parallel(count: int, calls: int, got: dict[str, Any]) -> dict[str, Any]:
    """Aggregate calls/s, and the worst and the median per-worker p99, of `count` workers run
    at once."""
    p99s = sorted(row(f"worker {i}", r["samples"], r["total"]).p99_us
                  for i, r in enumerate(got["results"]))
    return {"workers": count, "aggregate_calls_per_s": count * calls / (got["wall"] / 1e3),
            "worst_p99_us": p99s[-1], "median_p99_us": p99s[(len(p99s) - 1) // 2]}


def _parallel_table(rows: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Workers reading document.title at once: per system and worker count, calls/s in all
    (and the ratio to one worker), the worst per-worker p99 and its ratio to the median
    worker's p99 (fairness)."""
    counts = sorted({p["workers"] for runs in rows.values() for p in runs})
    lines = ["workers reading document.title at once: calls/s in all (x one worker); "
             "worst per-worker p99 us (/ median worker's p99)",
             f"{'':38}" + "".join(f"{n} worker{'s' if n > 1 else ''}".rjust(24) for n in counts)]
    for who, runs in rows.items():
        by_count = {p["workers"]: p for p in runs}
        one = by_count.get(1, {}).get("aggregate_calls_per_s")
        rate, tail = [], []
        for n in counts:
            p = by_count.get(n)
            if p is None:
                rate.append(f"{'-':>24}")
                tail.append(f"{'-':>24}")
                continue
            calls_per_s, worst = p["aggregate_calls_per_s"], p["worst_p99_us"]
            ratio = f" ({calls_per_s / one:.2f}x)" if one and n != 1 else ""
            rate.append(f"{calls_per_s:.0f}/s{ratio}".rjust(24))
            fair = f" (/{worst / p['median_p99_us']:.2f})" if p.get("median_p99_us") else ""
            tail.append(f"{worst:.0f}{fair}".rjust(24))
        lines.append(f"{who:38}" + "".join(rate))
        lines.append(f"{'  worst p99 us (/median)':38}" + "".join(tail))
    return lines


def _measure_pyscript(page: Any, origin: str, calls: int, out: dict[str, Any],
                      workers: tuple[int, ...], quick: bool = False) -> None:
    """PyScript's worker on the same workloads; a failure is recorded, not raised, so the rest
    of the run still reports."""
    from playwright.sync_api import Error as PlaywrightError

    labels = dict(WORKLOADS)
    options = {"version": f"{origin}/_ffi/pyodide/pyodide.mjs"}  # the local Pyodide
    try:
        out["pyscript_boot_ms"] = page.evaluate("([o, ms]) => pyscript.start(o, ms)",
                                                [options, PYSCRIPT_BOOT_MS])
        for name in PYSCRIPT_WORKLOADS:
            if quick and name not in QUICK:
                continue
            got = page.evaluate("([w, n]) => pyscript.run(w, n)", [name, calls])
            out["pyscript"].append(row(labels[name], got["samples"], got["total"]))
            out["pyscript_round_trips"][labels[name]] = got["round_trips"]
        for count in () if quick else workers:
            got = page.evaluate("([c, n, o, ms]) => pyscript.parallel(c, 'title', n, o, ms)",
                                [count, calls, options, PYSCRIPT_BOOT_MS])
            out["pyscript_parallel"].append(_parallel(count, calls, got))
    except PlaywrightError as exc:
        out["pyscript_error"] = str(exc).strip().splitlines()[0]


def draw_chart(page: Any, url: str, out: dict[str, Any], path: Path) -> str:
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
        "subtitle": (f"pyscript-ffi bench {out.get('date', '')}: Chromium {out['chromium']}, "
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
    page.goto(url)
    page.wait_for_function("window.chartReady === true")
    page.evaluate("(d) => drawChart(d)", data)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.locator("#chart svg").screenshot(path=str(path))
    return str(path)


def comparison(out: dict[str, Any]) -> list[str]:
    """Our medians over PyScript's, one line per workload both ran."""
    if not out["pyscript"]:
        return [f"PyScript: not measured: {out.get('pyscript_error', 'no rows')}"]
    ours = {r.name: r for r in out["ffi"]}
    target = dict(WORKLOADS)[COMPARED[0]]
    lines = ["pyscript-ffi vs PyScript, medians in us (ours/PS below 1: ours is faster); speed-up",
             f"= PyScript / ours, issue 6's target: {target} {TARGET_SPEEDUP:.0f}x",
             f"{'':38} {'ours':>9} {'PyScript':>9} {'ours/PS':>8} {'(means)':>8} {'speed-up':>9} "
             f"{'round trips':>12}"]
    for r in out["pyscript"]:
        mine = ours[r.name]
        speedup = r.median_us / mine.median_us
        trips = (f"{out['round_trips'].get(r.name, float('nan')):.0f} / "
                 f"{out['pyscript_round_trips'].get(r.name, float('nan')):.0f}")
        verdict = ""
        if r.name == target:
            verdict = f"  target {'met' if speedup >= TARGET_SPEEDUP else 'NOT met'}"
        lines.append(f"{r.name:38} {mine.median_us:9.1f} {r.median_us:9.1f} "
                     f"{mine.median_us / r.median_us:8.2f} {mine.mean_us / r.mean_us:8.2f} "
                     f"{speedup:8.2f}x {trips:>12}{verdict}")
    return lines


def _wrap(head: str, items: list[str], width: int = 100) -> list[str]:
    """`head` and the items, separated by "; ", in lines of at most `width`, never inside one."""
    lines = [head]
    for item in items:
        if len(lines[-1]) + len(item) + 2 > width:
            lines[-1] += ";"
            lines.append(" ")
        lines[-1] += ("; " if lines[-1][-1] not in ": " else " ") + item
    return lines


def report(out: dict[str, Any]) -> str:
    best = min(r.median_us for r in out["floor"] if r.name != "floor: copy1mb")
    copy_floor = next(r.median_us for r in out["floor"] if r.name == "floor: copy1mb")
    lines = [f"{'':38} {'median':>9} {'p99':>9} {'mean':>9} {'calls/s':>10} {'/floor':>7}",
             f"{'':38} {'(us)':>9} {'(us)':>9} {'(us)':>9} {'':>10} {'':>7}"]

    def line(r: Row, floor: float) -> str:
        return (f"{r.name:38} {r.median_us:9.1f} {r.p99_us:9.1f} {r.mean_us:9.1f} "
                f"{r.calls_per_s:10.0f} {r.median_us / floor:7.2f}")

    lines += [line(r, best) for r in out["floor"]]
    lines.append(f"Pyodide worker boot, PyWorker() to ready: first visit {out['boot_ms']:.0f} ms, "
                 f"repeat visit {out.get('boot_repeat_ms', float('nan')):.0f} ms")
    for r in out["ffi"]:
        lines.append(line(r, copy_floor if "1 MB" in r.name else best))
    trips = out["round_trips"]
    lines += _wrap("round trips per call:",
                   [f"{r.name} {trips[r.name]:g}" for r in out["ffi"] if r.name in trips])
    gather_row = next(r for r in out["ffi"] if r.name.startswith("gather"))
    title_row = out["ffi"][0]
    lines += _phase_lines(out)
    lines.append(f"gather of 10 / one read: {gather_row.median_us / title_row.median_us:.2f}x")
    lines.append("(the 1 MB row is divided by the plain-JS 1 MB copy floor; the others by the "
                 "best floor)")
    if out.get("micro"):
        lines.append(f"MicroPython worker boot: {out['micro_boot_ms']:.0f} ms")
        for r in out["micro"]:
            lines.append(line(replace(r, name=f"MicroPython: {r.name}"),
                              copy_floor if "1 MB" in r.name else best))
    if out["pyscript"]:
        lines.append(f"PyScript {out.get('pyscript_version')} (@pyscript/core: coincident + "
                     f"reflected-ffi) worker, local Pyodide: boot {out['pyscript_boot_ms']:.0f} ms "
                     "(Pyodide's files already cached by ours), repeat visit "
                     f"{out.get('pyscript_boot_repeat_ms', float('nan')):.0f} ms")
        lines += [line(replace(r, name=f"PyScript: {r.name}"), best) for r in out["pyscript"]]
    ours = out["parallel"]
    if ours or out.get("pyscript_parallel"):  # (not in --quick)
        lines += _parallel_table({
            "pyscript-ffi (doorbell)": [p for p in ours if p.get("wake", "doorbell") == "doorbell"],
            "pyscript-ffi (RING: no waitAsync)": [p for p in ours if p.get("wake") == "post"],
            **({"PyScript": out["pyscript_parallel"]} if out.get("pyscript_parallel") else {}),
        })
    lines += comparison(out)
    outside = out.get("outside_requests", [])
    lines.append(f"requests that left 127.0.0.1: {len(outside)}"
                 + (": " + ", ".join(sorted(set(outside))[:5]) if outside else ""))
    if out["host"]:
        lines.append("CPython host (worker thread -> host thread; /floor: by the Condition floor)")
        host_floor = out["host"][0].median_us
        lines += [line(r, host_floor) for r in out["host"]]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="pyscript-ffi bench", description=__doc__)
    parser.add_argument("--calls", type=int, default=3000, help="calls per workload (3000)")
    parser.add_argument("--workers", type=_counts, default=WORKER_COUNTS,
                        help="worker counts at once, e.g. 1,2,4,8 (the default)")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument("--chart", type=Path, default=Path("bench.png"),
                        help="draw the medians to this PNG (bench.png)")
    parser.add_argument("--no-chart", action="store_true", help="draw no chart")
    parser.add_argument("--quick", action="store_true",
                        help=f"only {', '.join(QUICK)}, phases and boot, ours and PyScript's "
                             "(for A/B of one lever; no chart)")
    args = parser.parse_args(argv)
    if args.calls < 10:
        parser.error("--calls must be at least 10")
    chart = None if args.no_chart or args.quick else args.chart
    facts = {"date": datetime.date.today().isoformat(), "cores": _cores(), "calls": args.calls}
    out = {**facts, **measure(args.calls, args.workers, chart, facts, args.quick)}
    print(f"pyscript-ffi bench: Chromium {out['chromium']}, {platform.machine()}, "
          f"{out['cores']} cores, {args.calls} calls per workload")
    print(report(out))
    if "chart" in out:
        print(f"chart: {out['chart']}")
    if args.json:
        serial = {**out, **{key: [asdict(r) for r in out[key]]
                            for key in ("floor", "ffi", "host", "pyscript", "micro")}}
        args.json.write_text(json.dumps(serial, indent=1))
    return 0


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
