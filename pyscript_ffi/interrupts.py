"""Interrupts held at a safe point (Pyodide): the page's ``interrupt()`` raises KeyboardInterrupt
at once in the user's code, but never inside the channel's own bookkeeping.

Pyodide turns the page's interrupt (SIGINT in the worker's interrupt buffer) into a call of the
Python SIGINT handler at the next bytecode boundary: anywhere, including between taking a
request's drops and sending them, or while a reply's proxies are being made. Raised there, the
drops or the lends would be lost. `DeferredInterrupts` is that handler: outside a request it
raises at once (as Python's default handler does); inside one (``depth`` > 0, counted by
`pyscript_ffi.channel.Channel.request`) it notes the interrupt, and the request raises it as it
returns, once every handle is accounted for.

Every interrupt the page sent and the worker took is raised once, none merged into another:
each one held is counted (``pending``). A request that returns raising KeyboardInterrupt already
(the stub cut its wait for a second interrupt, after Pyodide had handed this handler a first)
leaves the held ones pending, and the next request raises one as it starts, before it takes
anything. (Two `interrupt()`s before the worker took the first are one: the page's
``interrupt()`` returns false for the second, as the signal word was still set.)

Off switch: do not install it (``install`` is called by
`pyscript_ffi._pyodide.start_worker`); a user's own ``signal.signal(SIGINT, ...)`` replaces it.

(A proxy's lends come back without any Python code running at collection, so no interrupt can
land there: see `pyscript_ffi.tracking.WeakTracking`.)
"""

from __future__ import annotations

import signal
from typing import Any


class DeferredInterrupts:
    """The worker's SIGINT handler: raises at once, or at the end of the request under way."""

    def __init__(self) -> None:
        self.depth = 0  #: requests under way (nested: a request may resolve its arguments)
        self.pending = 0  #: interrupts that came while depth > 0, not raised yet
        self.held = 0  #: interrupts held till a request's end, over the worker's life

    def install(self) -> None:
        signal.signal(signal.SIGINT, self._on_signal)

    def _on_signal(self, signum: int, frame: Any) -> None:
        if self.depth:
            self.pending += 1
            self.held += 1
            return
        signal.default_int_handler(signum, frame)

    def enter(self) -> None:
        """The start of one request: raise an interrupt still held from an earlier one (nothing
        is taken yet), else count the request."""
        if self.pending and not self.depth:
            self.pending -= 1
            raise KeyboardInterrupt("interrupted by the page (interrupt()) during an earlier "
                                    "call to it")
        self.depth += 1

    def leave(self, raising: bool = False) -> None:
        """The end of one request: raise an interrupt held meanwhile, if any, unless the
        request is `raising` KeyboardInterrupt already (the held one then waits for the next
        request's `enter`: two interrupts, two KeyboardInterrupts)."""
        self.depth -= 1
        if self.pending and not self.depth and not raising:
            self.pending -= 1
            raise KeyboardInterrupt("interrupted by the page (interrupt()) during a call to it")
