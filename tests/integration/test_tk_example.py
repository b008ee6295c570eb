"""examples/tk/app.py under a virtual X server: worker threads fill a Tk window through the
CPython host, and every line arrives."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

APP = Path(__file__).parents[2] / "examples" / "tk" / "app.py"


@pytest.fixture
def display():
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.fail("Xvfb is not installed: run scripts/setup (it installs Debian's xvfb)",
                    pytrace=False)
    read, write = os.pipe()
    server = subprocess.Popen([xvfb, "-displayfd", str(write), "-screen", "0", "800x600x24",
                               "-nolisten", "tcp"], pass_fds=[write], stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    try:
        assert number, "Xvfb did not report a display number"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


def test_tk_window_filled_from_worker_threads(display):
    result = subprocess.run([sys.executable, str(APP), "--check"], capture_output=True,
                            text=True, timeout=120, env={**os.environ, "DISPLAY": display})
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("60 lines"), result.stdout
