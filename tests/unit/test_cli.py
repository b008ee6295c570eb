"""``pyscript-ffi serve`` and ``build`` on bad input (one line naming the problem, exit status 2,
no traceback), and what ``build`` writes and refuses. The built site in a browser is
tests/browser/test_deploy.py; the installed wheel is tests/browser/test_wheel.py."""

from __future__ import annotations

import gzip
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from pyscript_ffi import assets
from pyscript_ffi.build import STAMP, BuildError, build

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "tests" / "browser" / "pages" / "app"


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pyscript_ffi", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_serve_a_missing_folder(tmp_path):
    one_line_error(cli("serve", "nope", cwd=tmp_path), "pyscript-ffi serve:", "no folder",
                   str(tmp_path / "nope"))


def test_serve_a_file(tmp_path):
    (tmp_path / "page.html").write_text("<p>hi</p>")
    one_line_error(cli("serve", "page.html", cwd=tmp_path), "page.html is a file",
                   "give the folder")


def test_serve_on_a_port_in_use(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        one_line_error(cli("serve", ".", "--port", str(port), cwd=tmp_path),
                       f"port {port} is in use", "--port")


def test_build_refuses_bad_folders(tmp_path):
    (tmp_path / "file.txt").write_text("x")
    one_line_error(cli("build", "nope", "-o", "out", cwd=tmp_path), "pyscript-ffi build:",
                   "no folder")
    one_line_error(cli("build", "file.txt", "-o", "out", cwd=tmp_path), "is a file")
    one_line_error(cli("build", str(APP), "-o", str(APP / "site"), cwd=tmp_path),
                   "is inside the app's folder", "choose a folder outside it")
    one_line_error(cli("build", str(APP), "-o", str(APP.parent), cwd=tmp_path),
                   "holds the app's folder")
    assert not (APP / "site").exists()


def test_build_never_replaces_what_is_not_a_build_unless_forced(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    one_line_error(cli("build", str(APP), "-o", str(out), cwd=tmp_path),
                   "is not a previous pyscript-ffi build", "--force")
    assert (out / "precious.txt").read_text() == "keep me"
    forced = cli("build", str(APP), "-o", str(out), "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert not (out / "precious.txt").exists() and (out / STAMP).is_file()
    (out / "stale.txt").write_text("from an earlier build")
    again = cli("build", str(APP), "-o", str(out), cwd=tmp_path)  # a previous build: replaced
    assert again.returncode == 0, again.stderr
    assert not (out / "stale.txt").exists()


def test_build_writes_a_relative_static_site(tmp_path):
    app = tmp_path / "app"
    (app / "sub").mkdir(parents=True)
    (app / "index.html").write_text('<html><head></head><script type="module">'
                                    'import { PyWorker } from "/_ffi/main.js";</script></html>')
    (app / "sub" / "page.html").write_text('<head><script src="/_ffi/main.js"></script></head>')
    (app / "sub" / "app.js").write_text('import "/_ffi/main.js";')
    (app / "app.py").write_text("print('hi')")
    warnings: list[str] = []
    out = build(app, tmp_path / "site", warn=warnings.append)
    index = (out / "index.html").read_text()
    assert 'from "./_ffi/main.js"' in index and '"/_ffi/' not in index
    assert 'src="../_ffi/main.js"' in (out / "sub" / "page.html").read_text()
    assert index.index("file-note") < index.index("./_ffi/main.js")
    assert any("index.html" in w and "relative" in w for w in warnings), warnings
    assert any("app.js" in w and "absolute /_ffi/" in w for w in warnings), warnings
    # the site's own service worker names ./_ffi/ (relative): no warning about it
    assert not any("coi-serviceworker.js" in w for w in warnings), warnings
    assert (out / "app.py").read_text() == "print('hi')"
    for relative in ["main.js", "worker.js", "coi.js", "python.zip", "python.json",
                     "manifest.json", "vendor/msgpackr/index.js",
                     *(f"{folder}/{name}" for folder, _, names in assets.NPM for name in names)]:
        assert (out / "_ffi" / relative).is_file(), relative
    assert (out / "coi-serviceworker.js").read_bytes() == (
        ROOT / "js_glue" / "coi-serviceworker.js").read_bytes()
    assert "Cross-Origin-Embedder-Policy: require-corp" in (out / "_headers").read_text()
    vercel = json.loads((out / "vercel.json").read_text())["headers"][0]["headers"]
    assert {"key": "Cross-Origin-Opener-Policy", "value": "same-origin"} in vercel
    assert (out / ".nojekyll").exists()
    wheel = json.loads((out / "_ffi" / "manifest.json").read_text())["msgpack_wheel"]
    assert (out / "_ffi" / "wheels" / wheel).is_file()


def test_build_keeps_the_apps_own_header_files(tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (app / "_headers").write_text("/*\n  X-Mine: 1\n")
    warnings: list[str] = []
    out = build(app, tmp_path / "site", warn=warnings.append)
    assert (out / "_headers").read_text() == "/*\n  X-Mine: 1\n"
    assert any("_headers" in w and "Cross-Origin-Opener-Policy" in w for w in warnings)


def test_build_refuses_an_app_file_it_would_overwrite(tmp_path):
    app = tmp_path / "app"
    (app / "_ffi").mkdir(parents=True)
    with pytest.raises(BuildError, match="a name the build writes itself"):
        build(app, tmp_path / "site")


def test_vendored_modules_are_only_what_the_glue_imports(tmp_path):
    written = {p.relative_to(tmp_path).as_posix() for p in assets.collect(tmp_path)}
    vendored = {p for p in written if p.startswith("vendor/msgpackr/")}
    assert "vendor/msgpackr/index.js" in vendored and "vendor/msgpackr/LICENSE" in vendored
    assert all(p.endswith(".js") or p.endswith("LICENSE") for p in vendored), vendored
    assert "vendor/msgpackr/node-index.js" not in vendored  # Node's build: never imported
    assert not any(p.endswith(".d.ts") for p in written)
    # the only source maps are the glue bundles' (beside them, at the top)
    assert {p for p in written if p.endswith(".map")} == {
        f"{p.name}.map" for p in assets.glue_bundle().glob("*.js")}


def test_the_bundles_are_made_by_esbuild_remade_when_stale_and_collected(tmp_path):
    made = assets.bundle()
    xterm = made / "xterm.js"
    text = xterm.read_text()
    assert "Terminal" in text and "FitAddon" in text and "@license MIT" in text
    assert 'from "' not in text  # one module: every npm import is inside it
    assert "EditorView" in (made / "codemirror.js").read_text()
    os.utime(xterm, (0, 0))  # older than its entry module: made again
    assets.bundle()
    assert xterm.stat().st_mtime > 0 and xterm.read_text() == text
    assert assets.locate("bundles/xterm.css") == made / "xterm.css"
    assert assets.locate("bundles/nothing.js") is None
    written = {p.relative_to(tmp_path).as_posix() for p in assets.collect(tmp_path)}
    assert {"bundles/xterm.js", "bundles/xterm.css", "bundles/codemirror.js"} <= written


def test_the_glue_is_served_bundled_and_minified_with_source_maps(monkeypatch):
    made = assets.glue_bundle()
    for entry in (*assets.GLUE_PAGE_ENTRIES, assets.GLUE_WORKER_ENTRY):
        assert assets.locate(entry) == made / entry
        text = (made / entry).read_text()
        assert text.rstrip().endswith(f"//# sourceMappingURL={entry}.map")
        source_map = json.loads((made / f"{entry}.map").read_text())
        # readable in a debugger without the repository (main.js's own map is empty: it is its
        # chunks' names; theirs hold its code)
        assert len(source_map["sourcesContent"]) == len(source_map["sources"])
    for name in ("worker.js", "core.js", *assets.chunks_of("main.js")):
        source_map = json.loads((made / f"{name}.map").read_text())
        assert source_map["sourcesContent"] and all(source_map["sourcesContent"]), name
    worker = (made / "worker.js").read_text()
    assert not re.search(r"""\bfrom\s*["']\./""", worker)  # one file: no module of ours
    assert len(worker.splitlines()) < len((ROOT / "js_glue" / "worker.js").read_text().splitlines())
    # a page entry is its chunks' names and little else; every chunk it names is served
    chunks = assets.chunks_of("main.js")
    assert chunks and all(assets.locate(c) == made / c for c in chunks)
    assert len((made / "main.js").read_bytes()) < 1000
    # the other modules as they are in the repository, under their own names
    assert assets.locate("wire.js") == ROOT / "js_glue" / "wire.js"
    # the switch for reading the glue unminified
    monkeypatch.setenv(assets.UNBUNDLED_ENV, "1")
    assert assets.locate("main.js") == ROOT / "js_glue" / "main.js"
    assert assets.locate(chunks[0]) is None
    assert assets.hint_page('<head><script src="./_ffi/main.js">') == (
        '<head><script src="./_ffi/main.js">')


def test_a_new_glue_bundle_removes_all_but_the_few_made_before_it(tmp_path):
    glue = tmp_path / "glue"
    folders = [glue / f"{n:016x}" for n in range(6)]
    for age, folder in enumerate(reversed(folders)):  # folders[0] the oldest
        folder.mkdir(parents=True)
        (folder / "main.js").write_text("//")
        os.utime(folder, (1_000_000 - age * 60, 1_000_000 - age * 60))
    partial = glue / ".partial-x"  # another process's bundle, being made
    partial.mkdir()
    newest = folders[-1]
    os.utime(newest, None)
    assets._prune_glue(newest)
    kept = sorted(p.name for p in glue.iterdir())
    assert kept == sorted([".partial-x", newest.name,
                           *(f.name for f in folders[-1 - assets.GLUE_KEPT:-1])])


def test_a_built_site_has_the_bundles_the_hints_and_gzip_siblings(tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (app / "index.html").write_text('<html><head><script type="module" src="/_ffi/core.js">'
                                    "</script></head></html>")
    out = build(app, tmp_path / "site", warn=lambda _: None)
    ffi = out / "_ffi"
    assert (ffi / "core.js").read_bytes() == (assets.glue_bundle() / "core.js").read_bytes()
    html = (out / "index.html").read_text()
    for chunk in assets.chunks_of("core.js", ffi):
        assert f'<link rel="modulepreload" href="./_ffi/{chunk}"' in html
        assert (ffi / chunk).is_file()
    wasm = ffi / "pyodide" / "pyodide.asm.wasm"
    assert gzip.decompress((ffi / "pyodide" / "pyodide.asm.wasm.gz").read_bytes()) == (
        wasm.read_bytes())
    assert (ffi / "pyodide" / "pyodide.asm.wasm.gz").stat().st_mtime == wasm.stat().st_mtime
    assert not (ffi / "pyodide" / "python_stdlib.zip.gz").exists()  # compressed already
