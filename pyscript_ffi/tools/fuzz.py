"""``python -m pyscript_ffi fuzz``: well-formed and broken request frames against a serving side,
with a model of its handle table checked after every case.

Targets: ``page``, the page's own channel (js_glue/channel.js) in headless Chromium, served by
``fuzz_assets/fuzz.html``; ``host``, a `broker.connection.Connection` of the CPython host. The
cases and the model are in `fuzz_cases`. After every case: the reply decodes as a reply, is never
INTERNAL, has the status the protocol requires where it requires one, came within
`SLOW_CASE_MS`; the serving side's live handles equal the model's; no built-in prototype gained
a property (the page). At the end every handle the model holds is released in one RELEASE and
the table must be back to its baseline exactly.

    python -m pyscript_ffi fuzz --target page --cases 100000 --seed 1
    python -m pyscript_ffi fuzz --target host --cases 100000 --seed 1

Prints the figures (cases by kind, replies by status) and exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from broker.protocol import DATA_OFFSET, Op, Slot, State, Status

from .fuzz_cases import CHUNK_ROOM, SANDBOX, Case, Cases, Model, pack, refs_in, reply_refs
from .served import chromium_page

ASSETS = Path(__file__).with_name("fuzz_assets")
#: a case answered later than this is a failure: no case does real work, so this catches a hang
#: or a runaway (a loaded 2-core machine stalled a case 378 ms once: hence the margin)
SLOW_CASE_MS = 2000.0
MAX_FAILURES = 20


Served = tuple[bytes | None, int, bool, float, list[int]]
#: a forged SETTLE's effect: (how the pending call ended, what settle raised or None)
Settled = tuple[str, str | None]


class Target(Protocol):
    """A serving side: `serve` one frame, answering (reply, live handles, polluted, ms, ids lent
    in calls into the worker meanwhile); `transfer` one through its shared buffer, the caller's
    end scripted (`Case.script`; the reply None if none came); `settle` a forged SETTLE message
    against one call into the worker."""

    name: str
    foreign: list[int]

    def serve(self, frame: bytes) -> Served: ...

    def transfer(self, script: list[list[Any]]) -> Served: ...

    def settle(self, which: str, payload: tuple[str, str]) -> tuple[Served, Settled]: ...


# -- the CPython host ---------------------------------------------------------------------------


class _Point:
    def __init__(self, *args: Any) -> None:
        self.a = list(args)


def _raise(*args: Any) -> None:
    raise ValueError("fz: thrown on purpose")


def _generator() -> Any:
    def gen() -> Any:
        yield _Point()
        yield {"k": _Point()}
        raise RuntimeError("fzGen: thrown after two values")

    return gen()


def host_sandbox() -> dict[str, Any]:
    """The CPython twin of fuzz.html's sandbox."""
    return {"fzObj": {"a": 1, "b": [1, 2], "n": {"x": 1}}, "fzArr": [1, "two", {"k": 3}, _Point()],
            "fzFn": lambda *a: list(a), "fzThrow": _raise, "fzGen": _generator,
            "fzHalf": {"m": _Point(), "boom": object()}, "fzCls": _Point,
            "fzMap": {"k": _Point()}}


