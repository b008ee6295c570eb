"""The chunked transfer of the CPython host (broker/transfer.py): both ends share one `send` and
one `receive`, so they refuse the same bad headers and the same out-of-step reader with the same
error, as the page's JavaScript ends do (docs/protocol.md)."""

from __future__ import annotations

import threading

import pytest

from broker.errors import CallTimeout, ChannelClosed, ProtocolError
from broker.protocol import Slot, State
from broker.shared import SharedBuffer
from broker.transfer import Caller, Server, receive, send

ROOM = 64


def _buffer() -> SharedBuffer:
    return SharedBuffer(32 + ROOM)


def _header(buffer: SharedBuffer, total: int, chunk: int) -> None:
    buffer.words[Slot.TOTAL] = total
    buffer.words[Slot.CHUNK] = chunk


@pytest.mark.parametrize(("total", "chunk"), [(10, 20), (-1, 0), (5, 0), (500, ROOM + 1),
                                              (10, -3)])
def test_both_ends_refuse_a_header_that_cannot_describe_a_frame(total, chunk):
    buffer = _buffer()
    _header(buffer, total, chunk)
    with pytest.raises(ProtocolError, match=f"bad request header: TOTAL {total}, CHUNK {chunk}"):
        Server(buffer, 1.0, 1 << 20).read_request()
    with pytest.raises(ProtocolError, match=f"bad reply header: TOTAL {total}, CHUNK {chunk}"):
        receive(buffer, lambda: None, "reply")


def test_an_empty_frame_is_a_frame_on_both_ends():
    buffer = _buffer()
    _header(buffer, 0, 0)
    assert Server(buffer, 1.0, 1 << 20).read_request() == b""
    assert receive(buffer, lambda: None, "reply") == b""


def test_a_reader_that_asks_for_more_than_was_sent_is_out_of_step():
    buffer = _buffer()
    with pytest.raises(ProtocolError, match="out of step"):
        send(buffer, b"x" * 10, State.REPLY, lambda first, last: State.MORE)


def test_the_server_refuses_an_oversized_request_before_pulling_it():
    buffer = _buffer()
    _header(buffer, 1000, ROOM)
    with pytest.raises(ProtocolError, match="a request of 1000 bytes is over the limit of 100"):
        Server(buffer, 1.0, 100).read_request()
    assert buffer.state != State.MORE  # it asked for nothing more


def test_a_frame_crosses_in_chunks_both_ways():
    buffer = _buffer()
    server = Server(buffer, 5.0, 1 << 20)
    request, reply = bytes(range(200)), bytes(reversed(range(250)))
    seen = []
    rung = threading.Event()

    def serve():
        assert rung.wait(5) and server.claim()
        seen.append(server.read_request())
        server.write_reply(reply)

    thread = threading.Thread(target=serve)
    thread.start()
    assert Caller(buffer, 5.0, rung.set).roundtrip(request) == reply
    thread.join(5)
    assert seen == [request]


def test_the_worker_end_times_out_and_sees_a_closed_buffer():
    buffer = _buffer()
    caller = Caller(buffer, 0.05, lambda: None)
    with pytest.raises(CallTimeout, match="did not take the call"):
        caller.roundtrip(b"\x90")
    assert buffer.state == State.REPLY  # the request was withdrawn
    buffer.close()
    with pytest.raises(ChannelClosed):
        caller.roundtrip(b"\x90")
