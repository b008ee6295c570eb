"""One driver interface over three browser engines, for the browser tests and the bench:

    from pyscript_ffi.tools.browsers import launch
    with launch("firefox") as browser:
        page = browser.new_page()
        page.goto(url)
        page.wait_for_function("window.harness !== undefined")
        page.evaluate("async (n) => await w.sync.add(n, 1)", 41)

Engines: chromium (Playwright), firefox (puppeteer-core over WebDriver BiDi), webkit (Selenium and
WebKitWebDriver). Each launch raises BrowserMissing, naming the install command, if its browser
or driver is not installed.
"""

from __future__ import annotations

from .base import Browser, BrowserMissing, EvaluationError, Page, WaitTimeout

__all__ = ["ENGINES", "Browser", "BrowserMissing", "EvaluationError", "Page", "WaitTimeout",
           "launch"]

ENGINES = ("chromium", "firefox", "webkit")


def launch(engine: str) -> Browser:
    """Start `engine` (one of ENGINES) headless; close it (or use `with`) when done."""
    if engine == "chromium":
        from .chromium import Chromium

        return Chromium()
    if engine == "firefox":
        from .firefox import Firefox

        return Firefox()
    if engine == "webkit":
        from .webkit import WebKit

        return WebKit()
    raise ValueError(f"unknown browser engine {engine!r}: use one of {', '.join(ENGINES)}")
