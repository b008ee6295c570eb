"""The same workloads as workloads.py, run in a PyScript worker (npm @pyscript/core) for the
bench's comparison: `document` here is PyScript's, proxied to the page by coincident and
reflected-ffi. Timed exactly as workloads.py times ours; the page counts the messages
coincident sends it, one per synchronous call, and the worker reads that count around the
batch."""

import time

from pyscript import document, window
from pyscript.ffi import gather

stage = document.getElementById("pyscript-stage")
div = document.createElement("div")
stage.appendChild(div)
PROPS = ["title", "URL", "characterSet", "contentType", "readyState", "compatMode",
         "dir", "domain", "referrer", "visibilityState"]


def _title():
    return document.title


def _write():
    div.textContent = "x"


def _create():
    return document.createElement("div")


def _create_append():
    stage.appendChild(document.createElement("div"))


def _gather10():
    return gather(document, *PROPS)


def _single10():
    return [getattr(document, name) for name in PROPS]


WORKLOADS = {
    "title": _title, "write": _write, "create": _create, "create_append": _create_append,
    "gather10": _gather10, "single10": _single10,
}


def run(name, n):
    fn = WORKLOADS[name]
    for _ in range(min(200, n)):
        fn()
    samples = []
    messages = window.pyscriptMessages  # this read is a message too, counted before it returns
    start = time.perf_counter()
    for _ in range(n):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    total = time.perf_counter() - start
    round_trips = (window.pyscriptMessages - messages - 1) / n
    if name == "create_append":
        stage.innerHTML = ""
        stage.appendChild(div)
    return {"total": total, "samples": samples, "round_trips": round_trips}


__export__ = ["run"]
