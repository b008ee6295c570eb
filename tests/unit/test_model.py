"""The serving model (pyscript_ffi/tools/model.mjs) runs each design and reports each count."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).parents[2] / "pyscript_ffi" / "tools" / "model.mjs"


def run_model(*args: str) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    assert node, "node is not on PATH: run scripts/setup"
    return subprocess.run([node, str(SCRIPT), *args], capture_output=True, text=True,
                          timeout=120, check=False)


def test_every_design_serves_every_worker_count():
    out = run_model("--calls", "100", "--workers", "1,3",
                    "--designs", "loops,doorbell,polling,post", "--worker-us", "5")
    assert out.returncode == 0, out.stderr
    assert "5 us of worker work between calls" in out.stdout
    for design in ("loops", "doorbell", "polling", "post"):
        row = next(line for line in out.stdout.splitlines() if line.startswith(design))
        rates = [int(r.replace(",", "")) for r in re.findall(r"([\d,]+)/s", row)]
        assert len(rates) == 2 and all(rate > 0 for rate in rates), row
        assert re.search(r"\d+\.\d\dx", row), f"no ratio to one worker: {row}"


def test_the_polling_of_both_ends_can_be_set_and_is_reported():
    # workers that block at once and a main thread that parks at once still serve every call
    out = run_model("--calls", "200", "--workers", "1,2", "--designs", "polling",
                    "--spin-us", "0", "--poll-us", "0")
    assert out.returncode == 0, out.stderr
    assert "workers poll up to 0 us, the main thread (polling) up to 0 us" in out.stdout
    row = next(line for line in out.stdout.splitlines() if line.startswith("polling"))
    assert len(re.findall(r"[\d,]+/s", row)) == 2, row


def test_bad_arguments_name_the_problem():
    out = run_model("--designs", "telepathy")
    assert out.returncode == 2
    assert 'unknown design "telepathy"' in out.stderr and "doorbell" in out.stderr
    out = run_model("--workers", "0")
    assert out.returncode == 2 and "--workers takes whole numbers >= 1" in out.stderr
    out = run_model("--worker-us", "-1")
    assert out.returncode == 2 and "--worker-us must be a number >= 0" in out.stderr
    out = run_model("--spin-us", "soon")
    assert out.returncode == 2 and "--spin-us must be a number >= 0" in out.stderr
