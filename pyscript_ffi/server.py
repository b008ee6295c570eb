"""A static server for pages that use pyscript-ffi: cross-origin isolation headers on every
response, correct MIME types, and the assets under ``/_ffi/`` (assets.locate says where each
comes from: the installed package, or a checkout's js_glue and node_modules).

    /_ffi/python.zip           broker, pyscript_ffi and pyscript, zipped (generated)
    /_ffi/python.json          the same as {path: source}, for MicroPython workers (generated)
    /_ffi/manifest.json        the msgpack wheel's name and Pyodide's version
    /_ffi/...                  the JS glue, vendor/, pyodide/, micropython/, wheels/
    /...                       the served folder (its HTML pages with `assets.hint_page`)

Responses a browser would download compressed come gzip-encoded when the request accepts it
(`Content-Encoding: gzip`, `Vary: Accept-Encoding`): a ``.br`` or ``.gz`` file beside the file
(a built site has them, build.py) if it is not older, else compressed here once per version of
the file and kept in memory. A file that gzip does not make 10% smaller (Pyodide's
``python_stdlib.zip`` is compressed already) goes as it is.
"""

from __future__ import annotations

import gzip
import hashlib
import http.server
import mimetypes
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from . import assets

ISOLATION = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
}
MIME = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".wasm": "application/wasm",
    ".json": "application/json; charset=utf-8",
    ".py": "text/x-python; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".map": "application/json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".whl": "application/zip",
    ".zip": "application/zip",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}

FFI = "/_ffi/"
#: the types worth compressing (text, JSON, wasm); images and zips are compressed already
COMPRESSIBLE = frozenset({".js", ".mjs", ".wasm", ".json", ".py", ".html", ".css", ".map",
                          ".txt", ".svg", ".zip"})
#: smaller bodies go as they are: the encoding's framing would eat what it saves
MIN_COMPRESS_BYTES = 1024
#: precompressed siblings a file may have, best first: (suffix, Content-Encoding)
ENCODINGS = ((".br", "br"), (".gz", "gzip"))


