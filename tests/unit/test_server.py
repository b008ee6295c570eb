"""The server: isolation headers on every response, MIME types, the /_ffi/ mounts, and no way out
of the served folders."""

from __future__ import annotations

import gzip
import http.client
import io
import os
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
    try:
        conn.request(method, path)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


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
        conn.close()
    finally:
        httpd.shutdown()
        httpd.server_close()


def fetch_with(port, path, headers):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def test_text_and_wasm_go_gzipped_to_a_client_that_takes_it(server):
    for path in ("/_ffi/core.js", "/_ffi/pyodide/pyodide.asm.wasm", "/_ffi/python.json",
                 "/console/index.html"):
        _, plain_headers, plain = fetch_with(server, path, {})
        assert "Content-Encoding" not in plain_headers, path
        assert plain_headers["Vary"] == "Accept-Encoding", path
        status, headers, packed = fetch_with(server, path, GZIP)
        assert status == 200 and headers["Content-Encoding"] == "gzip", path
        assert headers["Vary"] == "Accept-Encoding"
        assert int(headers["Content-Length"]) == len(packed)
        assert gzip.decompress(packed) == plain and len(packed) < 0.9 * len(plain), path
        assert headers["ETag"] != plain_headers["ETag"], path  # one validator per encoding
    # refused by q=0, or compressed already (Pyodide's stdlib zip): as it is
    _, headers, _ = fetch_with(server, "/_ffi/core.js", {"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in headers
    _, headers, _ = fetch_with(server, "/_ffi/pyodide/python_stdlib.zip", GZIP)
    assert "Content-Encoding" not in headers


def test_a_returning_client_revalidates_each_encoding_and_generated_file(server):
    for path in ("/_ffi/core.js", "/_ffi/python.zip", "/_ffi/python.json"):
        for headers in ({}, GZIP):
            _, first, _ = fetch_with(server, path, headers)
            status, again, body = fetch_with(server, path, {**headers,
                                                            "If-None-Match": first["ETag"]})
            assert (status, body, again["ETag"]) == (304, b"", first["ETag"]), (path, headers)


def test_one_connection_carries_many_requests(server):
    # HTTP/1.1 with Content-Length on every response: Chromium revalidated none of an HTTP/1.0
    # server's responses (a returning visitor downloaded everything again)
    conn = http.client.HTTPConnection("127.0.0.1", server, timeout=30)
    try:
        for path in ("/_ffi/main.js", "/_ffi/manifest.json", "/nope.html", "/list"):
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            assert response.version == 11 and not response.will_close, path
    finally:
        conn.close()


def test_a_precompressed_sibling_is_sent_when_not_older(tmp_path):
    text = "x" * 5000
    (tmp_path / "app.js").write_text(text)
    sibling = tmp_path / "app.js.gz"
    sibling.write_bytes(gzip.compress(b"// the sibling\n" + text.encode()))
    httpd = make_server(tmp_path)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        port = httpd.server_address[1]
        _, headers, body = fetch_with(port, "/app.js", GZIP)
        assert headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(body).startswith(b"// the sibling")
        os.utime(sibling, ns=(0, 0))  # older than the file: compressed here instead
        _, headers, body = fetch_with(port, "/app.js", GZIP)
        assert gzip.decompress(body) == text.encode()
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_page_that_loads_the_glue_gets_module_preload_hints_for_its_chunks(tmp_path):
    (tmp_path / "index.html").write_text(
        '<!doctype html><html><head><title>t</title></head><body>'
        '<script type="module">import { PyWorker } from "/_ffi/main.js";</script></body></html>')
    (tmp_path / "plain.html").write_text("<html><head></head><body>no glue</body></html>")
    httpd = make_server(tmp_path)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        port = httpd.server_address[1]
        _, _, body = fetch_with(port, "/", {})
        html = body.decode()
        chunks = assets.chunks_of("main.js")
        assert chunks and all(
            f'<link rel="modulepreload" href="/_ffi/{c}" {assets.HINT_MARK}>' in html
            for c in chunks)
        assert html.index("modulepreload") < html.index("<title>")  # right after <head>
        for chunk in chunks:
            assert fetch_with(port, f"/_ffi/{chunk}", {})[0] == 200
        assert fetch_with(port, "/plain.html", {})[2] == (tmp_path / "plain.html").read_bytes()
    finally:
        httpd.shutdown()
        httpd.server_close()
