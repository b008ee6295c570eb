"""A Tkinter window driven synchronously from worker threads through the CPython host.

Tk must only be touched from the thread that made it. Here that thread is the host: it owns the
widgets and serves them, and polls for worker calls from Tk's own event loop (``after``). Each
worker thread writes to the widgets as if they were its own: ``js.log.insert("end", line)``.

    python examples/tk/app.py            # a window: 3 workers fill the list, then it stays
    python examples/tk/app.py --check    # the same, then check the list and exit (tests)
"""

from __future__ import annotations

import argparse
import sys
import time
import tkinter as tk
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run from a checkout

from broker.host import Host  # noqa: E402
from pyscript_ffi import threads  # noqa: E402

WORKERS = 3
LINES = 20
POLL_MS = 2  # how often Tk's loop serves the workers: it adds up to this much to a call


def work(number: int) -> int:
    """A worker: report progress to the window, line by line, reading widgets back as it goes."""
    from pyscript_ffi import js

    log, status = js.log, js.status
    for i in range(LINES):
        log.insert("end", f"worker {number}: step {i + 1} of {LINES}")
        log.see("end")
        status.config(text=f"{log.size()} lines")
        time.sleep(0.01)  # the worker's own work
    return number


def build() -> tuple[tk.Tk, dict[str, object]]:
    root = tk.Tk()
    root.title("pyscript-ffi: Tk driven from worker threads")
    status = tk.Label(root, text="starting", anchor="w")
    status.pack(fill="x")
    log = tk.Listbox(root, width=48, height=16)
    log.pack(fill="both", expand=True)
    return root, {"log": log, "status": status}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="check the result and exit")
    args = parser.parse_args(argv)
    root, widgets = build()
    host = Host(widgets)
    workers = [threads.start(host, work, n) for n in range(1, WORKERS + 1)]
    failures: list[str] = []

    def tick() -> None:
        host.poll()
        if all(w.ready.done() for w in workers) and args.check:
            failures.extend(str(w.ready.exception()) for w in workers if w.ready.exception())
            root.quit()
            return
        root.after(POLL_MS, tick)

    root.after(POLL_MS, tick)
    root.mainloop()
    if not args.check:
        return 0
    log = widgets["log"]
    assert isinstance(log, tk.Listbox)
    lines = log.get(0, "end")
    status = widgets["status"].cget("text")  # type: ignore[attr-defined]
    print(f"{len(lines)} lines; status: {status}; failures: {failures}")
    expected = {f"worker {n}: step {i + 1} of {LINES}"
                for n in range(1, WORKERS + 1) for i in range(LINES)}
    ok = not failures and sorted(lines) == sorted(expected) and status.endswith(" lines")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