class HostTarget:
    """A fresh connection of a CPython `Host` serving `host_sandbox()`."""

    name = "host"
    #: how long the host waits for a chunk that never comes (transfer cases that must get no
    #: reply); a transfer the caller finishes gets `transfer_bound` (a loaded 2-core machine
    #: once held this thread past 0.1 s between two chunks)
    transfer_wait = 0.05
    transfer_bound = 5.0

    def __init__(self) -> None:
        from broker.host import Host

        self.connection = Host(host_sandbox(), timeout=self.transfer_wait,
                               buffer_bytes=DATA_OFFSET + CHUNK_ROOM).connect()
        self.foreign: list[int] = []  # a host's tables count from 1 each: ids overlap
        self._last_settled = 0  # the call the last settle case answered

    def serve(self, frame: bytes) -> Served:
        started = time.perf_counter()
        return self._served(self.connection.handle(frame), started)

    def _served(self, reply: bytes | None, started: float) -> Served:
        ms = (time.perf_counter() - started) * 1000
        called = []
        inbox = self.connection.calls.inbox
        while not inbox.empty():
            message = inbox.get_nowait()
            if message is not None and message.frame:  # (a FORGET has none)
                called += refs_in(message.frame)
        live = self.connection.statistics().live_handles
        return reply, live, hasattr(dict, "polluted"), ms, called

    def transfer(self, script: list[list[Any]]) -> Served:
        """The caller's end played here; the host's `serve_one` on a thread of its own, started
        at each turn that finds a new request (as a ring would)."""
        buffer = self.connection.buffer
        started = time.perf_counter()
        finished = any(step[0] == "read" for step in script)
        self.connection._server.timeout = self.transfer_bound if finished else self.transfer_wait
        server: threading.Thread | None = None
        reply = None
        for action, text, total, chunk, offset in ((step + [None] * 4)[:5] for step in script):
            if action == "put":
                piece = bytes.fromhex(text)[:CHUNK_ROOM]
                buffer.data[:len(piece)] = piece
                if total is not None:
                    buffer.words[Slot.TOTAL] = total
                buffer.words[Slot.CHUNK] = chunk
                buffer.words[Slot.OFFSET] = offset
                buffer.store(State.REQUEST)
            elif action == "serve":
                if server is None or not server.is_alive():
                    server = threading.Thread(target=self.connection.serve_one, daemon=True)
                    server.start()
                self._turn(server.is_alive)
            elif action == "withdraw":
                buffer.compare_exchange(State.REQUEST, State.REPLY)
            elif action == "read":
                reply = self._read()
        if server is not None:
            server.join(self.transfer_bound * 2)
            if server.is_alive():
                raise RuntimeError("the host's transfer was still under way after the caller "
                                   "left it")
        return self._served(reply, started)

    def _turn(self, serving: Callable[[], bool]) -> None:
        """Wait (bounded) while the host holds the request (REQUEST or BUSY) and `serving`."""
        buffer = self.connection.buffer
        deadline = time.monotonic() + self.transfer_bound
        while buffer.state in (State.REQUEST, State.BUSY) and serving():
            if time.monotonic() > deadline:
                break
            buffer.wait_while(State(buffer.state), min(deadline, time.monotonic() + 0.01))

    def _read(self) -> bytes | None:
        buffer = self.connection.buffer
        self._turn(lambda: True)
        if buffer.state != State.REPLY:
            return None
        total = buffer.words[Slot.TOTAL]
        reply = bytearray()
        while True:
            reply += buffer.data[:buffer.words[Slot.CHUNK]]
            if len(reply) >= total:
                return bytes(reply)
            buffer.store(State.MORE)
            if buffer.wait_while(State.MORE, time.monotonic() + self.transfer_bound) != State.REPLY:
                return None

    def settle(self, which: str, payload: tuple[str, str]) -> tuple[Served, Settled]:
        from broker.protocol import Message

        started = time.perf_counter()
        calls = self.connection.calls
        pending = calls.call(Message.EXPORT, "fzExport", ())
        call = calls._next_call - 1
        target: Any = {"pending": call, "settled": self._last_settled, "unknown": call + 1000,
                       "text": str(call)}[which]
        carried, text = payload
        frame: Any = None
        error: Any = None
        if carried == "frame":
            frame = bytes.fromhex(text)
        elif carried == "both":
            frame, error = pack([1]), text
        elif carried == "error":
            error = text
        elif carried == "not_bytes":
            frame = text
        elif carried == "error_object":
            error = RuntimeError(text)
        threw = None
        try:
            calls.settle(target, frame, error)
        except Exception as exc:  # noqa: BLE001 - reported as the case's failure
            threw = repr(exc)
        outcome = ("pending" if not pending.done() else
                   "rejected" if pending.exception() is not None else "resolved")
        calls.settle(call, pack(None), None)
        self._last_settled = call
        return self._served(None, started), (outcome, threw)


# -- the page -----------------------------------------------------------------------------------


class PageTarget:
    """The channel of `fuzz_assets/fuzz.html`, open in `page` (anything with ``evaluate``)."""

    name = "page"

    def __init__(self, page: Any) -> None:
        self.page = page
        page.wait_for_function("window.fuzz !== undefined")
        self.foreign = list(page.evaluate("fuzz.foreign"))

    def serve(self, frame: bytes) -> Served:
        return self._served(self.page.evaluate("(hex) => fuzz.serve(hex)", frame.hex()))

    def transfer(self, script: list[list[Any]]) -> Served:
        return self._served(self.page.evaluate("(script) => fuzz.transfer(script)", script))

    def settle(self, which: str, payload: tuple[str, str]) -> tuple[Served, Settled]:
        got = self.page.evaluate("([w, p]) => fuzz.settle(w, p)", [which, list(payload)])
        return self._served(got), (got["outcome"], got["threw"])

    @staticmethod
    def _served(got: dict[str, Any]) -> Served:
        called = [i for posted in got["posted"] for i in refs_in(bytes.fromhex(posted))]
        reply = None if got["reply"] is None else bytes.fromhex(got["reply"])
        return reply, got["live"], got["polluted"], got["ms"], called

    def errors(self) -> list[str]:
        return list(self.page.evaluate("fuzz.errors"))


# -- the run ------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """The figures of one fuzz run; `failures` says what went wrong, if anything."""

    target: str
    seed: int
    cases: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    slowest_ms: float = 0.0
    wall_s: float = 0.0
    baseline: int = 0
    peak_live: int = 0
    live_end: int = -1
    failures: list[str] = field(default_factory=list)


