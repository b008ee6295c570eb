"""PyScript's ``pyscript.websocket``: ``WebSocket(url, protocols=None, onopen=..., onmessage=...,
onerror=..., onclose=...)`` with PyScript's event callbacks (plain or async functions, given
one ``WebSocketEvent``), the same on both interpreters and threads.

The socket belongs to the thread that makes it (a worker's lives in the worker: its messages
never cross the page's channel). Binary messages arrive as ``memoryview`` (``bytes`` on
Pyodide), and ``send`` takes ``str`` or bytes-like data.
"""

from __future__ import annotations

from typing import Any

from broker.interpreter import MICROPYTHON

from .util import as_bytearray, is_awaitable

__all__ = ["WebSocket", "WebSocketEvent"]

HANDLERS = ("onclose", "onerror", "onmessage", "onopen")


def _local_proxy(func: Any) -> Any:
    """`func` for this interpreter's own JavaScript to call (not the page's)."""
    try:
        from pyodide.ffi import create_proxy  # type: ignore[import-not-found]
    except ImportError:
        from jsffi import create_proxy  # type: ignore[import-not-found]
    return create_proxy(func)


class WebSocketEvent:
    """An event of a `WebSocket`: its fields as the DOM event's, ``data`` as Python text or
    bytes."""

    def __init__(self, event: Any) -> None:
        self._event = event

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._event, name)
        if name == "data" and not isinstance(value, str):
            if hasattr(value, "to_py"):  # Pyodide: an ArrayBuffer's bytes
                return value.to_py()
            return memoryview(as_bytearray(value))
        return value


def _attach(socket: Any, name: str, handler: Any) -> None:
    if is_awaitable(handler):
        async def call_async(event: Any) -> None:
            await handler(WebSocketEvent(event))

        setattr(socket, name, _local_proxy(call_async))
    else:
        setattr(socket, name, _local_proxy(lambda event: handler(WebSocketEvent(event))))


class WebSocket:
    """A WebSocket connection (the browser's, with ``binaryType`` ``"arraybuffer"``). Its
    other attributes (``readyState``, ``url``, ``protocol``, ...) are the browser socket's."""

    CONNECTING = 0
    OPEN = 1
    CLOSING = 2
    CLOSED = 3

    def __init__(self, url: str, protocols: Any = None, **handlers: Any) -> None:
        import js  # type: ignore[import-not-found]  # this thread's own WebSocket class

        unknown = [name for name in handlers if name not in HANDLERS]
        if unknown:
            raise TypeError(f"WebSocket() got unknown handlers {unknown}: use "
                            f"{', '.join(HANDLERS)}")
        socket = js.WebSocket.new(url, protocols) if protocols else js.WebSocket.new(url)
        socket.binaryType = "arraybuffer"
        object.__setattr__(self, "_js_websocket", socket)
        for name, handler in handlers.items():
            setattr(self, name, handler)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._js_websocket, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in HANDLERS:
            _attach(self._js_websocket, name, value)
        else:
            setattr(self._js_websocket, name, value)

    def send(self, data: Any) -> None:
        """Send text (``str``) or binary data (bytes, bytearray, memoryview, a list of ints)."""
        if isinstance(data, str):
            self._js_websocket.send(data)
            return
        import js

        payload = bytes(data)
        buffer = js.Uint8Array.new(len(payload))
        if not MICROPYTHON:
            buffer.assign(payload)  # Pyodide: one copy
        else:
            for index, byte in enumerate(payload):
                buffer[index] = byte
        self._js_websocket.send(buffer)

    def close(self, code: int | None = None, reason: str | None = None) -> None:
        if code and reason:
            self._js_websocket.close(code, reason)
        elif code:
            self._js_websocket.close(code)
        else:
            self._js_websocket.close()

