"""The house checks as part of the suite, so a change that breaks one fails CI like any other
test: ruff over the tree, strict mypy over broker, pyscript_ffi and pyscript (set in
pyproject.toml), and TypeScript over the JSDoc of js_glue."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--output-format", "concise",
                             "."], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_finds_nothing():
    # strict mypy over broker, pyscript_ffi and pyscript, as configured in pyproject.toml
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_tsc_checks_the_js_glue():
    # the JSDoc types of js_glue, checked by TypeScript (npm devDependency; js_glue/tsconfig.json)
    tsc = ROOT / "node_modules" / "typescript" / "bin" / "tsc"
    assert tsc.is_file(), "TypeScript is not installed: run scripts/setup (npm ci)"
    result = subprocess.run(["node", str(tsc), "-p", "js_glue/tsconfig.json"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
