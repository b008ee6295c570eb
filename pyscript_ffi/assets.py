"""The files a page needs, as the URL folder ``/_ffi/`` lays them out: the JS glue, its vendored
modules (msgpackr), Pyodide, MicroPython, Pyodide's msgpack wheel, this project's Python
packages for the workers (generated: ``python.zip``, ``python.json``, ``manifest.json``), and
the terminal's and the editor's npm packages bundled by esbuild (``bundles/``, see `bundle`).

The page's glue is served bundled and minified (`glue_bundle`): ``main.js``, ``core.js``,
``pyscript-plugin.js``, ``channel.js`` and ``serving.js`` (with the chunks they share, so a page
that imports two of them runs each module once) and ``worker.js``, each with its source map;
every other module of js_glue/ is still served as it is in the repository, under its own name.

They come from one of two places, looked up in this order:

- **installed**: ``pyscript_ffi/_assets/``, which the wheel's build writes with `collect` (see
  setup.py): an installed package needs no npm, no node_modules and no checkout;
- **a checkout** (editable or dev use): ``js_glue/``, ``node_modules/`` (``npm ci``),
  ``build/wheels/`` (scripts/setup) and ``build/bundles/`` (`bundle`, run on first use).

This module uses only the standard library: the build loads it from its file, before the
package's dependencies exist.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
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
#: what esbuild bundles from node_modules, from the entry modules in bundles/ (their imports are
#: npm names): (entry, the files it makes under /_ffi/bundles/, a stylesheet copied beside it)
BUNDLES: tuple[tuple[str, str, tuple[str, str] | None], ...] = (
    ("xterm.js", "xterm.js", ("@xterm/xterm", "css/xterm.css")),
    ("codemirror.js", "codemirror.js", None),
)
#: the glue's modules a page or a worker starts from, bundled by esbuild (`glue_bundle`): the page's
#: entries share chunks, so a page that imports two of them (the bench's page wraps channel.js's
#: and serving.js's classes beside main.js) runs each module once; the worker's is one file (a
#: worker starts from it alone)
GLUE_PAGE_ENTRIES = ("main.js", "core.js", "pyscript-plugin.js", "channel.js", "serving.js")
GLUE_WORKER_ENTRY = "worker.js"
#: set (to anything but "" or "0"), the server and the build use the glue's sources as they are
#: instead of its bundles: for reading the glue's code in a browser's debugger unminified
UNBUNDLED_ENV = "PYSCRIPT_FFI_UNBUNDLED"
#: PyScript itself (npm @pyscript/core), which the bench compares against: a devDependency,
#: served only from a checkout, never in the wheel
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
    if head == "bundles":
        return _file(_inside(bundle(), rest))
    if "/" not in relative and relative and not unbundled():
        made = glue_bundle() / relative
        if made.is_file():
            return made
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


_bundle_lock = threading.Lock()


def bundle() -> Path:
    """The folder of the esbuild bundles (BUNDLES), served as ``/_ffi/bundles/``: installed, the
    wheel's copy; in a checkout ``build/bundles/``, (re)made here when an entry module or
    package-lock.json is newer than it. Raises MissingAsset if esbuild is not installed or
    fails (the message holds its own)."""
    if installed():
        return _need(INSTALLED / "bundles")
    base = root()
    out = base / "build" / "bundles"
    sources = [base / "bundles" / entry for entry, _, _ in BUNDLES]
    newest = max(path.stat().st_mtime for path in [*sources, base / "package-lock.json"]
                 if path.exists())
    with _bundle_lock:
        for (entry, made, css), source in zip(BUNDLES, sources, strict=True):
            target = out / made
            if target.exists() and target.stat().st_mtime >= newest:
                continue
            esbuild = _need(base / "node_modules" / ".bin" / "esbuild")
            out.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".partial.js")
            done = subprocess.run(
                [str(esbuild), str(_need(source)), "--bundle", "--format=esm", "--minify",
                 "--legal-comments=eof", f"--outfile={partial}"],
                cwd=base, capture_output=True, text=True, timeout=120, check=False)
            if done.returncode != 0:
                raise MissingAsset(f"esbuild could not bundle bundles/{entry}: "
                                   f"{done.stderr.strip()}; {_SETUP_HINT}")
            if css is not None:
                package, inner = css
                shutil.copyfile(node_package(package) / inner, out / Path(inner).name)
            partial.replace(target)
    return out


def unbundled() -> bool:
    """True if UNBUNDLED_ENV asks for the glue's sources instead of its bundles."""
    return os.environ.get(UNBUNDLED_ENV, "") not in ("", "0")


_glue_lock = threading.Lock()
_glue_cache: tuple[tuple[tuple[str, int, int], ...], Path] | None = None


