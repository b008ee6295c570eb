"""The files a page needs, as the URL folder ``/_ffi/`` lays them out: the JS glue, its vendored
modules (msgpackr), Pyodide, MicroPython, Pyodide's msgpack wheel, and this project's Python
packages for the workers (generated: ``python.zip``, ``python.json``, ``manifest.json``).

They come from one of two places, looked up in this order:

- **installed**: ``pyscript_ffi/_assets/``, which the wheel's build writes with `collect` (see
  setup.py): an installed package needs no npm, no node_modules and no checkout;
- **a checkout** (editable or dev use): ``js_glue/``, ``node_modules/`` (``npm ci``) and
  ``build/wheels/`` (scripts/setup).

This module uses only the standard library: the build loads it from its file, before the
package's dependencies exist.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import threading
import zipfile
from pathlib import Path

PACKAGES = ("broker", "pyscript_ffi", "pyscript")
#: what of each package no worker (nor PyMain on the page's thread) imports, left out of the
#: bundle: the CPython host (broker's serving side, its shared buffer and transfer, and
#: pyscript_ffi's worker threads), the dev tools, the page assets, the host-side CLI
NOT_FOR_WORKERS = {
    "broker": frozenset({"host.py", "connection.py", "dispatch.py", "values.py", "calls.py",
                         "shared.py", "transfer.py"}),
    "pyscript_ffi": frozenset({"threads.py", "tools", "_assets", "__main__.py", "assets.py",
                               "server.py", "build.py"}),
}

#: npm packages a page loads: (URL folder under /_ffi/, npm name, the files the boot loads)
NPM: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("pyodide", "pyodide", ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm",
                            "python_stdlib.zip", "pyodide-lock.json")),
    ("micropython", "@micropython/micropython-webassembly-pyscript",
     ("micropython.mjs", "micropython.wasm")),
)
#: PyScript itself, for the bench's comparison: a devDependency, never in the wheel
PYSCRIPT_CORE = ("vendor/pyscript", "@pyscript/core")

INSTALLED = Path(__file__).resolve().with_name("_assets")
_SETUP_HINT = "run scripts/setup in the pyscript-ffi checkout (it installs the npm packages)"


class MissingAsset(FileNotFoundError):
    """An asset a page needs is not installed."""


def root() -> Path:
    """The project folder: PYSCRIPT_FFI_ROOT, or the folder holding this package."""
    return Path(os.environ.get("PYSCRIPT_FFI_ROOT") or Path(__file__).resolve().parents[1])


def installed() -> bool:
    """True if the assets come from the installed package (a wheel), not a checkout."""
    return INSTALLED.is_dir() and "PYSCRIPT_FFI_ROOT" not in os.environ


def _need(path: Path) -> Path:
    if not path.exists():
        hint = ("reinstall pyscript-ffi (this installation lacks its assets)" if installed()
                else _SETUP_HINT)
        raise MissingAsset(f"{path} is missing: {hint}")
    return path


def _inside(base: Path, relative: str) -> Path | None:
    """`relative` (a URL path, '/'-separated) under `base`, or None if it would leave it."""
    parts = [p for p in relative.split("/") if p not in ("", ".")]
    if any(p == ".." or "\\" in p for p in parts):
        return None
    return base.joinpath(*parts)


def js_glue() -> Path:
    return _need(root() / "js_glue")


def node_package(name: str) -> Path:
    return _need(root() / "node_modules" / name)


def pyscript_core() -> Path:
    """PyScript itself (npm @pyscript/core, a devDependency): the bench compares against it."""
    if installed() and not (root() / "node_modules").is_dir():
        raise MissingAsset("PyScript (npm @pyscript/core) is a development asset, not in the "
                           f"installed package: {_SETUP_HINT}, and run the bench from there")
    return node_package(PYSCRIPT_CORE[1])


def wheels() -> Path:
    return _need(INSTALLED / "wheels" if installed() else root() / "build" / "wheels")


def msgpack_wheel() -> str:
    """File name of Pyodide's msgpack wheel in wheels()."""
    found = sorted(wheels().glob("msgpack-*-pyemscripten_*.whl"))
    if not found:
        raise MissingAsset(f"no msgpack wheel for Pyodide in {wheels()}: {_SETUP_HINT}")
    return found[-1].name


def locate(relative: str) -> Path | None:
    """The file served at ``/_ffi/<relative>``, or None if there is none.

    Raises MissingAsset if the place it comes from is not installed.
    """
    head, _, rest = relative.partition("/")
    if relative == PYSCRIPT_CORE[0] or relative.startswith(PYSCRIPT_CORE[0] + "/"):
        return _file(_inside(pyscript_core(), relative[len(PYSCRIPT_CORE[0]) + 1:]))
    if installed():
        return _file(_inside(INSTALLED, relative))
    for folder, package, files in NPM:
        if head == folder:
            return node_package(package) / rest if rest in files else None
    if head == "wheels":
        return _file(_inside(wheels(), rest))
    if head == "vendor":
        name, _, inner = rest.partition("/")
        entry = _inside(js_glue() / "vendor", name)
        if entry is None or not name or not entry.is_symlink() and not entry.exists():
            return None  # no such vendored package (a link whose target is missing: MissingAsset)
        return _file(_inside(_need(entry).resolve(), inner))
    return _file(_inside(js_glue(), relative))


