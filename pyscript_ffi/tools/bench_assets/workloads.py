"""The workloads the bench times inside a worker: pyscript-ffi's (Pyodide or MicroPython), or
PyScript's own for the comparison (npm @pyscript/core), where `document` is proxied to the page
by coincident and reflected-ffi; and `web_table` on the page's own thread too (PyMain), where
it is published as the page's `benchWebTable`. Each returns per-call samples (s) and the
batch's total time: time.perf_counter is coarsened to 5 us in an isolated page, so the batch
total gives the mean exactly and the samples give the spread. Round trips: pyscript-ffi's
statistics() counts them; under PyScript the page counts the messages coincident sends it, one
per synchronous call."""

import time

try:
    from pyscript_ffi import RUNNING_IN_WORKER, document, gather, js, statistics

    STAGE = "stage"
    COUNTER_TRIPS = 0  # reading statistics() takes no round trip

    def round_trips_so_far():
        return statistics().calls if RUNNING_IN_WORKER else 0  # (the page's thread: none)
except ImportError:  # PyScript's worker
    from pyscript import RUNNING_IN_WORKER, document, window
    from pyscript.ffi import gather

    js = window
    STAGE = "pyscript-stage"  # its own stage, apart from ours

    COUNTER_TRIPS = 1  # reading the count is a message too, counted before the read returns

    def round_trips_so_far():
        return window.pyscriptMessages

# this worker's own global scope (Pyodide's and MicroPython's `js`, not the page's)
import js as worker_scope  # noqa: E402

_epoch_origin = worker_scope.performance.timeOrigin
_worker_now = worker_scope.performance.now


def epoch_ms():
    """ms since 1970 by this worker's clock: comparable across workers, so that several
    workers' batches give one window (bench.parallel), whatever each one's start-up cost."""
    return _epoch_origin + _worker_now()


if hasattr(time, "perf_counter"):
    clock = time.perf_counter

    def elapsed(start, end):
        return end - start
else:  # MicroPython: its ticks step by whole milliseconds in a worker, so read the worker's
    # own performance.now through MicroPython's FFI (its `js` module: this worker, not the page)
    def clock():
        return _worker_now() / 1e3

    def elapsed(start, end):
        return end - start

stage = document.getElementById(STAGE)
div = document.createElement("div")
stage.appendChild(div)
MB = bytes(range(256)) * 4096
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


def _bytes_1mb():
    return js.echoBytes(MB)  # 1 MB argument and a 1 MB result (the page returns direct(b))


def _gather10():
    return gather(document, *PROPS)


def _single10():
    return [getattr(document, name) for name in PROPS]


WORKLOADS = {
    "title": _title, "write": _write, "create": _create, "create_append": _create_append,
    "bytes_1mb": _bytes_1mb, "gather10": _gather10, "single10": _single10,
}


def run(name, n):
    fn = WORKLOADS[name]
    for _ in range(min(200, n)):
        fn()
    samples = []
    calls = round_trips_so_far()
    began = epoch_ms()
    start = clock()
    for _ in range(n):
        t = clock()
        fn()
        samples.append(elapsed(t, clock()))
    total = elapsed(start, clock())
    ended = epoch_ms()
    round_trips = (round_trips_so_far() - calls - COUNTER_TRIPS) / n
    if name == "create_append":
        stage.innerHTML = ""
        stage.appendChild(div)
    return {"total": total, "samples": samples, "round_trips": round_trips,
            "began": began, "ended": ended}


class _MarkedCodec:
    """The channel's codec with a time mark either side of encoding and decoding (the bench's
    phase breakdown only: the channel is left as it was when no bench asks)."""

    def __init__(self, codec, marks):
        self._codec, self._marks = codec, marks

    def encode_request(self, *args):
        self._marks.append(clock())
        frame = self._codec.encode_request(*args)
        self._marks.append(clock())
        return frame

    def decode_result(self, data):
        self._marks.append(clock())
        try:
            return self._codec.decode_result(data)
        finally:
            self._marks.append(clock())


class _MarkedTransport:
    """The channel's transport with a time mark either side of the round trip."""

    def __init__(self, transport, marks):
        self._transport, self._marks = transport, marks

    def roundtrip(self, frame):
        self._marks.append(clock())
        reply = self._transport.roundtrip(frame)
        self._marks.append(clock())
        return reply


class _UnpinnedTransport:
    """The worker's transport without its pinned bytearray (the phases' "read, no pinned
    buffer"): every frame goes to JS as a new Uint8Array and every reply comes back as a JsProxy
    of one, the way the runtime's transport (pyscript_ffi/_pyodide.py) sends frames too large
    for its bytearray."""

    def __init__(self, caller):
        from pyodide.ffi import to_js

        self._to_js, self._roundtrip = to_js, caller.roundtrip

    def roundtrip(self, frame):
        reply = self._roundtrip(self._to_js(frame))
        if isinstance(reply, str):
            raise RuntimeError(f"bench: a round trip failed ({reply})")
        return reply.to_bytes()