def run(target: Target, cases: int, seed: int) -> Outcome:
    """Send `cases` cases made from `seed`, checking each; then release everything."""
    out = Outcome(target.name, seed)
    model = Model()
    made = Cases(seed, model, target.foreign)
    kinds: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    out.baseline = target.serve(pack([int(Op.RELEASE), 0, None, []]))[1]
    started = time.monotonic()

    def fail(case: Case, index: int, why: str) -> None:
        if len(out.failures) < MAX_FAILURES:
            frame = case.frame.hex()[:120]
            out.failures.append(f"case {index} ({case.kind}, frame {frame}): {why}")

    for index in range(cases):
        case = made.next()
        expect = model.expected(case)
        if case.settle is not None:
            (reply, live, polluted, ms, called), (outcome, threw) = target.settle(*case.settle)
            statuses[f"SETTLE {outcome}"] += 1
            if threw is not None:
                fail(case, index, f"the forged SETTLE {case.settle} raised {threw}")
            if outcome != case.settled:
                fail(case, index, f"the forged SETTLE {case.settle} left the call {outcome}, "
                     f"not {case.settled}")
        elif case.script is not None:
            reply, live, polluted, ms, called = target.transfer(case.script)
        else:
            reply, live, polluted, ms, called = target.serve(case.frame)
        kinds[case.kind] += 1
        out.cases += 1
        out.slowest_ms = max(out.slowest_ms, ms)
        ids: list[int] = []
        if case.settle is not None or (case.no_reply and reply is None):
            status = -1  # (no reply, none due)
            if case.no_reply:
                statuses["no reply"] += 1
        elif reply is None:
            fail(case, index, "no reply came")
            break
        elif case.no_reply:
            fail(case, index, f"a reply came to a transfer the page had to give up: {reply!r:.200}")
            break
        else:
            try:
                status, ids = reply_refs(reply)
            except ValueError as exc:
                fail(case, index, f"undecodable reply: {exc}")
                break
            statuses[Status(status).name] += 1
        if status == Status.INTERNAL:
            fail(case, index, f"INTERNAL reply {(reply or b'')[:200]!r}")
        if expect is not None and status != expect and status != -1:
            fail(case, index, f"status {Status(status).name}, the protocol says {expect.name}")
        if ms > SLOW_CASE_MS:
            fail(case, index, f"answered in {ms:.0f} ms (bound {SLOW_CASE_MS:.0f})")
        if polluted:
            fail(case, index, "a built-in prototype gained a property")
            break
        model.apply(case, status, ids, called)
        out.peak_live = max(out.peak_live, live)
        if live - out.baseline != model.live:
            fail(case, index, f"{live - out.baseline} live handles, the model holds "
                 f"{model.live} (status {Status(status).name})")
            break
    drops = [x for handle, count in model.lent.items() for x in (handle, count)]
    reply, out.live_end, _, _, _ = target.serve(pack([int(Op.RELEASE), 0, None, [], drops]))
    if reply is None or reply_refs(reply)[0] != Status.OK:
        out.failures.append(f"releasing every held handle ({len(model.lent)}) was refused")
    if out.live_end != out.baseline:
        out.failures.append(f"{out.live_end} live handles after releasing everything, "
                            f"baseline {out.baseline}")
    out.wall_s = time.monotonic() - started
    out.kinds, out.statuses = dict(kinds), dict(statuses)
    return out


def report(out: Outcome) -> str:
    lines = [f"fuzz {out.target}: {out.cases} cases, seed {out.seed}, {out.wall_s:.1f} s, "
             f"slowest case {out.slowest_ms:.1f} ms",
             "  cases: " + ", ".join(f"{k} {v}" for k, v in sorted(out.kinds.items())),
             "  replies: " + ", ".join(f"{k} {v}" for k, v in sorted(out.statuses.items())),
             f"  live handles: {out.baseline} before, peak {out.peak_live}, {out.live_end} after "
             "releasing everything"]
    lines.append("PASS" if not out.failures else
                 "FAIL\n" + "\n".join(f"  {f}" for f in out.failures))
    return "\n".join(lines)


def run_page(cases: int, seed: int) -> tuple[Outcome, list[str]]:
    """`run` against fuzz.html in a fresh headless Chromium; (outcome, page errors)."""
    with chromium_page(ASSETS, "fuzz.html", tool="fuzz", timeout_ms=60_000) as page:
        target = PageTarget(page)
        return run(target, cases, seed), target.errors()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="pyscript-ffi fuzz", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", choices=["page", "host"], default="page")
    parser.add_argument("--cases", type=int, default=100_000, help="cases to send (100000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if args.cases < 1:
        parser.error("--cases must be at least 1")
    errors: list[str] = []
    if args.target == "host":
        out = run(HostTarget(), args.cases, args.seed)
    else:
        out, errors = run_page(args.cases, args.seed)
        out.failures += [f"page error: {e}" for e in errors]
    print(report(out))
    if args.json:
        args.json.write_text(json.dumps(asdict(out), indent=1))
    return 1 if out.failures else 0


__all__ = ["SANDBOX", "HostTarget", "Outcome", "PageTarget", "main", "report", "run"]
