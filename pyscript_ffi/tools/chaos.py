"""``python -m pyscript_ffi chaos``: workers of both interpreters making checked calls while the
page interrupts, terminates and replaces them and busies its own thread; then what was lost.

One headless Chromium, one page (``chaos_assets/chaos.html``). Pyodide and MicroPython workers
run ``chaos_assets/worker.py``: each call asks the page to echo (tag, seq) and checks the answer
is its own, and makes, uses and drops a proxy. One worker of each interpreter is left alone
("calm"); the other Pyodide workers are interrupted at random ("interrupted"), the other
MicroPython ones terminated at random and replaced by fresh ones ("replaced"); between those, the
page runs 50-500 ms of synchronous script. Seeded by ``--seed``.

It passes (exit 0) only if: no call in a worker that was not terminated got another call's
answer, and none failed but by an interrupt; every worker still alive finished its run; each
interrupted worker raised KeyboardInterrupt exactly as many times as it was interrupted (an
``interrupt()`` that finds the one before not yet taken is one with it: it returns false, and
is counted as merged, not sent); each
worker's live handles, after it settled, equal its baseline; every terminated worker's handles
went to 0; the page had no error. (A MicroPython worker returns its releases only once its own
and its JS collectors have both run: its handles are checked when all are terminated.)

    python -m pyscript_ffi chaos --seconds 60 --pyodide 6 --micropython 2 --seed 1
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from .served import chromium_page

ASSETS = Path(__file__).with_name("chaos_assets")
BOOT_SECONDS = 240


def problems(result: dict[str, Any]) -> list[str]:
    """What went wrong in a run's `result` (the page's figures), if anything."""
    found = [f"page error: {e}" for e in result["errors"]]
    for w in result["workers"]:
        name = f"{w['tag']} ({w['kind']}, {w['role']})"
        if not w["finished"]:
            found.append(f"{name} did not finish its run")
        if w["mismatches"] or w["errors"]:
            found.append(f"{name}: {w['mismatches']} mismatched, {w['errors']} failed calls "
                         f"(first: {w['firstError']})")
        if w["raised"] != w["sent"]:
            found.append(f"{name}: {w['sent']} interrupts sent, {w['raised']} raised")
        # (a MicroPython worker's releases wait for its own and its JS collector both to run:
        # its handles are checked once it is terminated, with every other worker's)
        if w["kind"] == "pyodide" and w["live"] != w["baseline"]:
            found.append(f"{name}: {w['live']} live handles after settling, baseline "
                         f"{w['baseline']}")
        if w["calls"] == 0:
            found.append(f"{name} made no call")
    if any(result["afterAll"]):
        found.append(f"handles left once every worker was terminated: {result['afterAll']}")
    return found


def report(result: dict[str, Any]) -> str:
    lines = [f"chaos: booted in {result['booted'] / 1000:.1f} s, "
             f"ran {result['wallMs'] / 1000:.1f} s in all",
             f"  page: {result['interruptsSent']} interrupts sent (and "
             f"{result.get('interruptsMerged', 0)} merged into one not yet taken), "
             f"{result['terminated']} workers "
             f"terminated and replaced, busy {result['busyTimes']} times "
             f"({result['busyMs'] / 1000:.1f} s)",
             f"  {'worker':8} {'kind':12} {'role':12} {'calls':>8} {'mismatch':>8} {'errors':>6} "
             f"{'sent':>5} {'raised':>6} {'handles':>11}"]
    lines += [f"  {w['tag']:8} {w['kind']:12} {w['role']:12} {w['calls']:8} "
              f"{w['mismatches']:8} {w['errors']:6} {w['sent']:5} {w['raised']:6} "
              f"{w['baseline']:>5}->{w['live']:<5}" for w in result["workers"]]
    calls = sum(w["calls"] for w in result["workers"])
    lines.append(f"  checked calls (workers alive at the end): {calls}; handles once all were "
                 f"terminated: {sum(result['afterAll'])}")
    found = problems(result)
    lines.append("PASS" if not found else "FAIL\n" + "\n".join(f"  {p}" for p in found))
    return "\n".join(lines)


def drive(page: Any, *, pyodide: int, micropython: int, seconds: float, seed: int
          ) -> dict[str, Any]:
    """Run the chaos in `page` (at chaos.html, anything with ``evaluate``); the page's figures."""
    page.wait_for_function("window.chaosReady === true")
    return dict(page.evaluate("(o) => chaos(o)", {"pyodide": pyodide, "micropython": micropython,
                                                 "seconds": seconds, "seedValue": seed}))


def measure(pyodide: int, micropython: int, seconds: float, seed: int) -> dict[str, Any]:
    """`drive` in a fresh headless Chromium, the page served by the package's own server."""
    with chromium_page(ASSETS, "chaos.html", tool="chaos",
                       timeout_ms=(BOOT_SECONDS * 2 + seconds + 180) * 1000) as page:
        return drive(page, pyodide=pyodide, micropython=micropython, seconds=seconds, seed=seed)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="pyscript-ffi chaos", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--pyodide", type=int, default=6, help="Pyodide workers (6; 1 calm)")
    parser.add_argument("--micropython", type=int, default=2,
                        help="MicroPython workers (2; 1 calm)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if args.pyodide < 1 or args.micropython < 1 or args.seconds <= 0:
        parser.error("at least one worker of each interpreter, and a positive --seconds")
    result = measure(args.pyodide, args.micropython, args.seconds, args.seed)
    print(report(result))
    if args.json:
        args.json.write_text(json.dumps({**result, "problems": problems(result)}, indent=1))
    return 1 if problems(result) else 0
