"""PyScript's named workers, on the page's thread: ``await workers["name"]`` (or
``await workers.name``) gives the functions a ``<script type="py" worker name="name">`` lists
in ``__export__``; ``create_named_worker`` adds such a tag from Python."""

from __future__ import annotations

import json
from typing import Any


def _registry() -> Any:
    import js  # type: ignore[import-not-found]

    return js.pyscriptFfiCore


class _Workers:
    """Read-only: ``workers[name]`` and ``workers.name`` are Promises of that worker's exports,
    resolved once its file has run. Not a dict: workers start in no fixed order."""

    def __getitem__(self, name: str) -> Any:
        return _registry().named(name)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return _registry().named(name)


workers = _Workers()


async def create_named_worker(src: str, name: str, config: dict[str, Any] | str | None = None,
                              type: str = "py") -> Any:  # noqa: A002 - PyScript's name
    """Start `src` in a worker named `name` (a ``<script type=type worker name=name>`` added to
    the body) and return its exports once it is ready. `config` is a dict or a JSON string;
    `type` is "py" (Pyodide) or "mpy" (MicroPython)."""
    import js

    script = js.document.createElement("script")
    script.type = type
    script.src = src
    script.setAttribute("worker", "")
    script.setAttribute("name", name)
    if config:
        script.setAttribute("config", config if isinstance(config, str) else json.dumps(config))
    js.document.body.append(script)
    return await workers[name]