def glue_bundle() -> Path:
    """The folder of the glue's bundles (GLUE_PAGE_ENTRIES with their shared ``chunk-*.js``, and
    GLUE_WORKER_ENTRY; each with a ``.map``), minified by esbuild. Installed: the wheel's own
    files (collect wrote the bundles over the sources). In a checkout:
    ``build/glue/<digest of the sources>/``, made here on first use after a change of js_glue/ or
    package-lock.json (several processes may make it at once: the first folder renamed into
    place wins), which then removes all but the GLUE_KEPT newest of the others. Raises
    MissingAsset if esbuild is missing or fails."""
    global _glue_cache
    if installed():
        return INSTALLED
    base = root()
    glue = js_glue()
    sources = [*sorted(glue.glob("*.js")), base / "package-lock.json"]
    key = tuple((str(path), path.stat().st_mtime_ns, path.stat().st_size) for path in sources
                if path.exists())
    with _glue_lock:
        if _glue_cache is not None and _glue_cache[0] == key and _glue_cache[1].is_dir():
            return _glue_cache[1]
        digest = hashlib.sha256(repr((GLUE_PAGE_ENTRIES, GLUE_WORKER_ENTRY)).encode())
        for path in sources:
            if path.exists():
                digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        out = base / "build" / "glue" / digest.hexdigest()[:16]
        if not out.is_dir():
            _esbuild_glue(base, glue, out)
            _prune_glue(out)
        _glue_cache = (key, out)
        return out


#: how many bundles of older sources build/glue/ keeps beside the newest (a branch switched back
#: and forth, or a server of the same checkout still serving one); each is about 1 MB
GLUE_KEPT = 3


def _prune_glue(newest: Path) -> None:
    """Remove the bundles of build/glue/ but `newest` and the GLUE_KEPT last made before it (a
    folder being made, ``.partial-*``, is not one of them)."""
    made = [path for path in newest.parent.iterdir()
            if path.is_dir() and path != newest and not path.name.startswith(".")]
    made.sort(key=lambda path: path.stat().st_mtime, reverse=True)
    for old in made[GLUE_KEPT:]:
        shutil.rmtree(old, ignore_errors=True)  # another process may be removing it too


def _esbuild_glue(base: Path, glue: Path, out: Path) -> None:
    esbuild = _need(base / "node_modules" / ".bin" / "esbuild")
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".partial-", dir=out.parent))
    common = ["--bundle", "--format=esm", "--minify", "--sourcemap", "--legal-comments=eof",
              "--target=es2022", f"--outdir={work}"]
    runs = [[*(str(glue / name) for name in GLUE_PAGE_ENTRIES), "--splitting",
             "--chunk-names=chunk-[hash]", *common],
            [str(glue / GLUE_WORKER_ENTRY), *common]]
    try:
        for args in runs:
            done = subprocess.run([str(esbuild), *args], cwd=base, capture_output=True,
                                  text=True, timeout=120, check=False)
            if done.returncode != 0:
                raise MissingAsset(f"esbuild could not bundle the glue (js_glue/): "
                                   f"{done.stderr.strip()}; {_SETUP_HINT}")
        work.chmod(0o755)
        try:
            work.rename(out)
        except OSError:  # another process made the same folder first: it holds the same files
            if not out.is_dir():
                raise
    finally:
        if work.exists():
            shutil.rmtree(work)


_STATIC_IMPORT = re.compile(r"""(?:\bfrom|\bimport)\s*["']\./([\w.-]+\.js)["']""")
_PAGE_ENTRY = re.compile(r"""["'(]([^"'()\s]*?)_ffi/(main|core|pyscript-plugin)\.js["')]""")
_HEAD_TAG = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
HINT_MARK = 'data-pyscript-ffi="modulepreload"'


def chunks_of(entry: str, folder: Path | None = None) -> list[str]:
    """The chunks a bundled page entry (GLUE_PAGE_ENTRIES) imports statically, each after those
    it imports in turn: what the browser would discover one round trip after the entry."""
    folder = folder or glue_bundle()
    seen: list[str] = []
    todo = [entry]
    while todo:
        name = todo.pop()
        path = folder / name
        for found in _STATIC_IMPORT.findall(path.read_text()) if path.is_file() else ():
            if found not in seen:
                seen.append(found)
                todo.append(found)
    return seen


def hint_page(html: str, folder: Path | None = None) -> str:
    """`html` with ``<link rel="modulepreload">`` for the chunks of each bundled glue entry it
    loads (main.js, core.js, pyscript-plugin.js, by whatever URL prefix it uses), after its
    ``<head>``, so the browser fetches them beside the entry rather than after it. Unchanged if
    it loads none, has no ``<head>`` tag, already has the hints, or the glue is unbundled."""
    if HINT_MARK in html or unbundled():
        return html
    head = _HEAD_TAG.search(html)
    if head is None:
        return html
    links: list[str] = []
    for prefix, entry in dict.fromkeys(_PAGE_ENTRY.findall(html)):
        for chunk in chunks_of(f"{entry}.js", folder):
            link = f'<link rel="modulepreload" href="{prefix}_ffi/{chunk}" {HINT_MARK}>'
            if link not in links:
                links.append(link)
    if not links:
        return html
    return html[:head.end()] + "".join(links) + html[head.end():]


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
    the glue's sources, its bundles over them (`glue_bundle`: main.js, core.js,
    pyscript-plugin.js, worker.js, their chunks and source maps), the vendored modules the glue
    imports (with their licences), the npm files the boot loads, the msgpack wheel, the esbuild
    bundles (`bundle`) and manifest.json. Returns the files written."""
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
    glue_made = glue_bundle()  # over the glue's sources of the same names
    for file in glue_made.iterdir():
        copies[dest / file.name] = file
    made = bundle()
    for _, name, css in BUNDLES:
        copies[dest / "bundles" / name] = made / name
        if css is not None:
            copies[dest / "bundles" / Path(css[1]).name] = made / Path(css[1]).name
    for target, source in copies.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    (dest / "manifest.json").write_bytes(manifest())
    return [*copies, dest / "manifest.json"]
