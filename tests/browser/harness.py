"""Helpers for tests that drive tests/browser/pages/harness.html: one PyWorker per page."""

from __future__ import annotations

import ast
from pathlib import Path

BOOT_MS = 90_000
SCENARIOS_DIR = Path(__file__).parents[1] / "scenarios"


def scenario_names(filename: str) -> list[str]:
    """The `scenario_*` functions of tests/scenarios/`filename`, one pytest case each."""
    tree = ast.parse((SCENARIOS_DIR / filename).read_text())
    return [node.name for node in tree.body
            if isinstance(node, ast.FunctionDef) and node.name.startswith("scenario_")]


def open_harness(browser, base_url, src, timeout_ms=30_000, kind="pyodide"):
    """A harness page whose worker (`kind`: pyodide or micropython) runs `src`, once ready."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base_url}/browser/pages/harness.html?src={src}&timeout={timeout_ms}&type={kind}")
    page.wait_for_function("window.harness !== undefined", timeout=BOOT_MS)
    state = page.evaluate("window.harness")
    assert state == "ready", f"{src} did not start: {state}\npage errors: {errors}"
    return page


def settle(page) -> int:
    """Live main-thread handles once the worker has collected and returned its drops."""
    return page.evaluate(
        "async () => { await w.sync.settle(); return w.statistics().liveHandles; }")
