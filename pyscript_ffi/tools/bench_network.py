"""The boot over a network (bench.py's network rows): Chromium's DevTools network emulation
(`Network.emulateNetworkConditions`: THROTTLE's round trip and bandwidth) on every page, ours and
PyScript's boot of one Pyodide worker on the same local Pyodide files, as a new visitor (a
browser context of its own: empty HTTP cache, code cache and Cache Storage) and as a returning
one (a second page of that context). Each visit reports the ms from the navigation's start to
the worker's ready, when the page's own script began (its glue loaded), the requests the page and
its worker made, and the bytes they took over the wire (encoded bodies and headers).

The pages are bench_assets/net_ours.html (the glue by a module script, as an app loads it) and
net_pyscript.html (PyScript's core.js the same way); both boot net_app.py.
"""

from __future__ import annotations

from typing import Any

#: the network of the rows: 40 ms of round trip (DevTools adds it to each response), 20 Mbit/s
#: each way
RTT_MS = 40
MBIT_S = 20
THROTTLE = {"offline": False, "latency": RTT_MS, "downloadThroughput": MBIT_S * 1e6 / 8,
            "uploadThroughput": MBIT_S * 1e6 / 8}
PAGES = {"ours": "/net_ours.html", "pyscript": "/net_pyscript.html"}
VISITS = ("new", "returning")
#: ms a throttled boot may take (PyScript's new visitor downloads ~13 MB at 20 Mbit/s)
BOOT_MS = 180_000
#: Rounds: each boots both systems, alternating which goes first (as bench.py's boot rows)
ROUNDS = 2


def measure_network(browser: Any, origin: str, rounds: int = ROUNDS) -> dict[str, Any]:
    """{system: {visit: [one record per round]}}, each record {"ms", "glue_ms", "last_byte_ms",
    "requests", "failed", "bytes", "snapshot"}; `browser` is a Playwright Chromium browser."""
    out: dict[str, Any] = {"rtt_ms": RTT_MS, "mbit_s": MBIT_S,
                           **{system: {visit: [] for visit in VISITS} for system in PAGES}}
    for round_ in range(rounds):
        for system in tuple(PAGES)[:: 1 if round_ % 2 == 0 else -1]:
            context = browser.new_context()
            try:
                for visit in VISITS:
                    out[system][visit].append(_visit(context, f"{origin}{PAGES[system]}"))
            finally:
                context.close()
    return out


def _visit(context: Any, url: str) -> dict[str, Any]:
    """One throttled page of `context` at `url`, until its worker is ready."""
    page = context.new_page()
    finished: list[Any] = []
    failed: list[str] = []

    def on_finished(request: Any) -> None:
        finished.append(request)

    def on_failed(request: Any) -> None:
        failed.append(request.url)

    context.on("requestfinished", on_finished)
    context.on("requestfailed", on_failed)
    try:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", THROTTLE)
        page.goto(url)
        page.wait_for_function("window.netResult !== undefined", timeout=BOOT_MS)
        result = page.evaluate("window.netResult")
        if "error" in result:
            raise RuntimeError(f"bench: {url} did not boot over the throttled network: "
                               f"{result['error']}")
        wire = 0
        starts, ends = [], []
        for request in finished:
            sizes = request.sizes()
            wire += sizes["responseBodySize"] + sizes["responseHeadersSize"]
            timing = request.timing  # startTime: epoch ms; the rest: ms after it (-1: none)
            starts.append(timing["startTime"])
            ends.append(timing["startTime"] + max(timing["responseEnd"], 0))
        return {"ms": result["ms"], "glue_ms": result["glue"], "requests": len(finished),
                "failed": len(failed), "bytes": wire, "snapshot": result["snapshot"],
                "last_byte_ms": max(ends) - min(starts) if starts else 0.0}
    finally:
        context.remove_listener("requestfinished", on_finished)
        context.remove_listener("requestfailed", on_failed)
        page.close()


def network_lines(got: dict[str, Any]) -> list[str]:
    """The rows as text: per system and visit, the median boot over the rounds, the glue's load,
    requests and MB; then ours over PyScript's."""
    from statistics import median

    lines = [f"boot over a network (Chromium's emulation: {got['rtt_ms']} ms round trip, "
             f"{got['mbit_s']} Mbit/s each way), navigation to ready, median of "
             f"{len(got['ours']['new'])} round(s):",
             f"  {'':33}{'boot ms':>9}{'glue ms':>9}{'last byte':>10}{'requests':>10}"
             f"{'MB':>8}  each round (ms)"]
    for system, label in (("ours", "pyscript-ffi"), ("pyscript", "PyScript")):
        for visit in VISITS:
            runs = got[system][visit]
            if not runs:
                continue
            lines.append(
                f"  {label + ', ' + visit + ' visitor':33}{median(r['ms'] for r in runs):9.0f}"
                f"{median(r['glue_ms'] for r in runs):9.0f}"
                f"{median(r.get('last_byte_ms', 0) for r in runs):10.0f}"
                f"{median(r['requests'] for r in runs):10.0f}"
                f"{median(r['bytes'] for r in runs) / 1e6:8.2f}  "
                + ", ".join(f"{r['ms']:.0f}" for r in runs))
    for visit in VISITS:
        ours, theirs = got["ours"][visit], got["pyscript"][visit]
        if ours and theirs:
            ratio = median(r["ms"] for r in ours) / median(r["ms"] for r in theirs)
            lines.append(f"  {visit} visitor: ours / PyScript's = {ratio:.2f}x")
    return lines
