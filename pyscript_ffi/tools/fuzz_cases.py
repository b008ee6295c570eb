"""The structure-aware fuzzer's cases and its model of the handle table (``pyscript-ffi fuzz``).

Every case is a request frame that a worker could send, well-formed or broken on purpose: random
ops on handles the fuzzer holds, with random subjects and arguments (nested values, edge numbers,
``__proto__`` keys, references to live, dead and foreign handles, callbacks, unknown ext types),
forged target ids (stale, never issued, another channel's), drops of every kind (valid, twice,
over-counted, zero, of ids never lent, counts that are not integers), lying lengths (a frame cut
short, a header declaring more than follows), byte 0xC1, unknown ops and wrong shapes.

`Model` knows which handles the serving side lent the fuzzer and how many times, and predicts
what each case must do to the table: a well-formed request applies each of its drops that is
valid (the id is held, the count within what was lent), whatever the op does afterwards; an OK
reply adds one lend per REMOTE reference in it; an error reply adds none (an answer that fails
half-way strands nothing); a frame broken on purpose changes nothing. Where the protocol says
which status a case gets (a forged target, a dead argument, a bad drop on RELEASE, a broken
frame), the model says it too. The sandbox names (`SANDBOX`) are the only globals a case reaches.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import msgpack

from broker.protocol import GLOBAL_HANDLE, Ext, Op, Status
from broker.wire import bigint_ext, callback_ext, remote_ext, unpack_remote

if TYPE_CHECKING:
    from collections.abc import Callable

#: the globals the fuzzer reads (each host defines them: fuzz.html, `host_sandbox`)
SANDBOX = ["fzObj", "fzArr", "fzFn", "fzThrow", "fzGen", "fzHalf", "fzCls", "fzMap"]
#: the DATA bytes of each target's shared buffer (fuzz.html's CHUNK_ROOM): transfer cases go in
#: chunks of at most this
CHUNK_ROOM = 256
#: ops a case may send to a held handle (HELLO and AWAIT of a never-settling value left out:
#: neither is worth a random argument)
OPS = [op for op in Op if op is not Op.HELLO]
KEYS = ["a", "b", "n", "length", "size", "0", 0, 1, 2, -1, "__proto__", "constructor",
        "prototype", "toString", "then", "m", "boom", "x" * 300, "\u00c1", "", "fz\u2603"]
NUMBERS = [0, 1, -1, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**53 - 1, 2**53, 2**53 + 1, 2**63 - 1,
           -(2**63), 2**64 - 1, 2**80, -(2**80), 0.5, -0.0, math.inf, -math.inf, math.nan, 1e308]


class Ref:
    """A REMOTE reference to put in a frame (live, stale or foreign)."""

    __slots__ = ("id",)

    def __init__(self, handle: int) -> None:
        self.id = handle


class Callback:
    """A CALLBACK reference to put in a frame."""

    __slots__ = ("id",)

    def __init__(self, handle: int) -> None:
        self.id = handle


def _ext(obj: Any) -> msgpack.ExtType:
    if isinstance(obj, Ref):
        return remote_ext(obj.id)
    if isinstance(obj, Callback):
        return callback_ext(obj.id)
    if isinstance(obj, int):  # past 64 bits
        return bigint_ext(obj)
    raise TypeError(f"the fuzzer cannot encode {type(obj).__name__}")


def pack(value: Any) -> bytes:
    """`value` as msgpack; Refs, Callbacks and ints past 64 bits as their ext types."""
    return bytes(msgpack.packb(value, default=_ext, use_bin_type=True))


def _unpack(data: bytes) -> tuple[Any, list[int]]:
    """`data` decoded, and the ids of the REMOTE references in it, one per occurrence."""
    ids: list[int] = []

    def hook(code: int, payload: bytes) -> Any:
        if code == Ext.REMOTE:
            ids.append(unpack_remote(payload)[0])
        return None

    return msgpack.unpackb(data, ext_hook=hook, raw=False, strict_map_key=False), ids


def refs_in(data: bytes) -> list[int]:
    """The REMOTE ids in a frame (the arguments of a call into the worker)."""
    return _unpack(data)[1]


def reply_refs(reply: bytes) -> tuple[int, list[int]]:
    """A reply's status and the ids of the REMOTE references in it, one per occurrence.
    Raises ValueError if it is not a reply."""
    frame, ids = _unpack(reply)
    if not isinstance(frame, list) or len(frame) != 2 or frame[0] not in set(Status):
        raise ValueError(f"not a reply: {frame!r:.200}")
    return int(frame[0]), ids


@dataclass
class Case:
    """One request frame, what it should do, and why it was made."""

    kind: str
    frame: bytes
    #: applied if the frame is well-formed: [id, count, ...]
    drops: list[Any] = field(default_factory=list)
    #: False for a frame broken on purpose: it must change nothing
    well_formed: bool = True
    #: the status the protocol requires, or None if any but INTERNAL will do
    expect: Status | None = None
    #: (a "transfer" case) the caller's end of the shared buffer, scripted (fuzz.html's
    #: ``transfer``, fuzz.HostTarget.transfer): None sends `frame` straight to the handler
    script: list[list[Any]] | None = None
    #: (a "transfer" case) no reply may come: the page must give the transfer up
    no_reply: bool = False
    #: (a "settle" case) the forged SETTLE: (which call, (what it carries, bytes or text)), and
    #: how the one call the page made must end: "resolved", "rejected" or still "pending"
    settle: tuple[str, tuple[str, str]] | None = None
    settled: str = ""


@dataclass
class Model:
    """What the serving side lent the fuzzer: id -> lends not yet returned."""

    lent: dict[int, int] = field(default_factory=dict)
    #: ids that were live once and are not now (for stale references)
    stale: list[int] = field(default_factory=list)

    def valid_drops(self, drops: list[Any]) -> tuple[dict[int, int], bool]:
        """The table after `drops` are applied in order, and whether any was refused."""
        lent = dict(self.lent)
        bad = False
        for i in range(0, len(drops) - 1, 2):
            handle, count = drops[i], drops[i + 1]
            held = lent.get(handle, 0) if handle != GLOBAL_HANDLE else math.inf
            if not 1 <= count <= held:
                bad = True
                continue
            if handle != GLOBAL_HANDLE:
                lent[handle] = held - count
                if lent[handle] == 0:
                    del lent[handle]
        return lent, bad

    def expected(self, case: Case) -> Status | None:
        """The status `case` must get, given the table now (None: any but INTERNAL)."""
        if case.expect is not None or not case.well_formed:
            return case.expect
        _, bad = self.valid_drops(case.drops)
        op = case.frame and msgpack.unpackb(case.frame, ext_hook=lambda c, p: None,
                                            raw=False, strict_map_key=False)[0]
        return Status.BAD_HANDLE if bad and op == Op.RELEASE else None

    def apply(self, case: Case, status: int, ids: list[int], called: list[int]) -> None:
        """Update the table as `case`, answered with `status` and lending `ids` in its reply,
        must have; `called`: ids lent meanwhile in calls into the worker (a callback of the
        fuzzer's that a case, this one or an earlier one, made the serving side call), which
        count whatever the case."""
        before = set(self.lent)
        if case.well_formed:
            self.lent, _ = self.valid_drops(case.drops)
        for handle in (ids if status == Status.OK and case.well_formed else []) + called:
            if handle != GLOBAL_HANDLE:
                self.lent[handle] = self.lent.get(handle, 0) + 1
        self.stale += [h for h in before if h not in self.lent]
        del self.stale[:-64]

    @property
    def live(self) -> int:
        return len(self.lent)


class Cases:
    """Random cases from `seed`, made against the model's table. `foreign` gives ids live on
    another channel of the same serving side (none on a host whose ids overlap)."""

    def __init__(self, seed: int, model: Model, foreign: list[int]) -> None:
        self.rand = random.Random(seed)
        self.model = model
        self.foreign = foreign

    # -- values ---------------------------------------------------------------------------------

    def held(self) -> int | None:
        return self.rand.choice(list(self.model.lent)) if self.model.lent else None

    def dead(self) -> int:
        r = self.rand
        pool = [h for h in self.model.stale + self.foreign if h not in self.model.lent]
        if pool and r.random() < 0.6:
            return r.choice(pool)
        while True:
            handle = r.choice([r.randrange(1, 1 << 32), r.randrange(1 << 20, 1 << 21)])
            if handle not in self.model.lent and handle not in self.foreign:
                return handle

    def value(self, depth: int = 0) -> Any:
        r = self.rand
        kind = r.randrange(12 if depth < 3 else 7)
        if kind == 0:
            return r.choice(NUMBERS)
        if kind == 1:
            return r.randrange(-1000, 1000)
        if kind == 2:
            return r.choice(KEYS)
        if kind == 3:
            return r.choice([None, True, False, b"", bytes(r.randrange(64)), ""])
        if kind == 4:
            held = self.held()
            return Ref(held) if held is not None else None
        if kind == 5:
            return Callback(r.randrange(0, 5))
        if kind == 6:
            return r.random() * 1e6
        if kind in (7, 8):
            return [self.value(depth + 1) for _ in range(r.randrange(5))]
        if kind == 9:
            return {str(r.choice(KEYS)): self.value(depth + 1) for _ in range(r.randrange(4))}
        if kind == 10:
            return msgpack.ExtType(Ext.UNDEFINED, b"\x00")
        return [Ref(0)] if r.random() < 0.1 else "fz"

    def path(self) -> list[Any]:
        return [self.rand.choice(KEYS) for _ in range(self.rand.randrange(4))]

    def drops(self) -> list[Any]:
        r = self.rand
        drops: list[Any] = []
        for _ in range(r.randrange(4)):
            kind = r.randrange(6)
            held = self.held()
            if kind <= 1 and held is not None:
                drops += [held, r.randint(1, self.model.lent[held])]
            elif kind == 2 and held is not None:
                drops += [held, self.model.lent[held] + r.randint(1, 3)]
            elif kind == 3 and held is not None:
                drops += [held, 0]
            else:
                drops += [self.dead(), 1]
        return drops

    # -- cases ----------------------------------------------------------------------------------

    def next(self) -> Case:
        r = self.rand
        kind = r.choices(["lend", "op", "forged", "dead_arg", "release", "bad_counts", "lying",
                          "c1", "bad_ext", "shape", "pollution", "transfer", "settle"],
                         [12, 40, 6, 4, 8, 3, 7, 2, 2, 3, 5, 4, 2])[0]
        held = self.held()
        if held is None and kind in ("op", "dead_arg", "pollution", "settle"):
            kind = "lend"
        if kind == "transfer":
            return self._transfer()
        make: Callable[[int], Case] = getattr(self, f"_{kind}")
        return make(GLOBAL_HANDLE if held is None else held)

    def _request(self, kind: str, op: Op | int, target: int, subject: Any, args: list[Any],
                 drops: list[Any] | None = None, expect: Status | None = None) -> Case:
        frame = [int(op), target, subject, args] + ([drops] if drops else [])
        return Case(kind, pack(frame), list(drops or []), True, expect)

    def _lend(self, held: int) -> Case:
        return self._request("lend", Op.GET, GLOBAL_HANDLE, self.rand.choice(SANDBOX), [],
                             self.drops() if self.rand.random() < 0.3 else None)

    def _op(self, held: int) -> Case:
        r = self.rand
        op = r.choice(OPS)
        subject: Any = r.choice(KEYS)
        if op is Op.NEXT:
            subject = r.choice([1, 2, 10, 4096, -5, 0, "3", None])
        elif op is Op.QUERY:
            subject = self.path() if r.random() < 0.9 else "not a path"
        elif op is Op.CALL:
            subject = r.choice([None, Ref(held)])
        args = [self.value() for _ in range(r.randrange(4))]
        if op is Op.GATHER:
            args = [self.path() for _ in range(r.randrange(4))]
        return self._request("op", op, held, subject, args,
                             self.drops() if r.random() < 0.3 else None)

    def _forged(self, held: int) -> Case:
        op = self.rand.choice([o for o in OPS if o is not Op.RELEASE])
        return self._request("forged", op, self.dead(), "a", [], None, Status.BAD_HANDLE)

    def _dead_arg(self, held: int) -> Case:
        return self._request("dead_arg", Op.CALL_METHOD, held, "toString", [Ref(self.dead())],
                             self.drops() if self.rand.random() < 0.5 else None,
                             Status.BAD_HANDLE)

    def _release(self, held: int) -> Case:
        return self._request("release", Op.RELEASE, GLOBAL_HANDLE, None, [], self.drops())

    def _bad_counts(self, held: int) -> Case:
        r = self.rand
        count = r.choice([1.5, "1", [1], -1, True, None, -0.5])
        handle = held if held != GLOBAL_HANDLE and r.random() < 0.8 else r.choice(["x", 1.5, -3])
        frame = pack([int(Op.RELEASE), 0, None, [], [handle, count]])
        return Case("bad_counts", frame, [], False, Status.BAD_REQUEST)

    def _lying(self, held: int) -> Case:
        r = self.rand
        valid = pack([int(Op.GET), GLOBAL_HANDLE, r.choice(SANDBOX), [self.value()]])
        if r.random() < 0.5:
            frame = valid[:r.randrange(1, len(valid))]
        else:  # the array header claims more elements than follow (fixarray 0x9N)
            frame = bytes([0x90 + r.randint(5, 15)]) + valid[1:]
            if r.random() < 0.5:  # or a str8 / bin8 length past the end
                frame = valid + bytes([r.choice([0xD9, 0xC4]), 200]) + b"x" * r.randrange(10)
        return Case("lying", frame, [], False, Status.BAD_REQUEST)

    def _c1(self, held: int) -> Case:
        valid = bytearray(pack([int(Op.CALL), GLOBAL_HANDLE, None, [self.value(), None]]))
        valid[-1] = 0xC1  # the trailing nil becomes the never-used byte
        return Case("c1", bytes(valid), [], False, Status.BAD_REQUEST)

    def _bad_ext(self, held: int) -> Case:
        r = self.rand
        ext = msgpack.ExtType(r.choice([4, 5, 0x10, 0x62, 0x65, 0x7F]), bytes(r.randrange(1, 6)))
        if r.random() < 0.5:  # or one of ours with a payload of the wrong size
            ext = msgpack.ExtType(r.choice([Ext.REMOTE, Ext.CALLBACK]), bytes(r.choice([0, 3, 9])))
        frame = pack([int(Op.CALL), GLOBAL_HANDLE, None, [self.value(), ext]])
        return Case("bad_ext", frame, [], False, Status.BAD_REQUEST)

    def _shape(self, held: int) -> Case:
        r = self.rand
        shape = r.choice([[], [1], {"op": 1}, "str", 42, [99, 0, None, []], [-1, 0, None, []],
                          [int(Op.GET), "0", "x", []], [int(Op.GET), -1, "x", []],
                          [int(Op.GET), 0, "x", "args"], [int(Op.GET), 0, "x", [], "drops"],
                          [int(Op.GET), 0, "x", [], [1]], [int(Op.GET), 0, "x", [], [], 1],
                          [int(Op.GET), 1.5, "x", []], [True, 0, "x", []]])
        return Case("shape", pack(shape), [], False, Status.BAD_REQUEST)

    def _pollution(self, held: int) -> Case:
        r = self.rand
        proto = r.choice(["__proto__", "constructor", "prototype"])
        value = {"polluted": "yes"}
        case = r.randrange(4)
        if case == 0:
            return self._request("pollution", Op.SET, held, proto, [value])
        if case == 1:
            return self._request("pollution", Op.ASSIGN, held, None,
                                 [{"__proto__": value, "polluted": 1}])
        if case == 2:
            return self._request("pollution", Op.QUERY, held, [proto, "prototype"], [])
        return self._request("pollution", Op.SET, held, "polluted", [value])  # (a prototype?)

    # -- the shared buffer: chunked transfers, cut, lying or restarted ---------------------------

    def _chunks(self, frame: bytes) -> list[list[Any]]:
        """`frame` as the caller writes it in two or more chunks of random sizes (each a put and
        the page's turn), TOTAL set with the first; the last chunk's turn is left to the caller
        of this."""
        r = self.rand
        cuts = sorted(r.sample(range(1, len(frame)), min(len(frame) - 1, r.randint(1, 4))))
        pieces = [frame[a:b][i:i + CHUNK_ROOM]
                  for a, b in zip([0, *cuts], [*cuts, len(frame)], strict=True)
                  for i in range(0, b - a, CHUNK_ROOM)]
        script: list[list[Any]] = []
        offset = 0
        for i, piece in enumerate(pieces):
            script += [["put", piece.hex(), len(frame) if i == 0 else None, len(piece), offset],
                       ["serve"]]
            offset += len(piece)
        return script

    def _transfer(self) -> Case:
        """A request through the shared buffer in chunks (CHUNK_ROOM is 256 bytes on both
        targets): whole, or cut off, with a lying TOTAL or CHUNK, withdrawn mid-way, or withdrawn
        and followed at once by a new request (which must be served as itself)."""
        r = self.rand
        inner = self.next()
        while inner.script is not None or inner.settle is not None or len(inner.frame) < 2:
            inner = self.next()
        frame = inner.frame
        fault = r.choice(["whole", "whole", "cut", "over", "under", "overflow", "zero",
                          "misplaced", "withdrawn", "restart"])
        script = self._chunks(frame)
        kind = f"transfer_{fault}"
        if fault == "whole":
            return Case(kind, frame, inner.drops, inner.well_formed, inner.expect,
                        script + [["read"]])
        if fault == "cut":  # the caller stops after some chunks: the page gives up
            keep = 2 * r.randrange(1, len(script) // 2)
            return Case(kind, frame, [], False, None, script[:keep], no_reply=True)
        if fault == "over":  # TOTAL claims more than the caller ever sends
            script[0][2] = len(frame) + r.randint(1, 300)
            return Case(kind, frame, [], False, None, script, no_reply=True)
        if fault == "under":  # the first chunk is larger than TOTAL
            script[0][2] = r.randrange(0, script[0][3])
            return Case(kind, frame, [], False, Status.BAD_REQUEST, script[:2] + [["read"]])
        if fault in ("overflow", "zero", "misplaced"):
            # a later chunk past TOTAL, of 0 or too many bytes, or saying it starts elsewhere
            at = 2 * r.randrange(1, len(script) // 2)
            if fault == "misplaced":
                right = script[at][4]
                offset = right + r.choice([-1, 1, 1000, -(1 << 30)])
                # (0 would be a new frame: the restart case)
                script[at][4] = offset if offset != 0 else right + 1
            else:
                script[at][3] = (r.choice([0, -1, 257, 1 << 20]) if fault == "zero"
                                 else len(frame) + r.randint(1, 200))
            return Case(kind, frame, [], False, Status.BAD_REQUEST, script[:at + 2] + [["read"]])
        # withdrawn: a later chunk taken back before the page claimed it (the caller's deadline)
        at = 2 * r.randrange(1, len(script) // 2)
        script = script[:at + 1] + [["withdraw"]]
        if fault == "withdrawn":
            return Case(kind, frame, [], False, None, script + [["serve"]], no_reply=True)
        # restart: ... and the caller's next request written at once, before the page's turn
        second = self.next()
        while second.script is not None or second.settle is not None or len(second.frame) < 2:
            second = self.next()
        script += self._chunks(second.frame) + [["read"]]
        return Case(kind, second.frame, second.drops, second.well_formed, second.expect, script)

    # -- forged SETTLE messages -------------------------------------------------------------------

    def _settle(self, held: int) -> Case:
        """A SETTLE for the one call the page made (or for the one the last settle case
        answered, one never made, an id that is not a number), carrying a value, an error, both,
        neither, broken bytes, a dead or a live REMOTE, or something that is not bytes."""
        r = self.rand
        which = r.choice(["pending", "pending", "settled", "unknown", "text"])
        payload = r.choice(["value", "error", "both", "neither", "broken", "dead", "live",
                            "not_bytes", "error_object"])
        text = "fz: forged"
        if payload == "value":
            text = pack([self.value()]).hex()
        elif payload == "broken":
            text = r.choice([b"\xc1", b"\x92\x01", b"\xd9\xff", b""]).hex()
        elif payload == "dead":
            text = pack([Ref(self.dead())]).hex()
        elif payload == "live":
            text = pack([Ref(held)]).hex()
        carried = {"value": "frame", "broken": "frame", "dead": "frame",
                   "live": "frame"}.get(payload, payload)
        # only a SETTLE naming the call settles it; only a frame that decodes resolves it
        settled = ("pending" if which != "pending" else
                   "resolved" if payload in ("value", "live") else "rejected")
        return Case("settle", b"", [], False, None, settle=(which, (carried, text)),
                    settled=settled)
