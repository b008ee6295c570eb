"""The runtime carries no bench machinery: no marks, switches or getters kept for one measurement
in js_glue/ or in the Python a page or worker runs (broker/, pyscript_ffi/ outside tools/). The
bench measures from its own assets (pyscript_ffi/tools/bench_assets: caller_marks.js,
workloads.py `phases`, bench.html `markPage`) or through the always-on statistics()."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[2]

#: What a bench hook looks like, with why each is refused where it is searched for.
ANYWHERE = {
    r"\bA/B\b": "an A/B of a design lives in the bench's assets, not as a switch in the runtime",
    r"for the bench": "a name kept for the bench belongs in the bench's assets",
    r"\.marks\b|\.wakes\b": "time marks are put on from outside (bench_assets) for a measurement",
}
JS_ONLY = {
    r"\bbench\b": "js_glue serves pages: the bench wraps its classes from bench_assets",
    r"\bPAUSE\b|\bthis\.pause\b": "a poll variant to compare is a bench asset, not a stub flag",
}
PYTHON_RUNTIME_ONLY = {
    r"\.pinned\b": "the transport has one route per frame size, no switch for a comparison",
}


def _runtime_js() -> list[Path]:
    return [p for p in (ROOT / "js_glue").rglob("*.js") if "vendor" not in p.parts]


def _runtime_python() -> list[Path]:
    tools = ROOT / "pyscript_ffi" / "tools"
    return [*(ROOT / "broker").rglob("*.py"),
            *(p for p in (ROOT / "pyscript_ffi").rglob("*.py") if tools not in p.parents)]


def _hits(paths: list[Path], patterns: dict[str, str]) -> list[str]:
    found = []
    for path in paths:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for pattern, why in patterns.items():
                if re.search(pattern, line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()} ({why})")
    return found


def test_the_searches_cover_the_runtime():
    js, python = _runtime_js(), _runtime_python()
    assert ROOT / "js_glue" / "stub.js" in js and ROOT / "js_glue" / "serving.js" in js
    assert ROOT / "pyscript_ffi" / "_pyodide.py" in python
    assert not any("tools" in p.relative_to(ROOT).parts for p in python)


def test_js_glue_has_no_bench_hooks():
    assert _hits(_runtime_js(), {**ANYWHERE, **JS_ONLY}) == []


def test_runtime_python_has_no_bench_hooks():
    python = _runtime_python()
    pyscript_ffi = [p for p in python if p.is_relative_to(ROOT / "pyscript_ffi")]
    assert _hits(python, ANYWHERE) + _hits(pyscript_ffi, PYTHON_RUNTIME_ONLY) == []


def test_the_patterns_catch_what_they_name():
    # each pattern finds the hook it was written for (so a typo cannot make the tests pass)
    samples = {r"\bA/B\b": "measured A/B in one page", r"for the bench": "(for the bench) getter",
               r"\.marks\b|\.wakes\b": "if (this.wakes) this.wakes.push(t)",
               r"\bbench\b": "the bench flips it",
               r"\bPAUSE\b|\bthis\.pause\b": "const PAUSE = false",
               r"\.pinned\b": "transport.pinned = False"}
    assert samples.keys() == {**ANYWHERE, **JS_ONLY, **PYTHON_RUNTIME_ONLY}.keys()
    for pattern, sample in samples.items():
        assert re.search(pattern, sample), pattern
    assert not re.search(r"\bbench\b", "docs/benchmarks.md")
