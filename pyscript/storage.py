"""PyScript's ``pyscript.storage``: ``await storage(name)`` is a dict kept in the browser's
IndexedDB (the page's origin), the same from the page's thread and from workers, on both
interpreters. Setting, deleting and clearing write through (queued on the page,
js_glue/pyscript-storage.js); ``await store.sync()`` waits until they are stored.

Values: None, bool, int, float, str, and lists, tuples, dicts of them; bytearray and memoryview.
"""

from __future__ import annotations

import json
from typing import Any

from pyscript_ffi import _runtime

__all__ = ["Storage", "storage"]


def _encode(value: Any) -> str:
    if value is None:
        return json.dumps(["null", 0])
    if isinstance(value, tuple):
        return json.dumps(["tuple", list(value)])
    if isinstance(value, (bool, float, int, str, list, dict)):
        return json.dumps(["generic", value])
    if isinstance(value, (bytearray, memoryview)):
        return json.dumps([type(value).__name__, list(bytes(value))])
    raise TypeError(f"Cannot serialize type {type(value).__name__} for storage: store None, "
                    "bool, int, float, str, list, tuple, dict, bytearray or memoryview")


def _decode(text: str) -> Any:
    kind, data = json.loads(text)
    if kind == "tuple":
        return tuple(data)
    if kind == "bytearray":
        return bytearray(data)
    if kind == "memoryview":
        return memoryview(bytearray(data))
    return None if kind == "null" else data


def _calls() -> Any:
    try:
        return _runtime.current().window.pyscriptFfiStorage
    except AttributeError:
        raise RuntimeError("pyscript.storage needs the page to load /_ffi/core.js") from None


def _listed(value: Any) -> list[Any]:
    """A JS array (of the page's thread) or a list (a worker's copy) as a list."""
    if isinstance(value, list):
        return value
    if hasattr(value, "to_py"):  # Pyodide
        return list(value.to_py())
    return [value[i] for i in range(value.length)]  # MicroPython's JsProxy has no len()


class _Store:
    """One named store's page-side calls."""

    def __init__(self, name: str, calls: Any, entries: list[tuple[str, str]]) -> None:
        self.name = name
        self._calls = calls
        self._entries = entries

    def entries(self) -> list[tuple[str, str]]:
        return self._entries

    def set(self, key: str, text: str) -> None:
        self._calls.write(self.name, "set", key, text)

    def delete(self, key: str) -> None:
        self._calls.write(self.name, "delete", key)

    def clear(self) -> None:
        self._calls.write(self.name, "clear")

    async def sync(self) -> None:
        await self._calls.sync(self.name)


class Storage(dict):  # type: ignore[type-arg]
    """A store as a dict: its keys and values read when opened; setting, deleting and clearing
    write through to IndexedDB."""

    def __init__(self, store: _Store) -> None:
        super().__init__({key: _decode(text) for key, text in store.entries()})
        self._store = store

    def __setitem__(self, key: str, value: Any) -> None:
        self._store.set(key, _encode(value))  # raises TypeError before anything changes
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._store.delete(key)

    def clear(self) -> None:
        self._store.clear()
        super().clear()

    async def sync(self) -> None:
        """Wait until every change so far is stored."""
        await self._store.sync()


async def storage(name: str = "", storage_class: type[Storage] = Storage) -> Storage:
    """Open (or create) the store `name`, as `storage_class` (a subclass of `Storage`).

    Raises:
        ValueError: `name` is empty.
    """
    if not name:
        raise ValueError("Storage name must be a non-empty string: storage(\"my-app\")")
    calls = _calls()
    keys, texts = _listed(await calls.entries(name))
    keys, texts = _listed(keys), _listed(texts)
    return storage_class(_Store(name, calls, [(keys[i], texts[i]) for i in range(len(keys))]))
