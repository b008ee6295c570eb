"""PyScript's own Python test suite (its repository's ``core/tests/python/``, run by upytest), run
offline in headless Chromium on our ``/_ffi/core.js`` or on real PyScript, in its four modes:

    python -m pyscript_ffi upstream --suite CHECKOUT/core/tests/python --upytest UPYTEST.py \\
        --core ours|pyscript|pyscript+plugin [--modes mpy-main,mpy-worker,py-main,py-worker]

The suite and upytest.py are copied to a temporary folder; the page is rewritten to load our core or
PyScript 0.7.31 (``node_modules/@pyscript/core``, served as ``/_ffi/vendor/pyscript/``), alone or
with our plugin before it (``pyscript+plugin``, docs/pyscript.md); the configs fetch upytest.py from
that folder instead of GitHub, PyScript's ``interpreter`` key points at the local Pyodide or
MicroPython, and packages that need the internet (Pillow) are dropped. Chromium resolves no host but
127.0.0.1, so anything still online fails loudly. Each mode is the page with upstream's query string
(``?type=py`` picks Pyodide, ``&worker`` a worker), waited for until upytest writes its JSON result
into ``#result``, within ``--timeout`` seconds.

Printed: pass / fail / skip counts per mode and per test file, and each failing test's name with
the last line of its traceback. ``--json FILE`` writes every result. ``--per-file`` runs each
test file on its own (a file that fails to import is one failure, not a stopped run).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

MODES = ("mpy-main", "mpy-worker", "py-main", "py-worker")
#: test files that need the internet (they fetch from public hosts): left out offline
ONLINE_ONLY = ("test_fetch.py",)
#: packages PyScript would download from PyPI / Pyodide's CDN: not available offline
ONLINE_PACKAGES = ("Pillow",)
CORES = {
    "ours": ("/_ffi/core.js", "/_ffi/core.css"),
    "pyscript": (PYSCRIPT_JS := "/_ffi/vendor/pyscript/dist/core.js",
                 PYSCRIPT_CSS := "/_ffi/vendor/pyscript/dist/core.css"),
    # PyScript with our plugin before its core.js (docs/pyscript.md): its workers on our channel
    "pyscript+plugin": (PYSCRIPT_JS, PYSCRIPT_CSS),
}
#: what the page loads before the core, per core
PLUGIN = '<script type="module" src="/_ffi/pyscript-plugin.js"></script>\n'
BEFORE_CORE = {"pyscript+plugin": PLUGIN}
INTERPRETERS = {"py": "/_ffi/pyodide/pyodide.mjs", "mpy": "/_ffi/micropython/micropython.mjs"}
#: Chromium may reach only our server
OFFLINE = ['--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1']


#: `--per-file`'s main.py: each test file run on its own, so one that fails to import (a name
#: the core lacks) counts as one failure instead of stopping the whole run
PER_FILE_MAIN = """\
import asyncio
import json
import os

import upytest
from pyscript import document


async def main():
    result = {"passes": [], "fails": [], "skipped": []}
    for name in sorted(os.listdir("./tests")):
        if not (name.startswith("test_") and name.endswith(".py")):
            continue
        path = "./tests/" + name
        try:
            one = await upytest.run(path, random=True)
        except Exception as exc:
            result["fails"].append({"module_name": path, "test_name": "<import>",
                                    "status": "fail", "traceback": repr(exc), "reason": None})
            continue
        for key in result:
            result[key].extend(one[key])
    out = document.createElement("div")
    out.id = "result"
    out.textContent = json.dumps(result)
    document.body.append(out)


