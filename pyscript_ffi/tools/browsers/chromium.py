"""Chromium through Playwright (Debian's chromium, no browser download)."""

from __future__ import annotations

import shutil
from typing import Any

from .base import EVALUATOR, LOAD_TIMEOUT_S, Browser, BrowserMissing, EvaluationError, Page

INSTALL = "apt-get install chromium (or run scripts/setup)"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


class ChromiumPage(Page):
    def __init__(self, page: Any) -> None:
        self.playwright_page = page
        self._errors: list[str] = []
        page.on("pageerror", lambda e: self._errors.append(str(e)))
        page.set_default_timeout(LOAD_TIMEOUT_S * 1000)

    def goto(self, url: str) -> None:
        self.playwright_page.goto(url)

    def reload(self) -> None:
        self.playwright_page.reload()

    def _evaluate(self, source: str, arg: Any) -> str:
        try:
            return str(self.playwright_page.evaluate(EVALUATOR, [source, arg]))
        except Exception as exc:  # Playwright's Error, imported only with the browser
            if "Execution context was destroyed" not in str(exc):
                raise
            # the page navigated (a reload) while the script ran: as the other engines say it
            raise EvaluationError("the page navigated while the script ran", "") from exc

    def click(self, selector: str) -> None:
        self.playwright_page.click(selector)

    def fill(self, selector: str, text: str) -> None:
        self.playwright_page.fill(selector, text)

    def _type(self, text: str) -> None:
        self.playwright_page.keyboard.type(text)

    def _press(self, modifiers: tuple[str, ...], key: str) -> None:
        self.playwright_page.keyboard.press("+".join((*modifiers, key)))

    def errors(self) -> list[str]:
        return list(self._errors)

    def close(self) -> None:
        self.playwright_page.close()


class Chromium(Browser):
    name = "chromium"

    def __init__(self, args: list[str] | None = None) -> None:
        executable = shutil.which("chromium")
        if executable is None:
            raise BrowserMissing(f"Debian's chromium is not installed: {INSTALL}")
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        try:
            self.playwright_browser = self._playwright.chromium.launch(
                executable_path=executable, args=[*ARGS, *(args or [])])
        except BaseException:
            self._playwright.stop()
            raise
        self.version = self.playwright_browser.version

    def new_page(self) -> ChromiumPage:
        return ChromiumPage(self.playwright_browser.new_page())

    def close(self) -> None:
        try:
            self.playwright_browser.close()
        finally:
            self._playwright.stop()
