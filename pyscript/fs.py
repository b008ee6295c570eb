"""PyScript's ``pyscript.fs``: a folder of the user's own disk mounted into the interpreter's
file system (``await fs.mount("/local")``, ``await fs.sync("/local")``, ``await
fs.unmount("/local")``), through the browser's File System Access API.

Here that works where all three hold: the browser has the API (``showDirectoryPicker``:
Chromium-based browsers; not Firefox or Safari), the code runs on the page's thread, and the
interpreter is Pyodide (its ``mountNativeFS``). Elsewhere ``mount`` raises RuntimeError saying
which of them is missing: MicroPython has no native file system mount here, and a worker's
interpreter cannot take the page's directory handle through pyscript-ffi's channel (a handle
crosses as a proxy, and mountNativeFS needs the object itself).
"""

from __future__ import annotations

from typing import Any

from broker.interpreter import MICROPYTHON
from pyscript_ffi import _runtime

from .ffi import to_js

__all__ = ["mount", "mounted", "revoke", "sync", "unmount"]

mounted: dict[str, Any] = {}
"""Mount point -> what Pyodide's mountNativeFS gave (its ``syncfs``)."""


def _why_not() -> str | None:
    window = _runtime.current().window
    if _runtime.current().channel is not None:
        return ("it runs in a worker: mount on the page's thread (a <script type=\"py\"> "
                "without worker), whose interpreter can take the directory handle")
    if MICROPYTHON:
        return "MicroPython here has no native file system mount: use a type=\"py\" tag"
    if not hasattr(window, "showDirectoryPicker"):
        agent = str(window.navigator.userAgent)
        return (f"this browser has no File System Access API (showDirectoryPicker): {agent}; "
                "use a Chromium-based browser")
    return None


async def _check_permission(handle: Any, mode: str = "readwrite") -> Any:
    """`handle` if the user granted `mode` on it (asking if need be), else None."""
    options = to_js({"mode": mode})
    if str(await handle.queryPermission(options)) == "granted":
        return handle
    return handle if str(await handle.requestPermission(options)) == "granted" else None


async def mount(path: str, mode: str = "readwrite", root: str = "", id: str = "pyscript") -> None:  # noqa: A002
    """Ask the user for a folder (the browser's picker, remembered per `id`; `root` a starting
    place such as ``"downloads"``) and mount it at `path` with `mode` ``"readwrite"`` or
    ``"read"``.

    Raises:
        RuntimeError: mounting cannot work here (see the module's docstring), or the user
            did not grant access.
        ValueError: `path` is already mounted.
    """
    reason = _why_not()
    if reason is not None:
        raise RuntimeError(f"pyscript.fs.mount({path!r}) cannot work here: {reason}")
    if path in mounted:
        raise ValueError(f"Path '{path}' is already mounted: unmount it first")
    options = {"id": id, "mode": mode}
    if root:
        options["startIn"] = root
    handle = await _runtime.current().window.showDirectoryPicker(to_js(options))
    if await _check_permission(handle, mode) is None:
        raise RuntimeError(f"pyscript.fs.mount({path!r}): the user did not grant {mode} access")
    import pyodide_js  # type: ignore[import-not-found]

    mounted[path] = await pyodide_js.mountNativeFS(path, handle)


async def sync(path: str) -> None:
    """Write the changes made under `path` to the user's disk (and read theirs back).

    Raises:
        KeyError: `path` is not mounted.
    """
    if path not in mounted:
        raise KeyError(f"Path '{path}' is not mounted: mount it first with await fs.mount(path)")
    await mounted[path].syncfs()


async def unmount(path: str) -> None:
    """Sync `path`, then unmount it (the path can be mounted again).

    Raises:
        KeyError: `path` is not mounted.
    """
    if path not in mounted:
        raise KeyError(f"Path '{path}' is not mounted. Cannot unmount.")
    await sync(path)
    import pyodide_js

    pyodide_js.FS.unmount(path)
    del mounted[path]


async def revoke(path: str, id: str = "pyscript") -> bool:  # noqa: A002
    """Unmount `path` if it is mounted; True if it was. (The browser keeps the folder it
    remembers for `id` until the user clears the site's permissions: nothing is stored here.)"""
    if path not in mounted:
        return False
    await unmount(path)
    return True
