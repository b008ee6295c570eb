"""``python -m pyscript_ffi model``: the page's serving designs as plain JavaScript in Node.

One Node main thread serves N worker threads' synchronous round trips, each design the way the
page would (``model.mjs`` says how), and prints calls/s in all per design and worker count. No
browser and no Python run in it, so a serving design can be judged on a many-core machine that
has Node and nothing else. Arguments go to model.mjs: ``--workers 1,2,4,8 --calls 20000
--designs loops,doorbell,polling,post --work-us 0 --worker-us 0 --spin-us 100 --poll-us 50
--json``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).with_name("model.mjs")


def main(argv: list[str]) -> int:
    node = shutil.which("node")
    if node is None:
        print("pyscript-ffi model needs Node.js (20 or later) on PATH", file=sys.stderr)
        return 2
    return subprocess.run([node, str(SCRIPT), *argv], check=False).returncode
