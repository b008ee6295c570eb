"""``python -m pyscript_ffi.tools.bench_plugin``: PyScript 0.7 (npm @pyscript/core) with
js_glue/pyscript-plugin.js, beside PyScript alone and pyscript-ffi's own PyWorker, in Chromium:
boot, a read, a write and a createElement from a Pyodide worker (workloads.py), and a
``pyscript.web`` workload (PyScript's package in its workers, pyscript-ffi's in its PyWorker):
build a table of 500 rows, toggle a class on every row, read every row's text. Each system boots
in a fresh page of one browser (bench_assets/plugin.html), warms up as bench.py's rows do, then
measures. Offline, as bench.py.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path
from typing import Any

from ..server import make_server
from .bench import ASSETS, PYSCRIPT_BOOT_MS, _launch, _npm_version, _warm_up
from .bench_report import WORKLOADS, Row, row

SYSTEMS = {"ours": "pyscript-ffi PyWorker", "pyscript": "PyScript alone",
           "plugin": "PyScript + plugin"}
CALLS_WORKLOADS = ["title", "write", "create"]
WEB_ROWS = 500


def measure(calls: int, web_runs: int) -> dict[str, Any]:
    """{system: {"boot_ms", "rows": [Row], "round_trips": {...}, "web": Row | None}}."""
    server = make_server(ASSETS)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    labels = dict(WORKLOADS)
    out: dict[str, Any] = {"pyscript_version": _npm_version("@pyscript/core")}
    try:
        with _launch("chromium") as browser:
            out["version"] = browser.version
            context = browser.playwright_browser.new_context()
            for system in SYSTEMS:
                page = context.new_page()
                page.goto(f"{origin}/plugin.html?system={system}")
                page.wait_for_function("window.benchReady === true")
                got: dict[str, Any] = {"rows": [], "round_trips": {}, "web": None}
                got["boot_ms"] = page.evaluate("([u, ms]) => pluginBench.start(u, ms)",
                                               [f"{origin}/_ffi/pyodide/pyodide.mjs",
                                                PYSCRIPT_BOOT_MS])
                _warm_up(page, "pluginBench.run", CALLS_WORKLOADS)
                for name in CALLS_WORKLOADS:
                    result = page.evaluate("([w, n]) => pluginBench.run(w, n)", [name, calls])
                    got["rows"].append(row(labels[name], result["samples"], result["total"]))
                    got["round_trips"][labels[name]] = result["round_trips"]
                # (ours: pyscript-ffi's own pyscript package, in its PyWorker)
                page.evaluate("([r, n]) => pluginBench.web(r, n)", [WEB_ROWS, 1])  # warm
                result = page.evaluate("([r, n]) => pluginBench.web(r, n)", [WEB_ROWS, web_runs])
                got["web"] = row(f"pyscript.web {WEB_ROWS} rows", result["samples"],
                                 result["total"])
                got["round_trips"]["web"] = result["round_trips"]
                out[system] = got
                page.close()
    finally:
        server.shutdown()
        server.server_close()
    return out


def report(out: dict[str, Any]) -> str:
    """The rows as a table: median (us; ms for the web workload), round trips per call, and
    PyScript alone over the plugin."""
    lines = [f"Chromium {out.get('version', '?')}, PyScript {out.get('pyscript_version')}: "
             "median per call (round trips per call)"]
    header = f"{'':32}" + "".join(f"{label:>26}" for label in SYSTEMS.values())
    lines += [header + f"{'alone / plugin':>16}"]
    names = [r.name for r in out["plugin"]["rows"]]

    def cell(system: str, found: Row | None, trips: float | None, scale: float, unit: str) -> str:
        if found is None:
            return f"{'n/a':>26}"
        return f"{found.median_us / scale:>14.2f} {unit} ({trips:>7.1f})"

    for index, name in enumerate(names):
        cells = [cell(s, out[s]["rows"][index], out[s]["round_trips"][name], 1, "us")
                 for s in SYSTEMS]
        ratio = out["pyscript"]["rows"][index].median_us / out["plugin"]["rows"][index].median_us
        lines.append(f"{name:32}" + "".join(cells) + f"{ratio:>15.1f}x")
    web = [cell(s, out[s]["web"], out[s]["round_trips"].get("web"), 1e3, "ms") for s in SYSTEMS]
    ratio = out["pyscript"]["web"].median_us / out["plugin"]["web"].median_us
    lines.append(f"{'pyscript.web 500 rows':32}" + "".join(web) + f"{ratio:>15.1f}x")
    boots = "".join(f"{out[s]['boot_ms']:>23.0f} ms" for s in SYSTEMS)
    lines.append(f"{'boot (fresh page)':32}" + boots)
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m pyscript_ffi.tools.bench_plugin",
                                     description=__doc__)
    parser.add_argument("--calls", type=int, default=2000, help="calls per workload (2000)")
    parser.add_argument("--web-runs", type=int, default=5, help="pyscript.web runs (5)")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args(argv)
    out = measure(args.calls, args.web_runs)
    print(report(out))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1, default=lambda r: r.__dict__))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
