"""Fixtures for the browser tests: our server on free ports, and one headless Debian Chromium.

A missing browser or asset fails the test with a message naming it; nothing is ever skipped.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from pyscript_ffi import assets
from pyscript_ffi.server import make_server

TESTS = Path(__file__).parent
EXAMPLES = TESTS.parent / "examples"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _serve(directory: Path, *, isolate: bool = True) -> Iterator[str]:
    try:
        assets.check()
    except assets.MissingAsset as exc:
        pytest.fail(str(exc), pytrace=False)
    server = make_server(directory, isolate=isolate)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def tests_server() -> Iterator[str]:
    """tests/ at /, so pages are /browser/pages/... and worker files /scenarios/..."""
    yield from _serve(TESTS)


@pytest.fixture(scope="session")
def plain_server() -> Iterator[str]:
    """Like tests_server, but without the cross-origin isolation headers."""
    yield from _serve(TESTS, isolate=False)


@pytest.fixture(scope="session")
def examples_server() -> Iterator[str]:
    yield from _serve(EXAMPLES)


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: run scripts/setup", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
