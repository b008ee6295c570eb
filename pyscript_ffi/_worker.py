"""What a browser worker's runtime does on either interpreter: run the user's file, take its
``__export__`` list, answer the page's calls, and name a round trip's failure.

`_pyodide.Runtime` and `_micro.Runtime`, subclasses of `WorkerRuntime`, differ only in how the
user's code runs (Pyodide's ``eval_code_async``, which allows top-level await; MicroPython's
``exec``) and in how frames cross their FFI. Plain classes: both interpreters run this.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from broker.errors import CallTimeout, ChannelError
from broker.protocol import Failure

from . import promises
from ._calls import PageCalls, on_event_loop
from .stdio import install as install_stdio
from .stdio import write as write_line

if TYPE_CHECKING:
    from collections.abc import Callable

    from .channel import Channel


#: the Failure codes of a request withdrawn before the page took it: nothing ran
WITHDRAWN = (Failure.UNCLAIMED, Failure.WITHDRAWN)


def call_timeout(failure: str, seconds: float) -> BaseException:
    """The error for a round trip the stub gave up on: a `Failure` code, the bound in seconds
    (KeyboardInterrupt if the page's ``interrupt()`` cut the wait short)."""
    if failure in (Failure.INTERRUPTED, Failure.WITHDRAWN):
        return KeyboardInterrupt("interrupted by the page (interrupt()) while waiting for it")
    if failure == Failure.UNCLAIMED:
        return CallTimeout.unclaimed(seconds)
    if failure == Failure.LOST:
        return ChannelError("the service worker that carried the call to the page went away "
                            "before it answered (the browser stopped, replaced or unregistered "
                            "it): the call may or may not have run")
    return CallTimeout.unanswered(seconds)


def use_worker_clock(timeout_s: float, pause_ms: Callable[[float], object]) -> None:
    """Give `promises.run_sync` this worker's blocking pause (`pause_ms`, the stub's: the worker
    sleeps, the page runs) and its call timeout."""

    def pause(seconds: float) -> None:
        pause_ms(seconds * 1000)

    promises.configure(pause, timeout_s)


class WorkerRuntime:
    """Runs the user's file and answers the page's calls into Python (`channel` None: the
    page's own thread, which answers none)."""

    def __init__(self, channel: Channel | None) -> None:
        self.channel = channel
        self.calls = None if channel is None else PageCalls(channel, self._settle, on_event_loop)

    def _namespace(self, filename: str) -> dict[str, Any]:
        """The globals the user's file runs in."""
        return {"__name__": "__main__", "__file__": filename}

    def _exported(self, namespace: dict[str, Any], filename: str) -> list[str]:
        """The names the file's ``__export__`` lists, which the page may then call. Raises
        NameError if one is not a function the file defines."""
        names = namespace.get("__export__", [])
        missing = [name for name in names if not callable(namespace.get(name))]
        if missing:
            raise NameError(f"__export__ lists {missing}, which {filename} does not define "
                            "as functions")
        if self.calls is not None:
            self.calls.exports = {name: namespace[name] for name in names}
        return list(names)

    def _stdio(self, frame: bytes) -> list[str]:
        """BOOT's io frame: input() asks the page; the streams whose lines go to `write`."""
        assert self.channel is not None, "only a worker's runtime takes the page's stdio"
        return install_stdio(self.channel, frame)

    def write(self, stream: str, line: str) -> bool:
        """A line printed to `stream`, for the page's handler; True if the page's interrupt()
        cut it short (stdio.write)."""
        return write_line(stream, line)

    def _settle(self, call: int, frame: bytes | None, error: str | None) -> None:
        """Post the answer to a page call back to the page (per interpreter)."""
        raise NotImplementedError
