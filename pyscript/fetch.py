"""PyScript's ``pyscript.fetch``: the browser's ``fetch`` with Python results, the same on both
interpreters, on the page's thread and in a worker (where the request runs on the page):

    response = await fetch("data.json")     # .ok, .status, .statusText, .headers, ...
    data = await response.json()            # or .text(), .bytearray(), .arrayBuffer(), .blob()
    data = await fetch("data.json").json()  # the same, chained
    await fetch("/api", method="POST", headers={"Content-Type": "application/json"}, body=text)

An HTTP error status is not an exception (check ``response.ok``); a network failure raises the
browser's ``TypeError`` as ``JsException`` (a ``JsProxy`` error on the page's thread).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from broker.interpreter import MICROPYTHON
from pyscript_ffi import _runtime

from .util import as_bytearray

if TYPE_CHECKING:
    from collections.abc import Generator

__all__ = ["fetch"]


class FetchResponse:
    """A ``Response``: its properties (``ok``, ``status``, ``url``, ...) as they are, its bodies
    as Python values."""

    def __init__(self, response: Any) -> None:
        self._response = response

    def __getattr__(self, name: str) -> Any:
        return getattr(self._response, name)

    async def text(self) -> str:
        return str(await self._response.text())

    async def json(self) -> Any:
        """The body parsed as JSON, as dicts, lists, str, numbers (raises ValueError if it is not
        JSON)."""
        return json.loads(await self.text())

    async def bytearray(self) -> bytearray:
        return as_bytearray(await self._response.arrayBuffer())

    async def arrayBuffer(self) -> memoryview:  # noqa: N802 (PyScript's name, the DOM's)
        return memoryview(await self.bytearray())

    async def blob(self) -> Any:
        """The body as the JavaScript ``Blob`` (a proxy of the page's, in a worker)."""
        return await self._response.blob()


class FetchRequest:
    """The pending ``fetch``: await it for a `FetchResponse`, or call a body method on it
    directly (``await fetch(url).json()``)."""

    def __init__(self, promise: Any) -> None:
        self._promise = promise
        self._response: FetchResponse | None = None

    async def response(self) -> FetchResponse:
        if self._response is None:
            self._response = FetchResponse(await self._promise)
        return self._response

    def __await__(self) -> Generator[Any, None, FetchResponse]:
        return self.response().__await__()

    if MICROPYTHON:  # its `await` iterates, it has no __await__
        def __iter__(self) -> Any:
            return self.response()

    async def text(self) -> str:
        return await (await self.response()).text()

    async def json(self) -> Any:
        return await (await self.response()).json()

    async def bytearray(self) -> bytearray:
        return await (await self.response()).bytearray()

    async def arrayBuffer(self) -> memoryview:  # noqa: N802
        return await (await self.response()).arrayBuffer()

    async def blob(self) -> Any:
        return await (await self.response()).blob()


def fetch(url: str, **options: Any) -> FetchRequest:
    """Request `url` (relative to the page); `options` are ``fetch``'s ``RequestInit``
    (``method``, ``headers`` as a dict, ``body``, ...). Returns the pending request."""
    installed = _runtime.current()
    if installed.channel is not None:  # a dict crosses as a plain object
        return FetchRequest(installed.window.fetch(url, options))
    init = installed.js.JSON.parse(json.dumps(options))
    return FetchRequest(installed.window.fetch(url, init))