class _Compressed:
    """gzip bodies made on the fly, one per (path, version) of a file (the newest version only);
    None: gzip did not make it 10% smaller. Each file is compressed by one thread at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._made: dict[str, tuple[str, bytes | None]] = {}

    def get(self, key: str, version: str, read: Callable[[], bytes]) -> bytes | None:
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            made = self._made.get(key)
            if made is not None and made[0] == version:
                return made[1]
            data = read()
            packed = gzip.compress(data, compresslevel=6, mtime=0)
            kept = packed if len(packed) <= 0.9 * len(data) else None
            self._made[key] = (version, kept)
            return kept


_COMPRESSED = _Compressed()


def _accepts(header: str) -> set[str]:
    """The content codings an Accept-Encoding header allows (q=0 refuses one)."""
    allowed = set()
    for item in header.split(","):
        name, _, params = item.strip().partition(";")
        q = params.strip()
        if q.startswith("q=") and q[2:].strip() in ("0", "0.0", "0.00", "0.000"):
            continue
        if name.strip():
            allowed.add(name.strip().lower())
    return allowed


def _inside(base: Path, relative: str) -> Path | None:
    """`relative` under `base`, or None if it would leave it."""
    parts = [p for p in relative.split("/") if p not in ("", ".")]
    if any(p == ".." or "\\" in p for p in parts):
        return None
    path = base.joinpath(*parts)
    try:
        path.resolve().relative_to(base.resolve())
    except ValueError:
        return None
    return path


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "pyscript-ffi"
    protocol_version = "HTTP/1.1"
    directory: Path
    isolate: bool
    verbose: bool

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        self._serve(body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(body=False)

    def _serve(self, *, body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        try:
            make = assets.GENERATED.get(path[len(FFI):]) if path.startswith(FFI) else None
            if make is not None:
                mime = MIME[Path(path).suffix]
                return self._send_encoded(path, make(), mime, body)
            file = self._locate(path)
        except assets.MissingAsset as exc:
            return self._send(404, f"{exc}\n".encode(), MIME[".txt"], body)
        if file is None:
            return self._send(404, b"not found\n", MIME[".txt"], body)
        if file.is_dir():
            if not path.endswith("/"):
                return self._redirect(path + "/")
            file = file / "index.html"
            if not file.is_file():
                return self._send(404, b"no index.html here\n", MIME[".txt"], body)
        mime = (MIME.get(file.suffix) or mimetypes.guess_type(file.name)[0]
                or "application/octet-stream")
        if file.suffix in (".html", ".htm") and not path.startswith(FFI):
            try:  # the app's page, with the hints for the glue's chunks (assets.hint_page)
                page = assets.hint_page(file.read_text(errors="surrogateescape"))
            except assets.MissingAsset as exc:
                return self._send(404, f"{exc}\n".encode(), MIME[".txt"], body)
            return self._send_encoded(str(file), page.encode(errors="surrogateescape"), mime,
                                      body)
        # a validator, so a repeat visit revalidates (304) instead of downloading again: the
        # browser then reuses its cached copy and, for Pyodide's wasm, its compiled code
        # (a returning visitor's boot; CHANGELOG.md, 2026-11-26)
        stat = file.stat()
        version = f"{stat.st_mtime_ns:x}-{stat.st_size:x}"
        data, coding = self._encoded(file, version)
        tag = f'"{version}{"-" + coding if coding else ""}"'
        if tag in self.headers.get("If-None-Match", ""):
            return self._not_modified(tag, vary=file.suffix in COMPRESSIBLE)
        return self._send(200, data() if callable(data) else data, mime, body, tag, coding,
                          vary=file.suffix in COMPRESSIBLE)

    def _encoded(self, file: Path, version: str) -> tuple[bytes | Callable[[], bytes], str]:
        """The body of `file` for this client and its Content-Encoding ("": as it is): a
        precompressed sibling that is not older, else gzip made here (kept per `version`), if
        the client takes it and it pays."""
        if file.suffix not in COMPRESSIBLE:
            return file.read_bytes, ""
        accepted = _accepts(self.headers.get("Accept-Encoding", ""))
        mtime = file.stat().st_mtime_ns
        for suffix, coding in ENCODINGS:
            sibling = file.with_name(file.name + suffix)
            if coding in accepted and sibling.is_file() and sibling.stat().st_mtime_ns >= mtime:
                return sibling.read_bytes, coding
        if "gzip" in accepted and file.stat().st_size >= MIN_COMPRESS_BYTES:
            packed = _COMPRESSED.get(str(file), version, file.read_bytes)
            if packed is not None:
                return packed, "gzip"
        return file.read_bytes, ""

    def _send_encoded(self, key: str, data: bytes, mime: str, body: bool) -> None:
        """Generated `data` (python.zip, ...), with a validator made from its bytes, and
        gzip-encoded if the client takes it and it pays."""
        suffix = Path(key).suffix
        version = hashlib.sha256(data).hexdigest()[:16]
        packed = None
        if (suffix in COMPRESSIBLE and len(data) >= MIN_COMPRESS_BYTES
                and "gzip" in _accepts(self.headers.get("Accept-Encoding", ""))):
            packed = _COMPRESSED.get(key, version, lambda: data)
        tag = f'"{version}{"-gzip" if packed is not None else ""}"'
        if tag in self.headers.get("If-None-Match", ""):
            return self._not_modified(tag, vary=suffix in COMPRESSIBLE)
        if packed is not None:
            return self._send(200, packed, mime, body, tag, "gzip")
        return self._send(200, data, mime, body, tag, vary=suffix in COMPRESSIBLE)

    def _not_modified(self, tag: str, *, vary: bool) -> None:
        self.send_response(304)
        self.send_header("ETag", tag)
        if vary:
            self.send_header("Vary", "Accept-Encoding")
        self._headers()
        self.end_headers()

    def _locate(self, path: str) -> Path | None:
        if path.startswith(FFI):
            return assets.locate(path[len(FFI):])
        return _existing(_inside(self.directory, path))

    def _headers(self) -> None:
        if self.isolate:
            for name, value in ISOLATION.items():
                self.send_header(name, value)
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        self.send_header("Cache-Control", "no-cache")

    def _send(self, status: int, data: bytes, mime: str, body: bool, tag: str = "",
              coding: str = "", *, vary: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", mime)
        self.send_header("Content-Length", str(len(data)))
        if coding:
            self.send_header("Content-Encoding", coding)
        if coding or vary:
            self.send_header("Vary", "Accept-Encoding")
        if tag:
            self.send_header("ETag", tag)
        self._headers()
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _redirect(self, location: str) -> None:
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self._headers()
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the stdlib's name)
        if self.verbose:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")


def _existing(path: Path | None) -> Path | None:
    return path if path is not None and path.exists() else None


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # a browser that resets a download it no longer needs (seen on Pyodide's wasm while
        # several workers boot at once) is not an error of ours; anything else prints
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def make_server(directory: str | Path, port: int = 0, host: str = "127.0.0.1", *,
                isolate: bool = True, verbose: bool = False) -> http.server.ThreadingHTTPServer:
    """A server for `directory` (not yet serving: call serve_forever). Port 0 picks a free port.

    `isolate=False` leaves out the cross-origin isolation headers (for testing the page's error).
    """
    folder = Path(directory).resolve()
    if not folder.exists():
        raise FileNotFoundError(f"no folder {folder} to serve")
    if not folder.is_dir():
        raise NotADirectoryError(f"{folder} is a file: give the folder that holds your pages")
    handler = type("BoundHandler", (Handler,), {"directory": folder, "isolate": isolate,
                                                "verbose": verbose})
    return _Server((host, port), handler)


def serve_forever(directory: str | Path, port: int, *, verbose: bool = False) -> None:
    server = make_server(directory, port, verbose=verbose)
    host, bound = str(server.server_address[0]), server.server_address[1]
    print(f"pyscript-ffi: serving {Path(directory).resolve()} at http://{host}:{bound}/ "
          "(Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
