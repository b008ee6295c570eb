"""The product as a user installs it: the wheel built from this repository, installed into a
fresh venv outside the checkout, serves an app from any folder with nothing else (no npm, no
node_modules, no checkout), and Pyodide and MicroPython workers and PyMain each do a DOM round
trip in Chromium. Offline: the build uses this venv's setuptools (--no-build-isolation), and the
one dependency, msgpack, is copied from this venv instead of downloaded.

Chromium only for now: these tests use what only Playwright offers (locators, page listeners), which
the engine-neutral driver of pyscript_ffi/tools/browsers does not; the `chromium` fixture is the
session's Chromium.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import venv
import zipfile
from collections.abc import Iterator
from pathlib import Path

import msgpack
import pytest

from pyscript_ffi import assets

from .harness import BOOT_MS

ROOT = Path(__file__).resolve().parents[2]
APP = Path(__file__).parent / "pages" / "app"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
                    "--no-build-isolation", "--no-index", "-q", "-w", str(dist)],
                   check=True, timeout=300, capture_output=True)
    (found,) = dist.glob("pyscript_ffi-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel; returns its bin folder."""
    env = tmp_path_factory.mktemp("venv")
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                    "--no-index", "-q", str(wheel)], check=True, timeout=300, capture_output=True)
    (site,) = env.glob("lib/python*/site-packages")
    shutil.copytree(Path(msgpack.__file__).parent, site / "msgpack")
    return env / "bin"


def test_the_wheel_holds_the_assets_and_nothing_the_boot_does_not_load(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    prefix = "pyscript_ffi/_assets/"
    for folder, _, files in assets.NPM:
        for name in files:
            assert f"{prefix}{folder}/{name}" in names
    ours = {n[len(prefix):] for n in names if n.startswith(prefix)}
    npm = {n for n in ours if n.split("/")[0] in ("pyodide", "micropython")}
    assert npm == {f"{folder}/{name}" for folder, _, files in assets.NPM for name in files}
    assert {"main.js", "worker.js", "coi-serviceworker.js", "manifest.json",
            "vendor/msgpackr/index.js", "pyscript-plugin.js", "pyscript-worker.js"} <= ours
    # the terminal's and the editor's bundles, made by esbuild at the wheel's build
    assert {n for n in ours if n.startswith("bundles/")} == {
        "bundles/xterm.js", "bundles/xterm.css", "bundles/codemirror.js"}
    assert [n for n in ours if n.startswith("wheels/")] == [f"wheels/{assets.msgpack_wheel()}"]
    assert "pyscript_ffi/_micropython_lib/typing.py" in names
    assert not any("node_modules" in n for n in names)
    # the glue's bundles over its sources, each with its source map, and no other map
    made = assets.glue_bundle()
    assert {n for n in ours if n.endswith(".map")} == {f"{p.name}.map" for p in made.glob("*.js")}
    archive = zipfile.ZipFile(wheel)
    for path in made.glob("*.js"):
        assert archive.read(prefix + path.name) == path.read_bytes(), path.name
    assert archive.read(prefix + "wire.js") == (ROOT / "js_glue" / "wire.js").read_bytes()
    assert not any(n.startswith(prefix + "vendor/pyscript") for n in names)  # dev-only


#: a PyScript page with a terminal tag and an editor tag, for the installed package to serve
TAGS_PAGE = """<!doctype html>
<script type="module" src="/_ffi/core.js"></script>
<body>
<script type="mpy" terminal worker id="term">print("hello " + input("name? "))</script>
<script type="mpy-editor" id="cell">print(6 * 7)</script>
"""


@pytest.fixture(scope="module")
def served(installed, tmp_path_factory) -> Iterator[str]:
    """`pyscript-ffi serve app` of the installed package, run from a folder outside the repo."""
    work = tmp_path_factory.mktemp("user")
    shutil.copytree(APP, work / "app")
    (work / "app" / "tags.html").write_text(TAGS_PAGE)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYSCRIPT_FFI_ROOT", "VIRTUAL_ENV")}
    server = subprocess.Popen([str(installed / "pyscript-ffi"), "serve", "app", "--port",
                               str(port)], cwd=work, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    pytest.fail(f"pyscript-ffi serve did not start: {server.communicate()}")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()  # type: ignore[union-attr]
        server.stderr.close()  # type: ignore[union-attr]


def test_installed_package_imports_from_the_venv_not_the_checkout(installed):
    where = subprocess.run(
        [str(installed / "python"), "-c",
         "import pyscript_ffi.assets as a; print(a.__file__, a.installed())"],
        capture_output=True, text=True, timeout=60, check=True, cwd=installed)
    path, flag = where.stdout.split()
    assert not Path(path).is_relative_to(ROOT) and flag == "True", where.stdout


def run_app(chromium, url: str, count: int) -> dict[str, str]:
    page = chromium.new_page()
    try:
        page.goto(url)
        page.wait_for_function(f"window.results && Object.keys(window.results).length === {count}",
                               timeout=BOOT_MS)
        return page.evaluate("window.results")
    finally:
        page.close()


def test_served_from_the_installed_package_both_workers_drive_the_dom(chromium, served):
    assert run_app(chromium, f"{served}/?run=pyodide,micropython", 2) == {
        "pyodide": "ok: pyodide read: from the page",
        "micropython": "ok: micropython read: from the page"}


def test_served_from_the_installed_package_pymain_drives_the_dom(chromium, served):
    # a page of its own: PyMain keeps the page's thread busy while it boots, which would hold
    # up the workers' calls on a loaded machine
    assert run_app(chromium, f"{served}/?run=main", 1) == {"main": "ok: main read: from the page"}


def test_served_from_the_installed_package_a_terminal_and_an_editor_load_and_run(chromium, served):
    page = chromium.new_page()
    loaded: list[str] = []
    page.on("request", lambda request: loaded.append(request.url))
    try:
        page.goto(f"{served}/tags.html")
        terminal_text = ("document.querySelector('#term').terminal?.buffer.active.getLine(0)"
                         ".translateToString(true) ?? ''")
        page.wait_for_function(f"{terminal_text}.startsWith('name?')", timeout=BOOT_MS)
        page.evaluate("document.querySelector('#term').terminal.input('Ada\\r', true)")
        page.wait_for_function(
            "document.querySelector('#term').terminal.buffer.active.getLine(1)"
            ".translateToString(true) === 'hello Ada'", timeout=30_000)
        page.click("#cell + mpy-editor .mpy-editor-run-button")
        page.wait_for_function("document.querySelector('.mpy-editor-output').innerText === '42\\n'",
                               timeout=BOOT_MS)
    finally:
        page.close()
    assert {f"{served}/_ffi/bundles/{name}" for name in ("xterm.js", "xterm.css", "codemirror.js")
            } <= set(loaded)
    outside = [url for url in loaded if not url.startswith((served, "blob:"))]
    assert not outside, outside  # nothing from the network


def test_the_bench_says_pyscript_is_a_development_asset(installed, tmp_path):
    result = subprocess.run([str(installed / "pyscript-ffi"), "bench", "--no-chart"],
                            capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    assert "PyScript" in result.stderr and "not in the installed package" in result.stderr
