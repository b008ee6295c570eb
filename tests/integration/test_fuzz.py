"""The structure-aware fuzzer (pyscript_ffi/tools/fuzz.py) against the CPython host's
Connection, seeded: well-formed and broken frames, the handle table checked against the model
after every case, everything released at the end. The full-size run is ``python -m pyscript_ffi
fuzz --target host`` (docs/reliability.md); the page's slice is tests/browser/test_fuzz.py."""

from __future__ import annotations

import pytest

from pyscript_ffi.tools import fuzz

CASES = 4_000


@pytest.mark.parametrize("seed", [1, 2])
def test_fuzzed_requests_keep_the_host_table_as_the_model_says(seed):
    out = fuzz.run(fuzz.HostTarget(), CASES, seed)
    assert out.failures == [], fuzz.report(out)
    assert out.cases == CASES and out.live_end == out.baseline
    # every kind of case ran, and the refusals the protocol requires came back
    assert set(out.kinds) == {"lend", "op", "forged", "dead_arg", "release", "bad_counts",
                              "lying", "c1", "bad_ext", "shape", "pollution", "settle"} | {
        f"transfer_{fault}" for fault in ("whole", "cut", "over", "under", "overflow", "zero",
                                          "misplaced", "withdrawn", "restart")}, out.kinds
    # forged SETTLEs ended the call they named, and only it
    assert {"SETTLE pending", "SETTLE resolved", "SETTLE rejected", "no reply"} <= set(out.statuses)
    assert out.statuses["BAD_HANDLE"] > CASES // 20 and out.statuses["BAD_REQUEST"] > CASES // 20
    assert out.statuses["OK"] > CASES // 5
    assert out.peak_live > 3  # the cases did hold handles, not only refusals


def test_the_fuzzer_sees_a_table_that_strays_from_the_model():
    """A serving side that strands one lend is caught at once (the check can fail)."""

    class Stranding(fuzz.HostTarget):
        served = 0

        def serve(self, frame):
            self.served += 1
            if self.served == 10:
                self.connection.handles.lend(object())  # one lend no reply tells of
            return super().serve(frame)

    out = fuzz.run(Stranding(), 50, 1)
    assert any("the model holds" in f for f in out.failures), out.failures


def test_a_request_withdrawn_mid_transfer_then_another_is_served_as_itself():
    """A worker whose deadline passed after it wrote its second chunk withdraws it and writes
    its next request at once, before the host takes its turn: the host must not read the new
    request as the rest of the old one (the OFFSET word tells them apart)."""
    target = fuzz.HostTarget()
    first = fuzz.pack([1, 0, "fzObj", ["the first request, never run " * 20]])
    second = fuzz.pack([1, 0, "fzArr", []])
    room = fuzz.CHUNK_ROOM
    assert len(first) > 2 * room and len(second) < room
    reply, *_ = target.transfer([
        ["put", first[:room].hex(), len(first), room, 0], ["serve"],
        ["put", first[room:2 * room].hex(), None, room, room], ["withdraw"],
        ["put", second.hex(), len(second), len(second), 0], ["serve"], ["read"]])
    assert reply is not None
    status, ids = fuzz.reply_refs(reply)
    assert status == fuzz.Status.OK and len(ids) == 1  # fzArr, lent: the second request's answer
