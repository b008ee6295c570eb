"""``pyscript-ffi build DIR -o OUT``: a static site any host can serve, under any sub-path.

OUT holds DIR's files and, under ``OUT/_ffi/``, every asset a page needs (assets.py), with:

- ``_headers`` (Netlify, Cloudflare Pages) and ``vercel.json`` (Vercel): the cross-origin
  isolation headers, for hosts that read them;
- ``coi-serviceworker.js`` at OUT's root, for hosts that send no headers (GitHub Pages, a plain
  static server): js_glue/coi.js registers it, and it re-serves the site with the headers;
- ``.nojekyll``, so GitHub Pages serves ``_ffi/`` (Jekyll drops folders that start with ``_``);
- ``.pyscript-ffi-build``, the stamp that lets a later build replace OUT;
- ``NAME.gz`` beside each text, JSON or wasm file that gzip makes at least 10% smaller, for
  hosts that send a precompressed sibling (``Content-Encoding: gzip``) instead of the file.

Absolute ``/_ffi/`` URLs in the app's HTML are rewritten to relative ones (an absolute URL breaks
a site served under ``https://user.github.io/project/``), each page that loads the glue gets the
``modulepreload`` hints of its chunks (assets.hint_page) and a note for a reader who opens it
from a file (file://), where browsers run no module scripts.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from . import assets
from .server import COMPRESSIBLE, MIN_COMPRESS_BYTES

STAMP = ".pyscript-ffi-build"
SERVICE_WORKER = "coi-serviceworker.js"
FFI = "_ffi"
ISOLATION = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "same-origin",
}
#: names the build writes at OUT's root: an app file of the same name would be lost
RESERVED = (FFI, SERVICE_WORKER, STAMP, ".nojekyll")
_SKIP = shutil.ignore_patterns(".git", "__pycache__", ".DS_Store")
_ABSOLUTE_FFI = re.compile(r"""(["'(])/_ffi/""")
_HEAD = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
FILE_NOTE = (
    '<script data-pyscript-ffi="file-note">if (location.protocol === "file:") '
    'addEventListener("DOMContentLoaded", () => { const note = document.createElement("p"); '
    'note.id = "pyscript-ffi-file-note"; '
    'note.style.cssText = "font: 16px sans-serif; padding: 1em; background: #fee; color: #600"; '
    'note.textContent = "pyscript-ffi: this page was opened from a file (file://), where browsers '
    "run no module scripts, workers or service workers. Serve its folder over http instead (for "
    "example `python -m http.server` in it, then open http://localhost:8000/), or deploy it to a "
    'static host."; document.body.prepend(note); console.error(note.textContent); });</script>'
)


class BuildError(ValueError):
    """DIR or OUT cannot be used; the message says which and what to do instead."""


def build(source: str | Path, out: str | Path, *, force: bool = False,
          warn: Callable[[str], None] = print) -> Path:
    """Write the static site of `source` into `out` (see the module docstring); returns `out`.

    Raises BuildError for a missing or non-folder `source`, an `out` inside `source` (or holding
    it), and an `out` that exists and is not a previous build (unless `force`); raises
    assets.MissingAsset if the assets are not installed.
    """
    source, out = Path(source).resolve(), Path(out).resolve()
    _check(source, out, force)
    assets.check()
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        work.chmod(0o755)
        _write(source, work, warn)
        if out.exists():
            shutil.rmtree(out)
        work.rename(out)
    finally:
        if work.exists():
            shutil.rmtree(work)
    return out


def _check(source: Path, out: Path, force: bool) -> None:
    if not source.exists():
        raise BuildError(f"no folder {source} to build")
    if not source.is_dir():
        raise BuildError(f"{source} is a file: give the folder that holds your pages")
    if out == source or out.is_relative_to(source):
        raise BuildError(f"the output {out} is inside the app's folder {source}: choose a folder "
                         f"outside it, e.g. -o {source.parent / (source.name + '-site')}")
    if source.is_relative_to(out):
        raise BuildError(f"the output {out} holds the app's folder {source}: replacing it would "
                         "delete the app; choose another output folder")
    if out.exists() and not out.is_dir():
        raise BuildError(f"the output {out} is a file: choose a folder")
    for name in RESERVED:
        if (source / name).exists():
            raise BuildError(f"{source / name} has a name the build writes itself: rename it")
    if out.is_dir() and any(out.iterdir()) and not (out / STAMP).is_file() and not force:
        raise BuildError(f"the output {out} exists and is not a previous pyscript-ffi build "
                         f"(it has no {STAMP}): choose another folder, or pass --force to "
                         "replace it and everything in it")


def _write(source: Path, site: Path, warn: Callable[[str], None]) -> None:
    shutil.copytree(source, site, ignore=_SKIP, dirs_exist_ok=True)
    ffi = site / FFI
    if assets.installed():
        shutil.copytree(assets.INSTALLED, ffi)
    else:
        assets.collect(ffi)
    for name, make in assets.GENERATED.items():
        (ffi / name).write_bytes(make())
    shutil.copyfile(ffi / SERVICE_WORKER, site / SERVICE_WORKER)
    _host_headers(site, warn)
    (site / ".nojekyll").write_text("")
    for page in sorted(site.rglob("*")):
        if ffi in page.parents or not page.is_file():
            continue
        if page.suffix in (".html", ".htm"):
            _rewrite_page(page, site, warn)
        elif page.suffix in (".js", ".mjs") and _ABSOLUTE_FFI.search(
                page.read_text("utf-8", "replace")):  # (the site's service worker: ./_ffi/)
            warn(f"warning: {page.relative_to(site)} names an absolute /_ffi/ URL, which breaks "
                 "under a sub-path: import the glue by a relative URL (./_ffi/main.js)")
    _precompress(site)
    (site / STAMP).write_text(json.dumps({"built_from": str(source)}) + "\n")


def _precompress(site: Path) -> None:
    """``NAME.gz`` beside each file of `site` worth compressing (server.COMPRESSIBLE, at least
    MIN_COMPRESS_BYTES, at least 10% smaller), with the file's times, so a server that checks
    the sibling is not older than the file sends it."""
    for path in sorted(site.rglob("*")):
        if (not path.is_file() or path.suffix not in COMPRESSIBLE
                or path.stat().st_size < MIN_COMPRESS_BYTES):
            continue
        data = path.read_bytes()
        packed = gzip.compress(data, compresslevel=9, mtime=0)
        if len(packed) <= 0.9 * len(data):
            target = path.with_name(path.name + ".gz")
            target.write_bytes(packed)
            shutil.copystat(path, target)


def _host_headers(site: Path, warn: Callable[[str], None]) -> None:
    headers = "/*\n" + "".join(f"  {name}: {value}\n" for name, value in ISOLATION.items())
    vercel = {"headers": [{"source": "/(.*)", "headers": [
        {"key": name, "value": value} for name, value in ISOLATION.items()]}]}
    for name, text in (("_headers", headers), ("vercel.json", json.dumps(vercel, indent=2))):
        if (site / name).exists():
            warn(f"warning: the app has its own {name}, kept as it is: it needs "
                 + ", ".join(f"{k}: {v}" for k, v in ISOLATION.items()))
        else:
            (site / name).write_text(text + ("" if text.endswith("\n") else "\n"))


def _rewrite_page(page: Path, site: Path, warn: Callable[[str], None]) -> None:
    html = page.read_text(errors="surrogateescape")
    depth = len(page.relative_to(site).parts) - 1
    prefix = "./" if depth == 0 else "../" * depth
    html, count = _ABSOLUTE_FFI.subn(lambda m: f"{m.group(1)}{prefix}{FFI}/", html)
    if count:
        warn(f"note: {page.relative_to(site)}: {count} absolute /_ffi/ URL(s) made relative "
             f"({prefix}{FFI}/), so the site works under a sub-path")
    html = assets.hint_page(html, site / FFI)
    if f"{FFI}/main.js" in html and "file-note" not in html:
        head = _HEAD.search(html)
        at = head.end() if head else 0
        html = html[:at] + FILE_NOTE + html[at:]
    page.write_text(html, errors="surrogateescape")