async def _caller_marks():
    """The bench's caller_marks.js, imported into this worker (served beside this file)."""
    from pyodide.code import run_js

    url = worker_scope.URL.new("/caller_marks.js", worker_scope.location.href).href
    return await run_js(f"import({url!r})")


async def phases(name, n, method_calls=True, pinned=True):
    """Run workload `name` n times with time marks at each step of the round trip (Pyodide only):
    returns the worker's marks (ms, this worker's performance.now clock) and its timeOrigin.
    `method_calls` and `pinned` switch method-call detection and the transport's pinned
    bytearray (for `_UnpinnedTransport`) for this run only: the A/B of a lever in one run."""
    import _pyscript_ffi_stub as stub

    from pyscript_ffi import _method_calls, _runtime

    marks = await _caller_marks()
    channel = _runtime.current().channel
    transport = channel._transport
    js_marks = worker_scope.Array.new()
    unmark = marks.markCaller(stub.caller, js_marks)  # before the transport takes its methods
    was = _method_calls.set_enabled(method_calls)
    if not pinned:
        channel._transport = _UnpinnedTransport(stub.caller)
    try:
        py = _phases(channel, name, n, js_marks)
    finally:
        channel._transport = transport
        _method_calls.set_enabled(was)
        unmark()
    return {"py": py, "js": js_marks.to_py(), "origin": worker_scope.performance.timeOrigin}


def _phases(channel, name, n, js_marks):
    fn = WORKLOADS[name]
    for _ in range(min(200, n)):
        fn()
    js_marks.splice(0)  # the stub's marks of the warm-up
    # perf_counter and performance.now tick on different origins: take the offset once
    offset = worker_scope.performance.now() - clock() * 1e3
    py = []
    codec, transport = channel._codec, channel._transport
    channel._codec, channel._transport = _MarkedCodec(codec, py), _MarkedTransport(transport, py)
    try:
        for _ in range(n):
            py.append(clock())
            fn()
            py.append(clock())
    finally:
        channel._codec, channel._transport = codec, transport
    return [t * 1e3 + offset for t in py]


__export__ = ["run", "phases", "web_table", "relay_floor"]

#: the relay's floors, plain JS in this worker (no Python, no msgpack), each request a synchronous
#: XMLHttpRequest to our service worker: "alone", a zero-ms pause it answers by itself; "page",
#: the worker's hello, which it hands to the page and answers with the page's reply
_RELAY_FLOOR = """(url, what, n) => {
  const target = what === "alone" ? new URL("./pause?ms=0", url).href : `${url}/hello?timeout=5000`;
  const samples = [];
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const xhr = new XMLHttpRequest();
    xhr.open("GET", target, false);
    xhr.send();
    const kind = xhr.getResponseHeader("x-pyscript-ffi-relay") ?? `HTTP ${xhr.status}`;
    const expected = what === "alone" ? kind === "paused" : kind.startsWith("version:");
    if (!expected) throw new Error(`bench: relay floor got ${kind}`);
    samples.push((performance.now() - t) / 1e3);
  }
  return JSON.stringify({ total: (performance.now() - start) / 1e3, samples });
}"""


def relay_floor(what, n):
    """The relay transport's floor in this worker (`what`: "alone" or "page", _RELAY_FLOOR):
    {total, samples} in s, as run() gives them. Pyodide only, over the "service-worker"
    transport."""
    import json

    import _pyscript_ffi_stub as stub

    run_floor = worker_scope.eval(_RELAY_FLOOR)
    run_floor(stub.caller.url, what, min(100, n))  # warm-up
    return json.loads(run_floor(stub.caller.url, what, n))


def web_table(rows, n):
    """PyScript's ``pyscript.web`` (in a PyScript worker, with or without pyscript-ffi's plugin):
    `n` times, build a table of `rows` rows, toggle a class on every row, read every row's text,
    and remove it. Returns each run's seconds and the round trips of one run."""
    from pyscript import web

    samples = []
    calls = round_trips_so_far()
    for _ in range(n):
        t = clock()
        table = web.table(*[web.tr(web.td(f"row {i}")) for i in range(rows)])
        web.page.body.append(table)
        found = table.find("tr")
        for row in found:  # (web's Classes, a set, has no toggle)
            (row.classes.discard if "on" in row.classes else row.classes.add)("on")
        texts = [row.textContent for row in found]
        table._dom_element.remove()
        samples.append(elapsed(t, clock()))
        assert len(texts) == rows and texts[-1] == f"row {rows - 1}", texts[-1:]
    round_trips = (round_trips_so_far() - calls - COUNTER_TRIPS) / n
    return {"samples": samples, "total": sum(samples), "round_trips": round_trips}


