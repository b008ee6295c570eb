"""``python -m pyscript_ffi bench``: call latency in headless Chromium, with the floor.

One run, one page: first the plain-JS SharedArrayBuffer round trip (the floor) in three
variants, then pyscript-ffi from a Pyodide worker on each workload, then several workers at
once; and the CPython host beside its own floors (bench_host.py). Prints one table (median,
p99, mean, calls/s, median / floor) and can write JSON.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .server import make_server

ASSETS = Path(__file__).with_name("bench_assets")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
FLOORS = ["waitAsync", "post", "spin"]
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
TIMEOUT_MS = 600_000


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


def measure(calls: int, workers: int) -> dict[str, Any]:
    """Run everything in one browser session; returns rows and facts."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        raise SystemExit("bench: Debian's chromium is not installed: run scripts/setup")
    server = make_server(ASSETS)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/bench.html"
    out: dict[str, Any] = {"floor": [], "ffi": [], "parallel": [], "host": []}
    from .bench_host import MEASURES

    for name, measure_one in MEASURES:  # the CPython host, before the browser starts
        out["host"].append(row(name, *measure_one(calls)))
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(url)
            page.wait_for_function("window.benchReady === true")
            for mode in [*FLOORS, "copy1mb"]:
                n = calls if mode != "copy1mb" else max(50, calls // SLOW["bytes_1mb"])
                got = page.evaluate("([m, n]) => bench.floor(m, n)", [mode, n])
                out["floor"].append(row(f"floor: {mode}", [s / 1e3 for s in got["samples"]],
                                        got["total"] / 1e3))
            out["boot_ms"] = page.evaluate("bench.start()")
            for name, label in WORKLOADS:
                n = calls if name not in SLOW else max(50, calls // SLOW[name])
                got = page.evaluate("([w, n]) => bench.run(w, n)", [name, n])
                out["ffi"].append(row(label, got["samples"], got["total"]))
            n = calls
            for count in (1, workers):
                got = page.evaluate("([c, n]) => bench.parallel(c, 'title', n)", [count, n])
                per_worker = [row(f"worker {i}", r["samples"], r["total"])
                              for i, r in enumerate(got["results"])]
                out["parallel"].append({
                    "workers": count,
                    "aggregate_calls_per_s": count * n / (got["wall"] / 1e3),
                    "worst_p99_us": max(r.p99_us for r in per_worker),
                })
            out["chromium"] = browser.version
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return out


def report(out: dict[str, Any]) -> str:
    best = min(r.median_us for r in out["floor"] if r.name != "floor: copy1mb")
    copy_floor = next(r.median_us for r in out["floor"] if r.name == "floor: copy1mb")
    lines = [f"{'':38} {'median':>9} {'p99':>9} {'mean':>9} {'calls/s':>10} {'/floor':>7}",
             f"{'':38} {'(us)':>9} {'(us)':>9} {'(us)':>9} {'':>10} {'':>7}"]

    def line(r: Row, floor: float) -> str:
        return (f"{r.name:38} {r.median_us:9.1f} {r.p99_us:9.1f} {r.mean_us:9.1f} "
                f"{r.calls_per_s:10.0f} {r.median_us / floor:7.2f}")

    lines += [line(r, best) for r in out["floor"]]
    lines.append(f"pyodide worker boot: {out['boot_ms']:.0f} ms")
    for r in out["ffi"]:
        lines.append(line(r, copy_floor if "1 MB" in r.name else best))
    gather_row = next(r for r in out["ffi"] if r.name.startswith("gather"))
    title_row = out["ffi"][0]
    lines.append(f"gather of 10 / one read: {gather_row.median_us / title_row.median_us:.2f}x")
    one, many = out["parallel"]
    lines.append(
        f"{many['workers']} workers reading document.title at once: "
        f"{many['aggregate_calls_per_s']:.0f} calls/s in all "
        f"({many['aggregate_calls_per_s'] / one['aggregate_calls_per_s']:.2f}x one worker's "
        f"{one['aggregate_calls_per_s']:.0f}), worst per-worker p99 {many['worst_p99_us']:.0f} us")
    lines.append("(the 1 MB row is divided by the plain-JS 1 MB copy floor; the others by the "
                 "best floor)")
    lines.append("CPython host (worker thread -> host thread; /floor: by the Condition floor)")
    host_floor = out["host"][0].median_us
    lines += [line(r, host_floor) for r in out["host"]]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="pyscript-ffi bench", description=__doc__)
    parser.add_argument("--calls", type=int, default=3000, help="calls per workload (3000)")
    parser.add_argument("--workers", type=int, default=4, help="workers at once (4)")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args(argv)
    if args.calls < 10 or args.workers < 2:
        parser.error("--calls must be at least 10 and --workers at least 2")
    out = measure(args.calls, args.workers)
    print(f"pyscript-ffi bench: Chromium {out['chromium']}, {platform.machine()}, "
          f"{_cores()} cores, {args.calls} calls per workload")
    print(report(out))
    if args.json:
        serial = {**out, "floor": [asdict(r) for r in out["floor"]],
                  "ffi": [asdict(r) for r in out["ffi"]],
                  "host": [asdict(r) for r in out["host"]]}
        args.json.write_text(json.dumps(serial, indent=1))
    return 0


def _cores() -> str:
    try:
        return subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"
