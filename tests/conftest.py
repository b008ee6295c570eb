"""Fixtures for the browser tests: our server on free ports, and the three browser engines
(Chromium, Firefox ESR, WebKitGTK through pyscript_ffi.tools.browsers), every browser test on each.

A missing browser or asset fails the test with a message naming it; nothing is ever skipped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pyscript_ffi import assets
from pyscript_ffi.server import make_server
from pyscript_ffi.tools.browsers import ENGINES, Browser, BrowserMissing, launch

TESTS = Path(__file__).parent
EXAMPLES = TESTS.parent / "examples"


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
def plain_examples_server() -> Iterator[str]:
    """The examples without the cross-origin isolation headers (their workers on the service
    worker: js_glue/relay.js)."""
    yield from _serve(EXAMPLES, isolate=False)


@pytest.fixture(scope="session")
def browsers() -> Iterator[Callable[[str], Browser]]:
    """Launches an engine the first time a test asks for it; one process per engine for the
    whole session, closed at its end."""
    running: dict[str, Browser] = {}

    def get(engine: str) -> Browser:
        if engine not in running:
            try:
                running[engine] = launch(engine)
            except BrowserMissing as exc:
                pytest.fail(str(exc), pytrace=False)
        return running[engine]

    yield get
    for browser in running.values():
        browser.close()


@pytest.fixture(scope="session", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Each browser engine in turn (a test id carries it: `-k firefox` runs Firefox's tests).
    A test that only one engine can run parametrizes `engine` itself, with scope="session"."""
    return str(request.param)


@pytest.fixture(scope="session")
def browser(engine: str, browsers: Callable[[str], Browser]) -> Browser:
    return browsers(engine)


@pytest.fixture(scope="session")
def chromium(browsers: Callable[[str], Browser]) -> Any:
    """The session's Chromium as a Playwright Browser, for the tests that need what only
    Playwright offers (locators, keyboard, a context that blocks service workers): the
    packaging, deploy and PyScript-page tests. Each says so in its docstring."""
    return browsers("chromium").playwright_browser  # type: ignore[attr-defined]
