"""The server: isolation headers on every response, MIME types, the /_ffi/ mounts, and no way out
of the served folders."""

from __future__ import annotations

import http.client
import io
import threading
import zipfile
from pathlib import Path

import pytest

from pyscript_ffi import assets
from pyscript_ffi.server import make_server

EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.fixture(scope="module")
def server():
    httpd = make_server(EXAMPLES)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def fetch(port, path, method="GET"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path)
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read()


@pytest.mark.parametrize(
    ("path", "mime"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/_ffi/main.js", "text/javascript; charset=utf-8"),
        ("/_ffi/pyodide/pyodide.mjs", "text/javascript; charset=utf-8"),
        ("/_ffi/pyodide/pyodide.asm.wasm", "application/wasm"),
        ("/_ffi/vendor/msgpackr/index.js", "text/javascript; charset=utf-8"),
        ("/_ffi/python.zip", "application/zip"),
        ("/_ffi/manifest.json", "application/json; charset=utf-8"),
        ("/list/app.py", "text/x-python; charset=utf-8"),
    ],
)
def test_isolation_headers_and_mime_types(server, path, mime):
    for method in ("GET", "HEAD"):
        status, headers, _ = fetch(server, path, method)
        assert status == 200, (method, path)
        assert headers["Content-Type"] == mime
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert headers["Cross-Origin-Embedder-Policy"] == "require-corp"
        assert headers["Cross-Origin-Resource-Policy"] == "same-origin"


def test_wheel_is_served_and_named_in_the_manifest(server):
    status, _, body = fetch(server, "/_ffi/manifest.json")
    name = __import__("json").loads(body)["msgpack_wheel"]
    assert name.startswith("msgpack-") and "pyemscripten" in name
    status, headers, _ = fetch(server, f"/_ffi/wheels/{name}", "HEAD")
    assert status == 200 and headers["Content-Type"] == "application/zip"


def test_python_zip_holds_the_packages(server):
    _, _, body = fetch(server, "/_ffi/python.zip")
    names = zipfile.ZipFile(io.BytesIO(body)).namelist()
    for expected in ("broker/wire.py", "pyscript_ffi/proxy.py", "pyscript/ffi.py",
                     "pyscript_ffi/py.typed"):
        assert expected in names


@pytest.mark.parametrize("path", ["/../pyproject.toml", "/%2e%2e/pyproject.toml",
                                  "/_ffi/../pyproject.toml", "/_ffi/pyodide/../../package.json",
                                  "/list/..%2f..%2fpyproject.toml", "/nope.html"])
def test_nothing_outside_the_served_folders(server, path):
    status, _, _ = fetch(server, path)
    assert status == 404


def test_folder_without_slash_redirects(server):
    status, headers, _ = fetch(server, "/list")
    assert status == 301 and headers["Location"] == "/list/"


def test_missing_asset_names_itself(tmp_path, monkeypatch):
    monkeypatch.setenv("PYSCRIPT_FFI_ROOT", str(tmp_path))
    missing = r"node_modules/pyodide is missing.*scripts/setup"
    with pytest.raises(assets.MissingAsset, match=missing):
        assets.locate("pyodide/pyodide.mjs")
    httpd = make_server(EXAMPLES)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        status, _, body = fetch(httpd.server_address[1], "/_ffi/pyodide/pyodide.mjs")
        assert status == 404 and b"scripts/setup" in body
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_serving_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no folder"):
        make_server(tmp_path / "missing")


def test_a_file_revalidates_by_its_etag():
    """A repeat visit gets 304 (with the isolation headers) for a file it has, else 200."""
    httpd = make_server(EXAMPLES)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        port = httpd.server_address[1]
        status, headers, body = fetch(port, "/_ffi/main.js")
        assert status == 200 and body and headers["ETag"].startswith('"')
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/_ffi/main.js", headers={"If-None-Match": headers["ETag"]})
        response = conn.getresponse()
        assert response.status == 304 and response.read() == b""
        assert response.getheader("Cross-Origin-Embedder-Policy") == "require-corp"
        conn.request("GET", "/_ffi/main.js", headers={"If-None-Match": '"stale"'})
        response = conn.getresponse()
        assert response.status == 200 and response.read() == body
    finally:
        httpd.shutdown()
        httpd.server_close()
