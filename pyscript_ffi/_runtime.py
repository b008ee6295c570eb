"""Which channel this code talks through, and the proxies of its global scope.

A browser worker has one channel, installed at boot. Under the CPython host each worker thread
installs its own; `current` finds the calling thread's, else the process default.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from broker.errors import ChannelClosed, PermissionDenied

from .proxy import JsProxy

if TYPE_CHECKING:
    from .channel import Channel

try:
    from threading import local
except ImportError:  # MicroPython in a browser worker: one thread, no threading module
    class local:  # type: ignore[no-redef]
        pass


class Installed:
    """What `js`, `document` and `window` are here. `channel` is None on the page's own thread,
    where they are the interpreter's own proxies. (A plain class: MicroPython has no
    dataclasses.)"""

    __slots__ = ("channel", "js", "document", "window")

    def __init__(self, channel: Channel | None, js: Any, document: Any, window: Any) -> None:
        self.channel = channel
        self.js = js
        self.document = document
        self.window = window


_local = local()
_default: Installed | None = None
RUNNING_IN_WORKER = False


def install(channel: Channel, *, in_worker: bool, thread_only: bool = False) -> Installed:
    """Greet the serving side on `channel` and make it the current channel."""
    global _default, RUNNING_IN_WORKER
    scope = channel.hello()
    installed = Installed(channel, scope, _optional(scope, "document"), _optional(scope, "window"))
    if thread_only:
        _local.installed = installed
    else:
        _default = installed
        RUNNING_IN_WORKER = in_worker
    return installed


def uninstall_thread() -> None:
    """Forget this thread's channel (a worker thread that is ending)."""
    _local.__dict__.pop("installed", None)


def install_local(js: Any) -> Installed:
    """On the page's own thread: the interpreter's `js` module, no channel (same-thread path)."""
    global _default, RUNNING_IN_WORKER
    _default = Installed(None, js, js.document, js.window)
    RUNNING_IN_WORKER = False
    return _default


def current() -> Installed:
    installed = getattr(_local, "installed", None) or _default
    if installed is None:
        raise ChannelClosed(
            "no pyscript-ffi channel in this thread: run this code in a PyWorker, or in a thread "
            "started by the CPython host")
    return installed


def _optional(scope: JsProxy, name: str) -> JsProxy | None:
    try:
        value = getattr(scope, name)
    except (AttributeError, PermissionDenied):
        return None  # the CPython host's scope has no document; a page policy may deny window
    return value if isinstance(value, JsProxy) else None