def micro_phases(name, n):
    """Where a MicroPython worker's call goes: the whole call, then each step of it alone, `n`
    times each (its clock reads performance.now through MicroPython's FFI, whose own cost is the
    "clock" row; each step's mean is taken over the batch): us per call, by step."""
    from broker.protocol import Op
    from pyscript_ffi import _runtime

    channel = _runtime.current().channel
    transport = channel._transport
    codec = channel._codec
    fn = WORKLOADS[name]
    frames = []

    class Keep:  # the frames of one call, to time each step on them
        def roundtrip(self, frame):
            reply = transport.roundtrip(frame)
            frames.append((bytes(frame), reply))
            return reply

    scalars = channel._request_scalars  # the stub's coding of scalar requests (micro.js)
    channel._transport, channel._request_scalars = Keep(), None
    try:
        fn()
    finally:
        channel._transport, channel._request_scalars = transport, scalars
    frame, reply = frames[-1]
    request = codec.decode_value(frame)  # [op, target, subject, args(, drops)]
    op, target, subject, args = Op(request[0]), request[1], request[2], request[3]
    hexed, reply_hex = frame.hex(), reply.hex()
    roundtrip_hex = transport._roundtrip
    take = transport._take_drops

    def batch(step):  # the quickest of 5 batches: the machine's other work only adds
        best = None
        for _ in range(5):
            start = clock()
            for _ in range(n // 5):
                step()
            took = (clock() - start) / (n // 5) * 1e6
            best = took if best is None else min(best, took)
        return best

    out = {}
    out["whole call"] = batch(fn)
    if scalars is not None:
        decode = codec.decode_result
        handle_of = getattr(type(subject), "_ffi_handle", None)  # a method call's `this`
        this = subject if handle_of is None else handle_of(subject, channel)
        out["the stub's scalar request (JS codes it), alone"] = batch(
            lambda: scalars(op, target, this, args, decode, handle_of is not None))
        channel._request_scalars = None
        try:
            out["whole call, coded in Python (minipack)"] = batch(fn)
        finally:
            channel._request_scalars = scalars
    out["clock (one read)"] = batch(clock)
    out["take drops (a JS call)"] = batch(take)
    out["encode (minipack)"] = batch(lambda: codec.encode_request(op, target, subject, args, []))
    out["frame.hex()"] = batch(frame.hex)
    out["roundtripHex (JS: fromHex, round trip, toHex)"] = batch(lambda: roundtrip_hex(hexed))
    out["bytes.fromhex(reply)"] = batch(lambda: bytes.fromhex(reply_hex))
    out["decode (minipack)"] = batch(lambda: codec.decode_result(reply))
    out["transport.roundtrip"] = batch(lambda: transport.roundtrip(frame))
    out["channel.request"] = batch(lambda: channel.request(op, target, subject, args))
    class Instant:
        def roundtrip(self, frame):
            return reply

    channel._transport, channel._request_scalars = Instant(), None  # (Python's coding)
    try:
        out["channel.request, instant reply"] = batch(
            lambda: channel.request(op, target, subject, args))
        out["the whole call, instant reply"] = batch(fn)
    finally:
        channel._transport, channel._request_scalars = transport, scalars
    out["channel._take_drops"] = batch(channel._take_drops)
    out["encode with drops=[]"] = batch(
        lambda: codec.encode_request(op, target, subject, args, channel._take_drops()))
    import gc

    gc.collect()
    gc.disable()
    try:
        before = gc.mem_alloc()
        for _ in range(10):
            fn()
        out["heap bytes allocated per call"] = (gc.mem_alloc() - before) / 10
    finally:
        gc.enable()
    start = clock()
    gc.collect()
    out["gc.collect() once"] = (clock() - start) * 1e6
    for gap in (0, 10, 20, 30, 45, 60):  # the round trip after `gap` us of Python (busy)
        def after_gap(gap=gap):
            until = clock() + gap / 1e6
            while clock() < until:
                pass
            transport.roundtrip(frame)
        out[f"round trip after {gap} us of Python (less the gap)"] = batch(after_gap) - gap
    out["frame bytes"] = len(frame)
    out["reply bytes"] = len(reply)
    return out


__export__.append("micro_phases")


if not RUNNING_IN_WORKER and hasattr(worker_scope, "document"):  # PyMain, on the page's thread
    import json

    from pyodide.ffi import create_proxy

    worker_scope.benchWebTable = create_proxy(lambda rows, n: json.dumps(web_table(rows, n)))
