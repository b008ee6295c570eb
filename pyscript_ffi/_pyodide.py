"""pyscript-ffi under Pyodide: the transport over the worker's JS stub, and the runtime that runs
the user's file and answers the page's calls (exports, callbacks).

Imported by ``js_glue/worker.js`` (after it registered the ``_pyscript_ffi_stub`` module) and by
``PyMain`` in ``js_glue/main.js`` for Python on the page's own thread.
"""

from __future__ import annotations

from typing import Any

from pyodide.code import eval_code_async  # type: ignore[import-not-found]
from pyodide.ffi import to_js  # type: ignore[import-not-found]

from broker.errors import CallTimeout

from . import _runtime
from ._calls import PageCalls, on_event_loop
from .channel import Channel


class StubTransport:
    """Round trips through the worker stub's Caller (Atomics.wait on the shared buffer)."""

    def __init__(self, caller: Any) -> None:
        self._caller = caller
        self._roundtrip = caller.roundtrip

    def roundtrip(self, frame: bytes) -> bytes:
        # to_js copies the frame into a Uint8Array (~3 us here); handing JS the bytes object
        # instead (a PyProxy it must getBuffer/release) measured ~40 us more per call
        reply = self._roundtrip(to_js(frame))
        if type(reply) is str:
            seconds = self._caller.timeoutMs / 1000
            if reply == "unclaimed":
                raise CallTimeout.unclaimed(seconds)
            raise CallTimeout.unanswered(seconds)
        # a copy: the view into the shared buffer is reused next call
        return reply.to_bytes()  # type: ignore[no-any-return]


class Runtime:
    """Runs the user's file and answers the page's calls into Python."""

    def __init__(self, channel: Channel | None, post: Any = None) -> None:
        self.channel = channel
        self._post = post
        self.calls = None if channel is None else PageCalls(channel, self._settle, on_event_loop)

    async def run(self, code: str, filename: str) -> Any:
        namespace: dict[str, Any] = {"__name__": "__main__", "__file__": filename}
        await eval_code_async(code, namespace, filename=filename)
        names = namespace.get("__export__", [])
        missing = [name for name in names if not callable(namespace.get(name))]
        if missing:
            raise NameError(f"__export__ lists {missing}, which {filename} does not define "
                            "as functions")
        if self.calls is not None:
            self.calls.exports = {name: namespace[name] for name in names}
        return list(names)

    def deliver(self, message: Any) -> None:
        """A message from the page: {kind, call, name | id, frame}."""
        assert self.calls is not None, "only a worker's runtime answers page calls"
        kind = message.kind
        target = message.name if kind == "export" else message.id
        frame = b"" if kind == "forget" else message.frame.to_bytes()
        self.calls.deliver(kind, 0 if kind == "forget" else message.call, target, frame)

    def _settle(self, call: int, frame: bytes | None, error: str | None) -> None:
        if error is not None:
            self._post({"kind": "settle", "call": call, "error": error})
        else:
            self._post({"kind": "settle", "call": call}, frame)


def start_worker() -> Runtime:
    """In a worker: talk to the page through the stub's shared buffer."""
    import _pyscript_ffi_stub as stub  # type: ignore[import-not-found]

    channel = Channel(StubTransport(stub.caller))
    _runtime.install(channel, in_worker=True)
    return Runtime(channel, stub.post)


def start_local() -> Runtime:
    """On the page's own thread: pyscript_ffi over Pyodide's own FFI, no channel."""
    import js  # type: ignore[import-not-found]

    _runtime.install_local(js)
    return Runtime(None)
