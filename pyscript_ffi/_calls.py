"""Calls from the serving side into this worker: exports by name (``w.sync.NAME``) and
callbacks by id (a `create_proxy` function called by the page or the host).

Host-neutral: the browser runtimes (`_worker.WorkerRuntime`) and CPython worker threads
(`threads.Worker`) hand every call to `PageCalls.deliver` and give it a `post` that carries the
answer back: ``post(call, frame, error)`` with either the encoded result or a traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from broker.errors import HandleError
from broker.interpreter import format_exception
from broker.interpreter import is_awaitable as _awaitable
from broker.protocol import Message

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from .channel import Channel

    Post = Callable[[int, bytes | None, str | None], None]
    Schedule = Callable[[Awaitable[Any], Callable[[Any], None], Callable[[BaseException], None]],
                        None]


def is_awaitable(value: Any) -> bool:
    """A coroutine or other awaitable. A proxy is never one here: an export that returns a
    main-thread Promise (or any page object) hands the page that object itself."""
    return not hasattr(type(value), "_ffi_ext") and _awaitable(value)


def on_event_loop(awaitable: Awaitable[Any], done: Callable[[Any], None],
                  failed: Callable[[BaseException], None]) -> None:
    """An async export or callback in a browser worker: finish it on the interpreter's event
    loop (Pyodide's, MicroPython's asyncio), then report its result or exception."""
    import asyncio

    async def finish() -> None:
        try:
            result = await awaitable
        except BaseException as exc:  # noqa: BLE001 - it goes back to the page
            failed(exc)
            return
        done(result)

    # Pyodide's loop takes ensure_future outside a running task; MicroPython has create_task only
    schedule = getattr(asyncio, "ensure_future", None) or asyncio.create_task
    schedule(finish())


class PageCalls:
    """Runs the serving side's calls into this worker and posts their results back."""

    def __init__(self, channel: Channel, post: Post, schedule: Schedule) -> None:
        self.channel = channel
        self._post = post
        self._schedule = schedule  # runs an awaitable result, then calls one of two callbacks
        self.exports: dict[str, Callable[..., Any]] = {}

    def deliver(self, kind: str, call: int, target: str | int, frame: bytes) -> None:
        """Run one call: `kind` Message.EXPORT (target: a name), CALLBACK (target: an id) or
        FORGET (the other side dropped the function for callback `target`)."""
        if kind == Message.FORGET:
            callback = self.channel.callbacks.get_or_none(int(target))
            if callback is not None and callback.once:
                self.channel.callbacks.forget(int(target))
            return
        try:
            args = self.channel.decode_value(frame)
            result = self._target(kind, target)(*args)
            if is_awaitable(result):
                self._schedule(result, lambda value: self._settle(call, value),
                               lambda exc: self._fail(call, exc))
                return
            self._settle(call, result)
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the caller
            self._fail(call, exc)

    def _target(self, kind: str, target: str | int) -> Callable[..., Any]:
        if kind == Message.EXPORT:
            if target not in self.exports:
                raise NameError(f"this worker exports no function {target!r}; its __export__ "
                                f"lists {sorted(self.exports)}")
            return self.exports[str(target)]
        callback = self.channel.callbacks.get_or_none(int(target))
        if callback is None:
            raise HandleError(
                f"JavaScript called Python callback {target}, which is gone: either its "
                "create_proxy(...).destroy() was called (remove the listener first), or it was a "
                "plain function, which JavaScript may call once: wrap it with create_proxy(func) "
                "to call it again")
        if callback.once:
            self.channel.callbacks.forget(int(target))
        return callback  # type: ignore[no-any-return]

    def _settle(self, call: int, result: Any) -> None:
        try:
            frame = self.channel.encode_value(result)
        except BaseException as exc:  # noqa: BLE001
            self._fail(call, exc)
            return
        self._post(call, frame, None)

    def _fail(self, call: int, exc: BaseException) -> None:
        self._post(call, None, format_exception(exc))