def check() -> None:
    """Raise MissingAsset naming the first file a page boots with that is not there."""
    needed = ["main.js", "worker.js", *(f"{folder}/{name}" for folder, _, files in NPM
                                        for name in files)]
    for relative in needed:
        if locate(relative) is None:
            raise MissingAsset(f"/_ffi/{relative} is missing: "
                               + ("reinstall pyscript-ffi" if installed() else _SETUP_HINT))
    msgpack_wheel()


def _file(path: Path | None) -> Path | None:
    return path if path is not None and path.exists() else None


def manifest() -> bytes:
    """manifest.json: the msgpack wheel's name and Pyodide's version, for the boot."""
    if installed():
        return _need(INSTALLED / "manifest.json").read_bytes()
    version = json.loads((node_package("pyodide") / "package.json").read_text())["version"]
    return json.dumps({"msgpack_wheel": msgpack_wheel(), "pyodide_version": version}).encode()


def _worker_sources() -> list[Path]:
    """The .py files (and py.typed markers) of the packages workers import."""
    base = root()
    files = []
    for package in PACKAGES:
        for path in sorted((base / package).rglob("*")):
            relative = path.relative_to(base).parts
            if relative[1] in NOT_FOR_WORKERS.get(package, ()):
                continue
            if path.suffix == ".py" or path.name == "py.typed":
                files.append(path)
    return files


_zip_lock = threading.Lock()
_zip_cache: tuple[tuple[tuple[str, float], ...], bytes] | None = None


def python_zip() -> bytes:
    """broker, pyscript_ffi and pyscript as a zip, rebuilt when a source file changes."""
    global _zip_cache
    files = _worker_sources()
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
    for path in _worker_sources():
        if path.suffix != ".py":
            continue
        relative = path.relative_to(root())
        key = relative.name if relative.parent == _MICROPYTHON_LIB else relative.as_posix()
        files[key] = path.read_text()
    return json.dumps(files).encode()


GENERATED = {"python.zip": python_zip, "python.json": python_files, "manifest.json": manifest}

# -- copying the assets out: into the wheel (setup.py) and into a static site (build.py) --------

_RELATIVE_IMPORT = re.compile(
    r"""(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}/[^"']+)["']""")


def _module_closure(entry: Path, package: Path) -> set[Path]:
    """`entry` and every module it imports by a relative specifier, inside `package`."""
    seen: set[Path] = set()
    todo = [entry]
    while todo:
        path = todo.pop().resolve()
        if path in seen:
            continue
        if not path.is_relative_to(package) or not path.is_file():
            raise MissingAsset(f"{path} (imported by the vendored {package.name}) is not a file "
                               f"inside {package}")
        seen.add(path)
        todo.extend(path.parent / spec for spec in _RELATIVE_IMPORT.findall(path.read_text()))
    return seen


def _vendored(glue: Path) -> dict[str, set[Path]]:
    """For each js_glue/vendor/<name>: the files of it the glue loads, by their path under it."""
    entries: dict[str, set[Path]] = {}
    vendor = glue / "vendor"
    for module in sorted(glue.rglob("*.js")):
        if vendor in module.parents:
            continue
        for spec in _RELATIVE_IMPORT.findall(module.read_text()):
            target = Path(os.path.normpath(module.parent / spec))
            parts = target.relative_to(glue).parts if target.is_relative_to(glue) else ()
            if len(parts) >= 3 and parts[0] == "vendor":
                entries.setdefault(parts[1], set()).add(Path(*parts[2:]))
    return entries


def collect(dest: Path) -> list[Path]:
    """Write the ``/_ffi/`` tree of a checkout (except python.zip and python.json) into `dest`:
    the glue, the vendored modules the glue imports (with their licences), the npm files the
    boot loads, the msgpack wheel and manifest.json. Returns the files written."""
    base = root()
    glue = js_glue()
    if not (base / "node_modules").is_dir():
        raise MissingAsset(f"{base / 'node_modules'} is missing, and the build copies Pyodide, "
                           f"MicroPython and msgpackr from it: {_SETUP_HINT} (or npm ci)")
    copies: dict[Path, Path] = {}  # destination -> source
    for path in glue.rglob("*"):
        relative = path.relative_to(glue)
        if path.is_file() and relative.parts[0] != "vendor" and path.suffix == ".js":
            copies[dest / relative] = path
    for name, entries in _vendored(glue).items():
        package = _need(glue / "vendor" / name).resolve()
        for entry in entries:
            for file in _module_closure(package / entry, package):
                copies[dest / "vendor" / name / file.relative_to(package)] = file
        for licence in package.glob("LICEN[CS]E*"):
            copies[dest / "vendor" / name / licence.name] = licence
    for folder, package_name, files in NPM:
        for name in files:
            copies[dest / folder / name] = _need(node_package(package_name) / name)
    wheel = msgpack_wheel()
    copies[dest / "wheels" / wheel] = wheels() / wheel
    for target, source in copies.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    (dest / "manifest.json").write_bytes(manifest())
    return [*copies, dest / "manifest.json"]
