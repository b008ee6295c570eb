"""Where the files a page needs live: the JS glue, Pyodide, msgpackr, msgpack for Pyodide, and a
zip of this project's Python packages for the worker to unpack."""

from __future__ import annotations

import io
import json
import os
import threading
import zipfile
from pathlib import Path

PACKAGES = ("broker", "pyscript_ffi", "pyscript")


class MissingAsset(FileNotFoundError):
    """An asset the server needs is not installed."""


def root() -> Path:
    """The project folder: PYSCRIPT_FFI_ROOT, or the folder holding this package."""
    return Path(os.environ.get("PYSCRIPT_FFI_ROOT") or Path(__file__).resolve().parents[1])


def _need(path: Path) -> Path:
    if not path.exists():
        raise MissingAsset(f"{path} is missing: run scripts/setup (or ./dev serve), which "
                           "installs the npm packages and Pyodide's msgpack")
    return path


def js_glue() -> Path:
    return _need(root() / "js_glue")


def pyodide() -> Path:
    return _need(root() / "node_modules" / "pyodide")


def msgpackr() -> Path:
    return _need(root() / "node_modules" / "msgpackr")


def smol_toml() -> Path:
    """The TOML parser the page's core.js reads PyScript configs with (npm smol-toml)."""
    return _need(root() / "node_modules" / "smol-toml")


def pyscript_core() -> Path:
    """PyScript itself (npm @pyscript/core, a devDependency): the bench compares against it."""
    return _need(root() / "node_modules" / "@pyscript" / "core")


def micropython() -> Path:
    """MicroPython's WebAssembly build (npm @micropython/micropython-webassembly-pyscript)."""
    return _need(root() / "node_modules" / "@micropython" / "micropython-webassembly-pyscript")


def wheels() -> Path:
    return _need(root() / "build" / "wheels")


def msgpack_wheel() -> str:
    """File name of Pyodide's msgpack wheel in wheels()."""
    found = sorted(wheels().glob("msgpack-*-pyemscripten_*.whl"))
    if not found:
        raise MissingAsset(f"no msgpack wheel for Pyodide in {wheels()}: run scripts/setup")
    return found[-1].name


def manifest() -> bytes:
    version = json.loads((pyodide() / "package.json").read_text())["version"]
    return json.dumps({"msgpack_wheel": msgpack_wheel(), "pyodide_version": version}).encode()


_zip_lock = threading.Lock()
_zip_cache: tuple[tuple[tuple[str, float], ...], bytes] | None = None


def python_zip() -> bytes:
    """broker, pyscript_ffi and pyscript as a zip, rebuilt when a source file changes."""
    global _zip_cache
    files = sorted(
        (path for package in PACKAGES if (root() / package).is_dir()
         for path in (root() / package).rglob("*")
         if path.suffix == ".py" or path.name == "py.typed"),
    )
    key = tuple((str(path), path.stat().st_mtime) for path in files)
    with _zip_lock:
        if _zip_cache is None or _zip_cache[0] != key:
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in files:
                    archive.write(path, path.relative_to(root()).as_posix())
            _zip_cache = (key, out.getvalue())
        return _zip_cache[1]


_MICROPYTHON_LIB = Path("pyscript_ffi") / "_micropython_lib"


def python_files() -> bytes:
    """broker, pyscript_ffi and pyscript as JSON {path: source}, for MicroPython workers (which
    have no zip support); the shims of pyscript_ffi/_micropython_lib go at the top level."""
    files: dict[str, str] = {}
    for package in PACKAGES:
        for path in sorted((root() / package).rglob("*.py")):
            relative = path.relative_to(root())
            if relative.parent == _MICROPYTHON_LIB:
                files[relative.name] = path.read_text()
            elif not relative.parts[1].endswith("_assets"):  # not the bench's and stress's pages
                files[relative.as_posix()] = path.read_text()
    return json.dumps(files).encode()
