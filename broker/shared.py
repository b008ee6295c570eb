"""A channel's shared buffer under the CPython host, and the worker's end of it.

The worker thread and the serving thread share one `SharedBuffer`: the browser's layout (the
`Slot` header words, then DATA at `DATA_OFFSET`) and the browser's state machine
(docs/protocol.md). A `threading.Condition` stands in for ``Atomics.wait`` / ``Atomics.notify``
on the STATE word. `Caller` is the worker's end, step for step the same as ``js_glue/stub.js``;
the serving end is `broker.host.Connection`.

No spinning before blocking, unlike the browser stub: under the GIL a spinning worker takes the
very interpreter the serving thread needs to answer it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from .errors import CallTimeout, ChannelClosed, ProtocolError
from .protocol import DATA_OFFSET, DEFAULT_BUFFER_BYTES, PROTOCOL_VERSION, Slot, State

#: The smallest buffer that leaves room for frames (header + 64 data bytes).
MIN_BUFFER_BYTES = DATA_OFFSET + 64


class SharedBuffer:
    """The header words and DATA of one channel, and the condition its two threads wait on."""

    def __init__(self, size: int = DEFAULT_BUFFER_BYTES) -> None:
        if size < MIN_BUFFER_BYTES:
            raise ValueError(f"a channel buffer needs at least {MIN_BUFFER_BYTES} bytes, "
                             f"not {size}")
        memory = memoryview(bytearray(size))
        self.words = memory[:DATA_OFFSET].cast("i")
        self.data = memory[DATA_OFFSET:]
        self.changed = threading.Condition(threading.Lock())
        self.closed = False
        self.words[Slot.VERSION] = PROTOCOL_VERSION

    @property
    def state(self) -> int:
        return self.words[Slot.STATE]

    def store(self, state: State) -> None:
        """Atomics.store + Atomics.notify on STATE."""
        with self.changed:
            self.words[Slot.STATE] = state
            self.changed.notify_all()

    def compare_exchange(self, expected: State, new: State) -> int:
        """Atomics.compareExchange on STATE (notifying on a change); returns the old state."""
        with self.changed:
            old = self.words[Slot.STATE]
            if old == expected:
                self.words[Slot.STATE] = new
                self.changed.notify_all()
            return old

    def wait_while(self, state: State, deadline: float) -> int:
        """Block while STATE is `state` and the buffer is open, until ``time.monotonic()`` passes
        `deadline`; returns the state seen last."""
        words = self.words
        now = words[Slot.STATE]
        if now != state:
            return now
        with self.changed:
            while True:
                now = words[Slot.STATE]
                left = deadline - time.monotonic()
                if now != state or left <= 0 or self.closed:
                    return now
                self.changed.wait(left)

    def put_chunk(self, frame: bytes | memoryview, sent: int) -> int:
        """Copy the next chunk of `frame` (from byte `sent`) into DATA; returns bytes sent."""
        chunk = min(len(self.data), len(frame) - sent)
        self.data[:chunk] = frame[sent:sent + chunk]
        self.words[Slot.CHUNK] = chunk
        return sent + chunk

    def close(self) -> None:
        """Wake every waiter for good: the channel is over."""
        with self.changed:
            self.closed = True
            self.changed.notify_all()


class Caller:
    """The worker's end: one synchronous round trip at a time, every wait bounded.

    `ring` is called after the first chunk of each request is in, so the serving thread (which
    serves many buffers) learns which one to look at: the browser's waitAsync per buffer.
    """

    def __init__(self, buffer: SharedBuffer, timeout: float, ring: Callable[[], None]) -> None:
        if buffer.words[Slot.VERSION] != PROTOCOL_VERSION:
            raise ProtocolError(f"the host speaks protocol {buffer.words[Slot.VERSION]}, this "
                                f"worker {PROTOCOL_VERSION}")
        self.buffer = buffer
        self.timeout = timeout
        self._ring = ring
        self._owed = False  # the host still owes the reply to a call that timed out while BUSY

    def roundtrip(self, frame: bytes) -> bytes:
        """Send `frame`, return the reply. Raises CallTimeout or ChannelClosed."""
        buffer = self.buffer
        self._check_open()
        deadline = time.monotonic() + self.timeout
        if self._owed:
            # the call that timed out is still being answered (BUSY), or the host is writing the
            # next chunk of its reply (MORE): let that land before writing over the buffer
            state = buffer.state
            while state in (State.BUSY, State.MORE):
                seen = buffer.wait_while(State(state), deadline)
                if seen == state:
                    raise self._failure(CallTimeout.unanswered(self.timeout))
                state = seen
            self._owed = False
        buffer.words[Slot.TOTAL] = len(frame)
        sent = 0
        while True:
            sent = buffer.put_chunk(frame, sent)
            buffer.store(State.REQUEST)
            if sent == buffer.words[Slot.CHUNK]:
                self._ring()
            state = self._await_answer(deadline)
            if state == State.REPLY:
                break  # the whole request is in (or the host refused it early)
            if sent >= len(frame):
                raise ProtocolError("channel out of step: the host asked for more than was sent")
        return self._read_reply(deadline)

    def _await_answer(self, deadline: float) -> int:
        buffer = self.buffer
        while True:
            state = buffer.wait_while(State.REQUEST, deadline)
            self._check_open()
            if state == State.REQUEST:
                # not picked up in time: withdraw it, unless the host claims it this instant
                if buffer.compare_exchange(State.REQUEST, State.REPLY) == State.REQUEST:
                    raise CallTimeout.unclaimed(self.timeout)
                continue
            if state == State.BUSY:
                if buffer.wait_while(State.BUSY, deadline) == State.BUSY:
                    self._check_open()
                    raise self._failure(CallTimeout.unanswered(self.timeout))
                continue
            return state  # REPLY or MORE

    def _read_reply(self, deadline: float) -> bytes:
        buffer = self.buffer
        total = buffer.words[Slot.TOTAL]
        chunk = buffer.words[Slot.CHUNK]
        if chunk == total:
            return bytes(buffer.data[:chunk])
        reply = bytearray()
        while True:
            reply += buffer.data[:chunk]
            if len(reply) >= total:
                return bytes(reply)
            buffer.store(State.MORE)
            if buffer.wait_while(State.MORE, deadline) == State.MORE:
                self._check_open()
                raise self._failure(CallTimeout.unanswered(self.timeout))
            chunk = buffer.words[Slot.CHUNK]

    def _failure(self, error: CallTimeout) -> CallTimeout:
        self._owed = True
        return error

    def _check_open(self) -> None:
        if self.buffer.closed:
            raise ChannelClosed("the host closed this worker's channel (terminated, or the host "
                                "was closed): no more calls can be made from it")
