"""A channel's shared buffer under the CPython host: the SharedArrayBuffer and Atomics of a page.

The worker thread and the serving thread share one `SharedBuffer`: the browser's layout (the
`Slot` header words, then DATA at `DATA_OFFSET`) and a `threading.Condition` standing in for
``Atomics.wait`` / ``Atomics.notify`` on the STATE word. The state machine that moves frames
through it, for both ends, is `broker.transfer`.
"""

from __future__ import annotations

import threading
import time

from .protocol import (
    DATA_OFFSET,
    DEFAULT_BUFFER_BYTES,
    INTERRUPT_SIGNAL,
    PROTOCOL_VERSION,
    Slot,
    State,
)

#: The smallest buffer that leaves room for frames (header + 64 data bytes).
MIN_BUFFER_BYTES = DATA_OFFSET + 64

# the header words as plain ints, for the per-call paths (an IntEnum member is a class
# attribute lookup each time: ~0.1 us, and a round trip reads a dozen)
_STATE, _INTERRUPT, _CHUNK = int(Slot.STATE), int(Slot.INTERRUPT), int(Slot.CHUNK)


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
        #: threads in wait_while now: a store with none waiting skips Condition.notify_all
        #: (~1 us of Python per call, measured in docs/hosts.md)
        self._waiting = 0
        self.closed = False
        self.words[Slot.VERSION] = PROTOCOL_VERSION

    @property
    def state(self) -> int:
        return self.words[_STATE]

    def store(self, state: State) -> None:
        """Atomics.store + Atomics.notify on STATE."""
        with self.changed:
            self.words[_STATE] = state
            if self._waiting:
                self.changed.notify_all()

    def compare_exchange(self, expected: State, new: State, notify: bool = True) -> int:
        """Atomics.compareExchange on STATE (notifying on a change, if `notify`); returns the
        old state."""
        with self.changed:
            old = self.words[_STATE]
            if old == expected:
                self.words[_STATE] = new
                if notify and self._waiting:
                    self.changed.notify_all()
            return old

    def wait_while(self, state: State, deadline: float, interruptible: bool = False) -> int:
        """Block while STATE is `state` and the buffer is open, until ``time.monotonic()`` passes
        `deadline` (or, if `interruptible`, the INTERRUPT word is set); returns the state seen
        last."""
        words = self.words
        now = words[_STATE]
        if now != state:
            return now
        with self.changed:
            while True:
                now = words[_STATE]
                left = deadline - time.monotonic()
                if (now != state or left <= 0 or self.closed
                        or (interruptible and words[_INTERRUPT])):
                    return now
                self._waiting += 1
                try:
                    self.changed.wait(left)
                finally:
                    self._waiting -= 1

    def interrupt(self) -> bool:
        """Store INTERRUPT_SIGNAL in INTERRUPT and wake the waiters (the page's interrupt()).
        False if it was set already (not yet taken: the two are one)."""
        with self.changed:
            fresh = self.words[Slot.INTERRUPT] == 0
            self.words[Slot.INTERRUPT] = INTERRUPT_SIGNAL
            self.changed.notify_all()
        return fresh

    def take_interrupt(self) -> bool:
        """Whether INTERRUPT was set; clears it (Atomics.exchange)."""
        if not self.words[_INTERRUPT]:  # the usual case, without the lock
            return False
        with self.changed:
            signal, self.words[_INTERRUPT] = self.words[_INTERRUPT], 0
        return bool(signal)

    def put_chunk(self, frame: bytes | memoryview, sent: int) -> int:
        """Copy the next chunk of `frame` (from byte `sent`) into DATA; returns bytes sent."""
        chunk = min(len(self.data), len(frame) - sent)
        self.data[:chunk] = frame[sent:sent + chunk]
        self.words[_CHUNK] = chunk
        self.words[Slot.OFFSET] = sent
        return sent + chunk

    def close(self) -> None:
        """Wake every waiter for good: the channel is over."""
        with self.changed:
            self.closed = True
            self.changed.notify_all()
