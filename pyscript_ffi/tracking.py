"""How a channel keeps the proxies it makes and learns which died: one small strategy per
interpreter, chosen once by the code that makes the channel.

- `WeakTracking` (CPython, Pyodide): one proxy per handle id, kept in a weak table. A proxy
  counts the lends it stands for and, from ``__del__``, returns them with `Channel.release`.
- `TokenTracking` (MicroPython, which runs no ``__del__`` and has no weak references): a new
  proxy for each lend, holding a release token from the worker's JS stub, a JS object that
  MicroPython's FFI lets go of when the proxy is collected; the stub then reports the handle,
  one lend each (pyscript_ffi/_micro.py, js_glue/micro.js).

A strategy has ``proxy(channel, handle, flags)``, ``collected()`` (handles whose lends came back
since last asked, one lend each), ``may_have_collected`` and ``live()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .proxy import JsProxy, make_proxy

if TYPE_CHECKING:
    from collections.abc import Callable

    from .channel import Channel

try:
    from weakref import WeakValueDictionary
except ImportError:  # MicroPython: TokenTracking only
    WeakValueDictionary = None  # type: ignore[assignment,misc]


class WeakTracking:
    """One proxy per handle id, held weakly; lends come back from the proxy's ``__del__``."""

    may_have_collected = False  #: nothing to ask for: drops arrive through Channel.release

    def __init__(self) -> None:
        self._proxies: WeakValueDictionary[int, JsProxy] = WeakValueDictionary()

    def proxy(self, channel: Channel, handle: int, flags: int) -> JsProxy:
        proxy = self._proxies.get(handle)
        if proxy is None:
            proxy = make_proxy(channel, handle, flags)
            self._proxies[handle] = proxy
        proxy._ffi_lent()
        return proxy

    def collected(self) -> list[int]:
        return []

    def live(self) -> int:
        return len(self._proxies)


class TokenTracking:
    """A proxy per lend, each holding a release token; the stub reports the collected ones.

    `release_token(handle)` makes a token; `take_collected()` returns the handles whose tokens
    were collected since it was last called."""

    may_have_collected = True  #: only the stub knows: a flush must ask

    def __init__(self, release_token: Callable[[int], Any],
                 take_collected: Callable[[], list[int]]) -> None:
        self._release_token = release_token
        self._take_collected = take_collected

    def proxy(self, channel: Channel, handle: int, flags: int) -> JsProxy:
        return make_proxy(channel, handle, flags, self._release_token(handle))

    def collected(self) -> list[int]:
        return self._take_collected()

    def live(self) -> int:
        return 0  # not known here: the stub's FinalizationRegistry holds the tokens