task = asyncio.create_task(main())
"""


class SuiteError(RuntimeError):
    """The suite folder or upytest.py is not what this runner expects."""


def prepare(suite: Path, upytest: Path, dest: Path, core: str, origin: str,
            leave_out: tuple[str, ...], per_file: bool = False) -> list[str]:
    """Copy the suite into `dest` (as dest/tests/python, upstream's place) and rewrite it for
    `core` served at `origin`; returns the notes on what was changed."""
    for needed in ("index.html", "helper.js", "main.py", "settings_py.json", "tests"):
        if not (suite / needed).exists():
            raise SuiteError(f"{suite} has no {needed}: give --suite the folder "
                             "core/tests/python of a PyScript checkout")
    if not upytest.is_file():
        raise SuiteError(f"no upytest.py at {upytest}: give --upytest the file")
    home = dest / "tests" / "python"
    shutil.copytree(suite, home)
    shutil.copy(upytest, home / "upytest.py")
    notes = []
    for name in leave_out:
        if (home / "tests" / name).exists():
            (home / "tests" / name).unlink()
            notes.append(f"left out tests/{name} (needs the internet)")
    if per_file:
        (home / "main.py").write_text(PER_FILE_MAIN)
        notes.append("main.py runs each test file on its own (--per-file)")
    script, css = CORES[core]
    page = (home / "index.html").read_text()
    page = re.sub(r'(<script[^>]*)src="[^"]*core\.js"',
                  lambda m: BEFORE_CORE.get(core, "") + f'{m.group(1)}src="{script}"', page)
    page = re.sub(r'href="[^"]*core\.css"', f'href="{css}"', page)
    (home / "index.html").write_text(page)
    for kind in ("py", "mpy"):
        path = home / f"settings_{kind}.json"
        config = json.loads(path.read_text())
        files = {}
        for source, target in config.get("files", {}).items():
            if source.endswith("/upytest.py"):
                files["./upytest.py"] = target
            elif Path(source).name not in leave_out:
                files[source] = target
        config["files"] = files
        packages = config.get("packages", [])
        dropped = [p for p in packages if p in ONLINE_PACKAGES]
        if dropped:  # (an empty list would still make PyScript load micropip)
            config["packages"] = [p for p in packages if p not in ONLINE_PACKAGES]
            if not config["packages"]:
                del config["packages"]
            notes.append(f"{kind}: dropped packages {dropped} (not available offline)")
        if core.startswith("pyscript"):
            config["interpreter"] = origin + INTERPRETERS[kind]
        path.write_text(json.dumps(config, indent=2))
    return notes


def query(mode: str) -> str:
    kind, thread = mode.split("-")
    parts = ["type=py"] if kind == "py" else []
    if thread == "worker":
        parts.append("worker")
    return "?" + "&".join(parts) if parts else ""


def run_mode(browser: Any, url: str, timeout: float) -> dict[str, Any]:
    """One mode's upytest result, or {"error": ...} with the page's last console lines."""
    page = browser.new_page()
    console: list[str] = []
    page.playwright_page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    started = time.monotonic()
    try:
        page.goto(url)
        try:
            page.wait_for_selector("#result", timeout)
        except TimeoutError:
            return {"error": f"no #result within {timeout:g} s", "console": console[-25:],
                    "page_errors": page.errors()}
        result: dict[str, Any] = json.loads(page.inner_text("#result"))
        result["seconds"] = time.monotonic() - started
        result["console"] = console
        return result
    finally:
        page.close()


def summarise(mode: str, result: dict[str, Any], out: Any) -> None:
    if "error" in result:
        print(f"\n== {mode}: FAILED TO RUN: {result['error']}", file=out)
        for line in [*result["page_errors"], *result["console"]]:
            print(f"   | {line[:300]}", file=out)
        return
    counts = {k: len(result[k]) for k in ("passes", "fails", "skipped")}
    print(f"\n== {mode}: {counts['passes']} passed, {counts['fails']} failed, "
          f"{counts['skipped']} skipped ({result['seconds']:.0f} s)", file=out)
    by_file: dict[str, Counter[str]] = {}
    for key in ("passes", "fails", "skipped"):
        for test in result[key]:
            by_file.setdefault(Path(test["module_name"]).name, Counter())[key] += 1
    for name in sorted(by_file):
        c = by_file[name]
        print(f"   {name:28} {c['passes']:4} pass {c['fails']:4} fail {c['skipped']:4} skip",
              file=out)
    for test in result["fails"]:
        last = (test.get("traceback") or "").strip().splitlines()[-1:] or [""]
        print(f"   FAIL {Path(test['module_name']).name}::{test['test_name']}: {last[0][:200]}",
              file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pyscript-ffi upstream", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suite", required=True, type=Path,
                        help="a PyScript checkout's core/tests/python folder")
    parser.add_argument("--upytest", required=True, type=Path, help="upytest.py")
    parser.add_argument("--core", choices=sorted(CORES), default="ours")
    parser.add_argument("--modes", default=",".join(MODES),
                        help=f"comma-separated, of {', '.join(MODES)}")
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="seconds one mode may take (default 300)")
    parser.add_argument("--include-online", action="store_true",
                        help=f"keep {', '.join(ONLINE_ONLY)} (it fails offline)")
    parser.add_argument("--per-file", action="store_true",
                        help="run each test file on its own: a file that fails to import "
                        "counts as one failure (<import>) instead of stopping the run")
    parser.add_argument("--json", type=Path, help="write every mode's full result here")
    args = parser.parse_args(argv)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        parser.error(f"unknown modes {unknown}: use {', '.join(MODES)}")

    from .. import assets
    from ..server import make_server
    from .browsers.chromium import Chromium

    assets.check()
    with tempfile.TemporaryDirectory(prefix="upstream-") as folder:
        server = make_server(folder, 0)
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            notes = prepare(args.suite, args.upytest, Path(folder), args.core, origin,
                            () if args.include_online else ONLINE_ONLY, args.per_file)
        except (OSError, SuiteError) as exc:
            print(f"pyscript-ffi upstream: {exc}", file=sys.stderr)
            return 2
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        print(f"core: {args.core}; " + "; ".join(notes), flush=True)
        results: dict[str, Any] = {}
        try:
            with Chromium(args=OFFLINE) as browser:
                for mode in modes:
                    url = f"{origin}/tests/python/index.html{query(mode)}"
                    results[mode] = run_mode(browser, url, args.timeout)
                    summarise(mode, results[mode], sys.stdout)
                    sys.stdout.flush()
        finally:
            server.shutdown()
            server.server_close()
    print("\n" + " | ".join(
        f"{m}: " + (f"{len(r['passes'])}/{len(r['passes']) + len(r['fails'])}"
                    if "error" not in r else "did not run") for m, r in results.items()))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0 if all("error" not in r and not r["fails"] for r in results.values()) else 1
