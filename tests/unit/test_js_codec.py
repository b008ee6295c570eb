"""Runs the JS codec's tests (tests/js, node's test runner) as part of this suite."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_js_codec_matches_golden_frames():
    node = shutil.which("node")
    assert node, "node is not on PATH: run scripts/setup"
    assert (ROOT / "node_modules" / "msgpackr").is_dir(), "node_modules missing: run scripts/setup"
    # --expose-gc: the MicroPython test collects garbage to see proxies released
    result = subprocess.run([node, "--expose-gc", "--test", "tests/js/"], cwd=ROOT,
                            capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout
