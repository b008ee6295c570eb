"""The CPython host's answers when a request fails half-way or is refused: nothing it lent is
stranded, drops ride on a refused request, and the statuses are the page's (the JavaScript twin
is tests/js/answers.test.mjs; docs/protocol.md gives the statuses)."""

from __future__ import annotations

from typing import Any

import pytest

from broker.host import Host
from broker.protocol import Op, Status
from broker.wire import Codec, Reply, remote_ext, unpack_remote


def _remote_id(code: int, payload: bytes) -> Any:
    return unpack_remote(payload)[0]


CODEC = Codec(lambda obj: obj, _remote_id)  # REMOTE refs in replies decode to their ids


class Answers:
    """One connection to a host serving `scope`, asked by raw request frames."""

    def __init__(self, scope: dict[str, Any]) -> None:
        self.connection = Host(scope).connect()

    def ask(self, *request: Any) -> Reply:
        return CODEC.decode_reply(self.connection.handle(CODEC.encode_value(list(request))))

    def lend(self, name: str) -> int:
        return int(self.ask(Op.GET, 0, name, []).value)

    @property
    def live(self) -> int:
        return self.connection.statistics().live_handles


def _half_next():
    yield object()
    yield object()
    raise RuntimeError("generator failed")


def test_a_next_that_fails_half_way_strands_no_handle():
    answers = Answers({"half": _half_next, "good": [object(), object()]})
    gen = answers.ask(Op.CALL, answers.lend("half"), None, []).value
    assert answers.live == 2
    reply = answers.ask(Op.NEXT, gen, 10, [])
    assert (reply.status, reply.message) == (Status.THROWN, "generator failed")
    assert answers.live == 2, "the objects the NEXT lent before it failed went back"
    it = answers.ask(Op.ITER, answers.lend("good"), None, []).value
    reply = answers.ask(Op.NEXT, it, 10, [])
    assert reply.status is Status.OK and reply.value[0] is True and len(reply.value[1]) == 2
    assert answers.live == 6


def test_a_reply_that_cannot_be_encoded_strands_no_handle():
    answers = Answers({"obj": object(), "lone": "\ud800"})  # a lone surrogate: not UTF-8
    reply = answers.ask(Op.GATHER, 0, None, [["obj"], ["lone"]])
    assert reply.status is Status.THROWN and "surrogate" in reply.message, reply
    assert answers.live == 0, "the object lent into the reply that failed went back"


def test_a_dead_handle_in_the_arguments_is_bad_handle_and_its_drops_apply():
    answers = Answers({"obj": {"f": lambda x: x}})
    obj = answers.lend("obj")
    f = answers.ask(Op.GET, obj, "f", []).value
    assert answers.live == 2
    reply = answers.ask(Op.CALL, f, None, [remote_ext(999999)], [obj, 1])
    assert reply.status is Status.BAD_HANDLE, reply.message
    assert "handle 999999 is not live" in reply.message
    assert answers.live == 1, "the drop that rode on the refused request was applied"
    assert answers.ask(Op.GET, 999999, "x", []).status is Status.BAD_HANDLE


@pytest.mark.parametrize("count", [1.5, "1", [1], -1, True, None])
def test_drop_counts_must_be_non_negative_integers(count):
    answers = Answers({"obj": object()})
    handle = answers.lend("obj")
    reply = answers.ask(Op.RELEASE, 0, None, [], [handle, count])
    assert reply.status is Status.BAD_REQUEST
    assert "drops must be an array of [id, count] integer pairs" in reply.message
    assert answers.live == 1
    assert answers.ask(Op.RELEASE, 0, None, [], [handle, 1]).status is Status.OK
    assert answers.live == 0


@pytest.mark.parametrize("hexed", ["c1", "94010" "0a178c1", "9405" "00c091c1",
                                   "9405" "00c09181a16bc1", "9501" "00a178909201c1"])
def test_byte_c1_anywhere_in_a_frame_is_bad_request(hexed):
    answers = Answers({})
    reply = CODEC.decode_reply(answers.connection.handle(bytes.fromhex(hexed)))
    assert reply.status is Status.BAD_REQUEST
    assert "undecodable frame" in reply.message


def test_byte_c1_inside_a_string_or_a_number_is_no_refusal():
    answers = Answers({"x\u00c1": 193})
    assert answers.ask(Op.GET, 0, "x\u00c1", []).value == 193
