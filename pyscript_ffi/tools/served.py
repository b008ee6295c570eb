"""A tool's page, served and open in Chromium: what the stress, fuzz and chaos commands share.

The page's folder is served by the package's own server (cross-origin isolated, the assets under
``/_ffi/``) on 127.0.0.1, and opened in Debian's Chromium through Playwright with the flags that
keep it off the network (`browsers.chromium.ARGS`).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .. import assets
from ..server import make_server
from .browsers.chromium import ARGS


@contextmanager
def chromium_page(folder: Path, page: str, *, tool: str, timeout_ms: float,
                  extra_args: Sequence[str] = ()) -> Iterator[Any]:
    """A Playwright page at `folder`/`page`, its default timeout `timeout_ms`; the browser and
    the server are closed when the block ends. `tool` names the command in errors."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        raise SystemExit(f"{tool}: Debian's chromium is not installed: run scripts/setup")
    try:
        assets.check()
    except assets.MissingAsset as exc:
        raise SystemExit(f"{tool}: {exc}") from None
    server = make_server(folder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable,
                                                 args=[*ARGS, *extra_args])
            try:
                opened = browser.new_page()
                opened.set_default_timeout(timeout_ms)
                opened.goto(f"http://127.0.0.1:{server.server_address[1]}/{page}")
                yield opened
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
