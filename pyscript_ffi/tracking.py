"""How a channel keeps the proxies it makes and learns which died: one small strategy per
interpreter, chosen once by the code that makes the channel.

- `WeakTracking` (CPython, Pyodide): one proxy per handle id, held through a weak reference whose
  callback is a C function (a deque's append): a collected proxy runs no Python code, so an
  interrupt can never land in its release and be lost (Python swallows exceptions raised in
  ``__del__`` and in weakref callbacks). The lends each proxy stands for are counted here.
- `TokenTracking` (MicroPython, which runs no ``__del__`` and has no weak references): a new
  proxy for each lend, holding a release token from the worker's JS stub, a JS object that
  MicroPython's FFI lets go of when the proxy is collected; the stub then reports the handle,
  one lend each (pyscript_ffi/_micro.py, js_glue/micro.js).

A strategy has ``proxy(channel, handle, flags)``, ``collected()`` (``(handle, count)`` pairs
whose lends came back since last asked), ``may_have_collected`` and ``live()``.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

from .proxy import JsProxy, make_proxy

if TYPE_CHECKING:
    from collections.abc import Callable

    from .channel import Channel

try:
    from weakref import ref as weak_ref
except ImportError:  # MicroPython: TokenTracking only
    weak_ref = None  # type: ignore[assignment,misc]


class WeakTracking:
    """One proxy per handle id, held weakly; a collected proxy's lends come back through
    `collected`."""

    def __init__(self) -> None:
        #: the weak reference to the live proxy of each handle
        self._refs: dict[int, Any] = {}
        #: per weak reference (one per proxy made): its handle and the lends its proxy holds
        self._lends: dict[Any, list[int]] = {}
        #: weak references whose proxies were collected (appended by the collector, any thread;
        #: MicroPython's deque needs a bound: never reached)
        self._dead: deque[Any] = deque((), 1 << 30)

    @property
    def may_have_collected(self) -> bool:
        return bool(self._dead)

    def proxy(self, channel: Channel, handle: int, flags: int) -> JsProxy:
        ref = self._refs.get(handle)
        proxy = None if ref is None else ref()
        if proxy is None:
            proxy = make_proxy(channel, handle, flags)
            ref = weak_ref(proxy, self._dead.append)
            self._lends[ref] = [handle, 0]
            self._refs[handle] = ref
        self._lends[ref][1] += 1
        return proxy

    def collected(self) -> list[tuple[int, int]]:
        pairs = []
        dead = self._dead
        while dead:
            try:
                ref = dead.popleft()
            except IndexError:  # emptied by another thread's request meanwhile
                break
            handle, count = self._lends.pop(ref)
            if self._refs.get(handle) is ref:
                del self._refs[handle]
            if count:
                pairs.append((handle, count))
        return pairs

    def returned(self, proxy: JsProxy) -> None:
        """The lends of `proxy` went back by other means (a test's hand-made RELEASE)."""
        self._lends[self._refs[proxy.js_id]][1] = 0

    def live(self) -> int:
        return sum(1 for ref in list(self._refs.values()) if ref() is not None)


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

    def collected(self) -> list[tuple[int, int]]:
        return [(handle, 1) for handle in self._take_collected()]

    def live(self) -> int:
        return 0  # not known here: the stub's FinalizationRegistry holds the tokens
