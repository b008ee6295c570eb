"""pyscript-ffi inside a Pyodide Web Worker: the transport over the JS stub, and the runtime that
runs the user's file and answers the page's calls (exports, callbacks).

Imported by ``js_glue/worker.js`` only, after it registered the ``_pyscript_ffi_stub`` module.
"""

from __future__ import annotations

import inspect
import traceback
from typing import Any

import _pyscript_ffi_stub as _stub  # type: ignore[import-not-found]
from pyodide.code import eval_code_async  # type: ignore[import-not-found]

from broker.errors import CallTimeout, HandleError

from . import _runtime
from .channel import Channel


class StubTransport:
    """Round trips through the worker stub's Caller (Atomics.wait on the shared buffer)."""

    def __init__(self, caller: Any) -> None:
        self._caller = caller
        self._roundtrip = caller.roundtrip

    def roundtrip(self, frame: bytes) -> bytes:
        reply = self._roundtrip(frame)
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
        return bytes(reply.to_bytes())


class Runtime:
    """Runs the user's file and answers the page's calls into Python."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
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
            _stub.post({"kind": "settle", "call": call, "error": traceback.format_exc()})

    def _target(self, message: Any) -> Any:
        if message.kind == "export":
            name = message.name
            if name not in self.exports:
                raise NameError(f"this worker exports no function {name!r}; its __export__ "
                                f"lists {sorted(self.exports)}")
            return self.exports[name]
        try:
            return self.channel.callbacks.get(message.id)
        except HandleError:
            raise HandleError(f"the Python callback {message.id} was destroyed (its "
                              "create_proxy(...).destroy() was called) but JavaScript called "
                              "it again: remove the listener before destroying it") from None

    async def _finish(self, call: int, awaitable: Any) -> None:
        try:
            self._settle(call, await awaitable)
        except BaseException:  # noqa: BLE001
            _stub.post({"kind": "settle", "call": call, "error": traceback.format_exc()})

    def _settle(self, call: int, result: Any) -> None:
        _stub.post({"kind": "settle", "call": call}, self.channel.encode_value(result))


def start() -> Runtime:
    channel = Channel(StubTransport(_stub.caller))
    _runtime.install(channel, in_worker=True)
    return Runtime(channel)
