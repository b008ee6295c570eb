"""The handle table: objects one side lends to the other, named by small integer ids.

An object lent twice gets the same id while it is live (so the borrower can compare proxies
without asking), and every lend is counted: the borrower returns counts in its drops, and an
entry goes away when its count reaches zero. Ids are never reused while live.
"""

from __future__ import annotations

from typing import Any

from .errors import HandleError

_ID_LIMIT = 2**32  # ids travel as u32


class _Entry:
    __slots__ = ("obj", "count", "pinned")

    def __init__(self, obj: Any, count: int = 0, pinned: bool = False) -> None:
        self.obj = obj
        self.count = count
        self.pinned = pinned


class HandleTable:
    """Live objects by id. Not thread-safe: owned by the thread that serves them.

    (Plain classes here and in wire.py rather than dataclasses: MicroPython has none.)
    """

    def __init__(self, name: str = "handle") -> None:
        self.name = name
        self._entries: dict[int, _Entry] = {}
        self._by_identity: dict[int, int] = {}
        self._next = 1
        self.issued = 0  #: ids handed out over the table's life

    def pin(self, handle: int, obj: Any) -> None:
        """Bind a fixed id (e.g. the global scope) that drops never release."""
        self._entries[handle] = _Entry(obj, 0, pinned=True)
        self._by_identity[id(obj)] = handle

    def lend(self, obj: Any) -> int:
        """The id of `obj`, counting one more lend of it."""
        handle = self._by_identity.get(id(obj))
        if handle is None:
            handle = self._fresh_id()
            self._entries[handle] = _Entry(obj)
            self._by_identity[id(obj)] = handle
            self.issued += 1
        self._entries[handle].count += 1
        return handle

    def get(self, handle: int) -> Any:
        entry = self._entries.get(handle)
        if entry is None:
            raise HandleError(self._not_live(handle))
        return entry.obj

    def get_or_none(self, handle: int) -> Any:
        entry = self._entries.get(handle)
        return None if entry is None else entry.obj

    def drop(self, handle: int, count: int = 1) -> None:
        """Return `count` lends of `handle`; the entry goes when none are left."""
        entry = self._entries.get(handle)
        if entry is None or count < 1 or count > entry.count and not entry.pinned:
            raise HandleError(self._not_live(handle) if entry is None else
                              f"{self.name} {handle} was lent {entry.count} times, "
                              f"not {count}: released twice?")
        if entry.pinned:
            return
        entry.count -= count
        if entry.count == 0:
            self.forget(handle)

    def forget(self, handle: int) -> None:
        """Remove `handle` whatever its count (a destroyed callback, a closed channel)."""
        entry = self._entries.pop(handle, None)
        if entry is not None:
            self._by_identity.pop(id(entry.obj), None)

    def clear(self) -> None:
        """Forget every entry but the pinned ones."""
        for handle in [h for h, e in self._entries.items() if not e.pinned]:
            self.forget(handle)

    def __len__(self) -> int:
        """Live, unpinned entries."""
        return sum(1 for e in self._entries.values() if not e.pinned)

    def __contains__(self, handle: object) -> bool:
        return handle in self._entries

    def _fresh_id(self) -> int:
        while self._next in self._entries or self._next == 0:
            self._next = (self._next + 1) % _ID_LIMIT
        handle = self._next
        self._next = (self._next + 1) % _ID_LIMIT
        return handle

    def _not_live(self, handle: int) -> str:
        return (f"{self.name} {handle} is not live (released or never issued): "
                "used after release, or passed from another worker?")
