"""pyscript-ffi: Python in a worker calls the main thread's JavaScript synchronously.

``js``, ``document`` and ``window`` are proxies of the main thread's global scope, its document
and its window; they resolve through the channel of the calling thread.
"""

from __future__ import annotations

import typing

from broker.errors import (
    CallTimeout,
    ChannelClosed,
    ChannelError,
    ConversionError,
    FfiError,
    HandleError,
    InternalError,
    JsException,
    PermissionDenied,
    ProtocolError,
)

from . import _runtime
from .api import assign, create_proxy, direct, gather, is_none, query, to_js
from .channel import ChannelStatistics
from .paths import PathError
from .promises import run_sync
from .proxy import JsPromise, JsProxy

__all__ = [
    "RUNNING_IN_WORKER",
    "CallTimeout",
    "ChannelClosed",
    "ChannelError",
    "ChannelStatistics",
    "ConversionError",
    "FfiError",
    "HandleError",
    "InternalError",
    "JsException",
    "JsPromise",
    "JsProxy",
    "PathError",
    "PermissionDenied",
    "ProtocolError",
    "assign",
    "create_proxy",
    "direct",
    "document",
    "gather",
    "is_none",
    "js",
    "query",
    "run_sync",
    "statistics",
    "to_js",
    "window",
]


def statistics() -> ChannelStatistics:
    """What the calling thread's channel has done so far: calls, bytes, live proxies.

    Raises ChannelClosed on the page's own thread, where there is no channel."""
    channel = _runtime.current().channel
    if channel is None:
        raise ChannelClosed("statistics() describes a worker's channel; this is the page's thread")
    return channel.statistics()


def __getattr__(name: str) -> typing.Any:
    if name in ("js", "document", "window"):
        return getattr(_runtime.current(), name)
    if name == "RUNNING_IN_WORKER":
        return _runtime.RUNNING_IN_WORKER
    raise AttributeError(f"module 'pyscript_ffi' has no attribute {name!r}")
