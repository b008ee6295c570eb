"""pyscript-ffi under Pyodide: the transport over the worker's JS stub, and the runtime that runs
the user's file and answers the page's calls (exports, callbacks).

Imported by ``js_glue/worker.js`` (after it registered the ``_pyscript_ffi_stub`` module) and by
``PyMain`` in ``js_glue/main.js`` for Python on the page's own thread.
"""

from __future__ import annotations

import inspect
import traceback
from typing import Any

from pyodide.code import eval_code_async  # type: ignore[import-not-found]
from pyodide.ffi import to_js  # type: ignore[import-not-found]

from broker.errors import CallTimeout, HandleError

from . import _runtime
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
                raise CallTimeout(
                    f"the main thread did not take the call within {seconds:g} s: it is busy "
                    "(a long synchronous task?) or the page stopped serving this worker; the call "
                    "was withdrawn, nothing ran")
            raise CallTimeout(
                f"the main thread took the call but did not answer within {seconds:g} s (a slow "
                "JavaScript function?); its late answer will be discarded")
        return reply.to_bytes()  # a copy: the view into the shared buffer is reused next call


class Runtime:
    """Runs the user's file and answers the page's calls into Python."""

    def __init__(self, channel: Channel | None, post: Any = None) -> None:
        self.channel = channel
        self._post = post
        self.exports: dict[str, Any] = {}

    async def run(self, code: str, filename: str) -> Any:
        namespace: dict[str, Any] = {"__name__": "__main__", "__file__": filename}
        await eval_code_async(code, namespace, filename=filename)
        names = namespace.get("__export__", [])
        missing = [name for name in names if not callable(namespace.get(name))]
        if missing:
            raise NameError(f"__export__ lists {missing}, which {filename} does not define "
                            "as functions")
        self.exports = {name: namespace[name] for name in names}
        return list(self.exports)

    def deliver(self, message: Any) -> None:
        assert self.channel is not None, "only a worker's runtime answers page calls"
        if message.kind == "forget":  # the page dropped the function standing for a callback
            callback = self.channel.callbacks.get_or_none(message.id)
            if callback is not None and callback.once:
                self.channel.callbacks.forget(message.id)
            return
        call = message.call
        try:
            args = self.channel.decode_value(message.frame.to_bytes())
            func = self._target(message)
            result = func(*args)
            if inspect.isawaitable(result):
                import asyncio

                asyncio.ensure_future(self._finish(call, result))
                return
            self._settle(call, result)
        except BaseException:  # noqa: BLE001 - every failure goes back to the page
            self._post({"kind": "settle", "call": call, "error": traceback.format_exc()})

    def _target(self, message: Any) -> Any:
        if message.kind == "export":
            name = message.name
            if name not in self.exports:
                raise NameError(f"this worker exports no function {name!r}; its __export__ "
                                f"lists {sorted(self.exports)}")
            return self.exports[name]
        callback = self.channel.callbacks.get_or_none(message.id)
        if callback is None:
            raise HandleError(
                f"JavaScript called Python callback {message.id}, which is gone: either its "
                "create_proxy(...).destroy() was called (remove the listener first), or it was a "
                "plain function, which JavaScript may call once: wrap it with create_proxy(func) "
                "to call it again")
        if callback.once:
            self.channel.callbacks.forget(message.id)
        return callback

    async def _finish(self, call: int, awaitable: Any) -> None:
        try:
            self._settle(call, await awaitable)
        except BaseException:  # noqa: BLE001
            self._post({"kind": "settle", "call": call, "error": traceback.format_exc()})

    def _settle(self, call: int, result: Any) -> None:
        self._post({"kind": "settle", "call": call}, self.channel.encode_value(result))


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
