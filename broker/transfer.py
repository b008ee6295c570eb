"""The chunked transfer under the CPython host, written once for both ends of a channel.

One round trip moves a request one way and its reply back through a `SharedBuffer`, by the state
machine of docs/protocol.md (the normative text; its JavaScript twins are ``js_glue/stub.js``
and ``js_glue/channel.js``)::

    Caller.roundtrip (a worker thread)           Server (the host's serving thread)
      send(frame, REQUEST)         ───────────►    claim, read_request: receive()
      receive()                    ◄───────────    write_reply: send(reply, REPLY)

`send` writes a frame chunk by chunk; `receive` reads one, asking for each next chunk with MORE.
The two ends differ only in how they wait for each other, which they pass in as a step:

- the worker (`Caller`) blocks with one deadline per round trip, its `timeout`. Past it, it
  withdraws a request nobody claimed, or gives up on the reply, raising `CallTimeout`; a reply
  it is still owed is let land and discarded at its next call.
- the serving thread (`Server`) waits within one transfer at most the host's `timeout`, and
  only while a frame is in pieces: a worker that stops mid-transfer is abandoned.

Both ends raise the same errors: `ProtocolError` for a TOTAL/CHUNK header that cannot describe a
frame, or a reader that asks for more than was sent ("out of step"); `CallTimeout` when the
other end did not take its turn in time; `ChannelClosed` once the buffer was closed.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from .errors import CallTimeout, ChannelClosed, ProtocolError
from .protocol import PROTOCOL_VERSION, Slot, State
from .shared import SharedBuffer

# the names below as module globals: the per-call paths read them a dozen times a round trip,
# and an enum member is a class attribute lookup each time (~0.1 us)
_REQUEST, _BUSY, _REPLY, _MORE = State.REQUEST, State.BUSY, State.REPLY, State.MORE
_TOTAL, _CHUNK, _OFFSET = Slot.TOTAL, Slot.CHUNK, Slot.OFFSET


def send(buffer: SharedBuffer, frame: bytes | memoryview, posted: State,
         turn: Callable[[bool, bool], int]) -> int:
    """Write `frame` into DATA, one chunk at a time, storing `posted` after each.

    ``turn(first, last)`` runs after each chunk is posted: it waits for the reader in the way of
    its end and returns the state the reader left. MORE asks for the next chunk; anything else
    ends the transfer and is returned. Raises ProtocolError if MORE comes after the last chunk.
    """
    size = len(frame)
    buffer.words[_TOTAL] = size
    sent = 0
    while True:
        first = sent == 0
        sent = buffer.put_chunk(frame, sent)
        buffer.store(posted)
        state = turn(first, sent >= size)
        if state != _MORE:
            return state
        if sent >= size:
            raise ProtocolError("channel out of step: the reader asked for more than was sent")


def receive(buffer: SharedBuffer, next_chunk: Callable[[], None], what: str,
            limit: int | None = None, over_limit: str = "") -> bytes:
    """Read the frame (a `what`: "request" or "reply") now in DATA, asking for its other chunks.

    ``next_chunk()`` runs after MORE is stored: it waits for the writer's next chunk in the way
    of its end, or raises. A frame over `limit` bytes that does not fit in one chunk is refused
    with ProtocolError (`over_limit` says which setting) before any more of it is asked for.
    Raises ProtocolError for a header or chunk that cannot be part of the frame.
    """
    words, data = buffer.words, buffer.data
    total, chunk, room = words[_TOTAL], words[_CHUNK], len(data)
    if total < 0 or chunk < 0 or chunk > room or chunk > total or (chunk == 0 and total > 0):
        raise ProtocolError(f"bad {what} header: TOTAL {total}, CHUNK {chunk} bytes in a buffer "
                            f"of {room} data bytes")
    if chunk == total:
        return bytes(data[:chunk])
    if limit is not None and total > limit:
        raise ProtocolError(f"a {what} of {total} bytes is over the limit of {limit} bytes "
                            f"({over_limit})")
    frame = bytearray()
    while True:
        frame += data[:chunk]
        if len(frame) >= total:
            return bytes(frame)
        buffer.store(_MORE)
        next_chunk()
        if words[_OFFSET] == 0:
            # the first chunk of another frame: the writer withdrew this one and wrote its next
            # request before this end took its turn (the frame read so far never runs)
            return receive(buffer, next_chunk, what, limit, over_limit)
        if words[_OFFSET] != len(frame):
            raise ProtocolError(f"a {what} chunk at byte {words[_OFFSET]} is out of place "
                                f"({len(frame)} of {total} bytes in)")
        chunk = words[_CHUNK]
        if chunk < 1 or chunk > room or len(frame) + chunk > total:
            raise ProtocolError(f"a {what} chunk of {chunk} bytes does not fit the frame "
                                f"({len(frame)} of {total} bytes in)")


def _closed(buffer: SharedBuffer) -> None:
    if buffer.closed:
        raise ChannelClosed("the host closed this worker's channel (terminated, or the host was "
                            "closed): no more calls can be made from it")


def _interrupted() -> KeyboardInterrupt:
    return KeyboardInterrupt("interrupted by the host (interrupt()) at a call to it")


class Caller:
    """The worker's end: one synchronous round trip at a time, every wait bounded by `timeout`.

    `ring` is called once the first chunk of each request is in, so the serving thread (which
    serves many buffers) learns which one to look at: the browser's waitAsync per buffer.
    No spinning before blocking, unlike the browser stub: under the GIL a spinning worker takes
    the very interpreter the serving thread needs to answer it.
    """

    def __init__(self, buffer: SharedBuffer, timeout: float, ring: Callable[[], None]) -> None:
        if buffer.words[Slot.VERSION] != PROTOCOL_VERSION:
            raise ProtocolError(f"the host speaks protocol {buffer.words[Slot.VERSION]}, this "
                                f"worker {PROTOCOL_VERSION}")
        self.buffer = buffer
        self.timeout = timeout
        self._ring = ring
        self._owed = False  # the host still owes the reply to a call that timed out while BUSY
        self._owed_whole = False  # ... and it timed out before any of that reply came
        #: replies that landed after their call gave up, whole: the worker returns their lends
        self.late: list[bytes] = []
        self._deadline = 0.0  # of the round trip under way
        #: the last round trip that raised ran nothing: interrupted before it was sent,
        #: withdrawn unclaimed, or a late reply still owed (the worker sends its drops again)
        self.withdrawn = False

    def roundtrip(self, frame: bytes) -> bytes:
        """Send `frame`, return the reply. Raises CallTimeout, ChannelClosed or ProtocolError;
        KeyboardInterrupt if the host's ``interrupt()`` came before or during the wait (a wait
        cut short ends as at its deadline: withdrawn, or the reply owed)."""
        self.withdrawn = True
        _closed(self.buffer)
        if self.buffer.take_interrupt():
            raise _interrupted()
        self._deadline = time.monotonic() + self.timeout
        try:
            if self._owed:
                self._let_late_reply_land()
            self.withdrawn = False
            send(self.buffer, frame, _REQUEST, self._await_answer)
            return receive(self.buffer, self._await_next_chunk, "reply")
        except CallTimeout:
            if self.buffer.take_interrupt():
                raise _interrupted() from None
            raise

    def _let_late_reply_land(self) -> None:
        # the call that timed out is still being answered (BUSY), or the host is writing the
        # next chunk of its reply (MORE): let that land before writing over the buffer
        buffer = self.buffer
        state = buffer.state
        while state in (_BUSY, _MORE):
            seen = buffer.wait_while(State(state), self._deadline, True)
            if seen == state:
                raise self._unanswered()
            state = seen
        self._owed = False
        if state == _REPLY and self._owed_whole:
            self.late.append(receive(buffer, self._await_next_chunk, "reply"))
        self._owed_whole = False

    def _await_answer(self, first: bool, last: bool) -> int:
        """After a request chunk: REPLY (the whole request is in, or it was refused) or MORE."""
        if first:
            self._ring()
        buffer = self.buffer
        while True:
            state = buffer.wait_while(_REQUEST, self._deadline, True)
            _closed(buffer)
            if state == _REQUEST:
                # not picked up in time: withdraw it, unless the host claims it this instant
                if buffer.compare_exchange(_REQUEST, _REPLY) == _REQUEST:
                    self.withdrawn = True
                    raise CallTimeout.unclaimed(self.timeout)
                continue
            if state == _BUSY:
                if buffer.wait_while(_BUSY, self._deadline, True) == _BUSY:
                    _closed(buffer)
                    self._owed_whole = True
                    raise self._unanswered()
                continue
            return state  # REPLY or MORE

    def _await_next_chunk(self) -> None:
        if self.buffer.wait_while(_MORE, self._deadline, True) == _MORE:
            _closed(self.buffer)
            raise self._unanswered()

    def _unanswered(self) -> CallTimeout:
        self._owed = True
        return CallTimeout.unanswered(self.timeout)


class Server:
    """The serving end of one buffer: claim a request, read it, write its reply.

    `timeout` bounds each transfer's waits for the worker (only a frame in chunks waits);
    `limit` is the largest request it pulls in pieces.
    """

    def __init__(self, buffer: SharedBuffer, timeout: float, limit: int) -> None:
        self.buffer = buffer
        self.timeout = timeout
        self.limit = limit
        self._deadline = 0.0  # of the transfer under way

    def claim(self) -> bool:
        """Take the request in the buffer (REQUEST -> BUSY); False if there is none (withdrawn).
        It wakes nobody: the worker waits through BUSY as through REQUEST, and a wake here cost
        it a thread switch per call (docs/hosts.md, "Measured")."""
        return self.buffer.compare_exchange(_REQUEST, _BUSY, False) == _REQUEST

    def read_request(self) -> bytes:
        """The claimed request. Raises ProtocolError (answer it: the worker waits for a reply),
        CallTimeout or ChannelClosed (the worker left mid-transfer: abandon it)."""
        self._deadline = time.monotonic() + self.timeout
        return receive(self.buffer, self._await_next_chunk, "request", self.limit,
                       "Host max_frame_bytes")

    def write_reply(self, reply: bytes) -> None:
        """Answer the claimed request; returns early if the worker gave up on the rest."""
        self._deadline = time.monotonic() + self.timeout
        send(self.buffer, reply, _REPLY, self._await_reader)

    def _await_next_chunk(self) -> None:
        buffer = self.buffer
        if buffer.wait_while(_MORE, self._deadline) == _MORE:
            _closed(buffer)
            raise CallTimeout(f"the worker did not send the next chunk of its request within "
                              f"{self.timeout:g} s: the request is abandoned")
        if buffer.compare_exchange(_REQUEST, _BUSY, False) != _REQUEST:  # (claim)
            raise CallTimeout("the worker withdrew its request mid-transfer (it timed out)")

    def _await_reader(self, first: bool, last: bool) -> int:
        if last:
            return _REPLY  # the reader copies it out; nothing more to wait for
        # MORE asks for the next chunk; anything else: the worker gave up on the rest
        return self.buffer.wait_while(_REPLY, self._deadline)
