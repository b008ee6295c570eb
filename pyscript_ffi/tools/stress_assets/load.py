"""The worker side of ``python -m pyscript_ffi stress`` (driven by stress.html).

`load` makes calls whose replies carry the caller's own tag and sequence number, and checks each;
`churn` makes calls that each create a main-thread object and a new proxy for it, then drops the
proxies in batches; `settle` returns every pending release so the page can count its handles.
A worker stops at its first failed call: one lost or late reply already fails the run.
"""

import gc
import time
from typing import Any

import pyscript_ffi
from pyscript_ffi import _runtime, js

echo = js.stressEcho  # the page's function: (tag, seq) -> "tag:seq"
JsObject = js.Object
BATCH = 100  # proxies held at once in `churn`; their releases ride on the next request


def _failure(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"


def load(tag: str, n: int) -> dict[str, Any]:
    """n calls of the page's stressEcho(tag, seq), each reply checked against its own call."""
    replies = mismatches = 0
    error = first_mismatch = None
    started = time.perf_counter()
    for seq in range(n):
        try:
            got = echo(tag, seq)
        except Exception as exc:  # noqa: BLE001 - reported to the driver, which fails the run
            error = f"call {seq}: {_failure(exc)}"
            break
        replies += 1
        if got != f"{tag}:{seq}":
            mismatches += 1
            first_mismatch = first_mismatch or f"call {seq} of {tag} got {got!r}"
    return {
        "tag": tag, "calls": n, "replies": replies, "mismatches": mismatches,
        "first_mismatch": first_mismatch, "errors": int(error is not None), "error": error,
        "seconds": time.perf_counter() - started,
    }


def churn(n: int) -> dict[str, Any]:
    """n calls of ``new Object()``, each a new proxy; proxies dropped BATCH at a time."""
    made = 0
    held: list[Any] = []
    error = None
    started = time.perf_counter()
    for _ in range(n):
        try:
            held.append(JsObject.new())
        except Exception as exc:  # noqa: BLE001 - reported to the driver, which fails the run
            error = _failure(exc)
            break
        made += 1
        if len(held) == BATCH:
            held = []  # BATCH proxies die here; their releases go with the next call
    held = []
    return {
        "calls": n, "made": made, "errors": int(error is not None), "error": error,
        "seconds": time.perf_counter() - started,
    }


def settle() -> int:
    """Collect garbage and send every waiting release now; returns this worker's live proxies."""
    gc.collect()
    _runtime.current().channel.flush()
    return pyscript_ffi.statistics().live_proxies


__export__ = ["load", "churn", "settle"]
