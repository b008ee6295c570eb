"""WebKitGTK through Selenium and WebKitWebDriver (Debian's webkit2gtk-driver): MiniBrowser in a
virtual X display (xvfb-run), one window per page.

WebKitGTK 2.50 gives pages SharedArrayBuffer only with JSC_useSharedArrayBuffer=1 in the
browser's environment (cross-origin isolation alone is not enough); the driver sets it.

WebKitWebDriver cannot report the page's own errors, so each page records its uncaught errors and
unhandled rejections itself (base.ERROR_RECORDER, installed once a page has loaded: errors thrown
while it was loading are missed).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

from .base import (
    ERROR_RECORDER,
    EVALUATE_TIMEOUT_S,
    EVALUATOR,
    LOAD_TIMEOUT_S,
    Browser,
    BrowserMissing,
    Page,
)

INSTALL = "apt-get install webkit2gtk-driver xvfb (or run scripts/setup)"
MINIBROWSER_PATHS = [
    "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
    "/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
    "/usr/libexec/webkit2gtk-4.1/MiniBrowser",
]
#: what WebKitGTK needs to give an isolated page SharedArrayBuffer
ENVIRONMENT = {"JSC_useSharedArrayBuffer": "1"}
START_TIMEOUT_S = 60.0
#: base.NAMED_KEYS and base.MODIFIERS as Selenium's `Keys` names them (RETURN is the main Enter
#: key; Selenium's ENTER is the keypad's)
SELENIUM_KEYS = {
    "Enter": "RETURN", "Backspace": "BACKSPACE", "Tab": "TAB", "Escape": "ESCAPE",
    "Delete": "DELETE", "Home": "HOME", "End": "END", "PageUp": "PAGE_UP",
    "PageDown": "PAGE_DOWN", "ArrowUp": "ARROW_UP", "ArrowDown": "ARROW_DOWN",
    "ArrowLeft": "ARROW_LEFT", "ArrowRight": "ARROW_RIGHT",
    "Control": "CONTROL", "Alt": "ALT", "Shift": "SHIFT", "Meta": "META",
}


def minibrowser() -> str | None:
    return next((p for p in MINIBROWSER_PATHS if Path(p).is_file()), None)


def webkit_version() -> str:
    """WebKitGTK's version, from the Debian package that ships MiniBrowser."""
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "libwebkit2gtk-4.1-0"],
                             capture_output=True, text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.split("-")[0]


def _options(browser: str) -> Any:
    """MiniBrowser's capabilities; WebKitWebDriver 2.50 matches no session that names a
    browserName, which Selenium's own WebKitGTK options always do."""
    from selenium.webdriver.common.options import ArgOptions

    class Options(ArgOptions):
        @property
        def default_capabilities(self) -> dict[str, Any]:
            return {}

        def to_capabilities(self) -> dict[str, Any]:
            capabilities: dict[str, Any] = super().to_capabilities()  # type: ignore[no-untyped-call]
            capabilities["webkitgtk:browserOptions"] = {"binary": browser,
                                                        "args": ["--automation"]}
            return capabilities

    return Options()


class WebKitPage(Page):
    def __init__(self, browser: WebKit, handle: str) -> None:
        self._browser = browser
        self._handle = handle

    @property
    def _driver(self) -> Any:
        driver = self._browser.driver
        if driver.current_window_handle != self._handle:
            driver.switch_to.window(self._handle)
        return driver

    def goto(self, url: str) -> None:
        self._driver.get(url)
        self._driver.execute_script(f"({ERROR_RECORDER})()")

    def reload(self) -> None:
        self._driver.refresh()
        self._driver.execute_script(f"({ERROR_RECORDER})()")

    def _evaluate(self, source: str, arg: Any) -> str:
        return str(self._driver.execute_async_script(
            f"const done = arguments[arguments.length - 1];"
            f" ({EVALUATOR})(arguments[0]).then(done);", [source, arg]))

    def _element(self, selector: str) -> Any:
        from selenium.webdriver.common.by import By

        return self._driver.find_element(By.CSS_SELECTOR, selector)

    def click(self, selector: str) -> None:
        from selenium.common.exceptions import ElementNotInteractableException
        from selenium.webdriver.common.actions.action_builder import ActionBuilder

        element = self._element(selector)
        try:
            element.click()
        except ElementNotInteractableException:
            # WebKitWebDriver refuses to click (or point at) an element whose middle shows a
            # shadow root's content; the pointer pressed and released at that point is the click
            x, y = self._driver.execute_script(
                "arguments[0].scrollIntoView({ block: 'center' });"
                " const r = arguments[0].getBoundingClientRect();"
                " return [Math.floor(r.x + r.width / 2), Math.floor(r.y + r.height / 2)];", element)
            actions = ActionBuilder(self._driver)
            actions.pointer_action.move_to_location(x, y).click()  # type: ignore[no-untyped-call]
            actions.perform()

    def fill(self, selector: str, text: str) -> None:
        element = self._element(selector)
        element.clear()
        element.send_keys(text)

    def _type(self, text: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(self._driver).send_keys(text).perform()

    def _press(self, modifiers: tuple[str, ...], key: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys

        actions = ActionChains(self._driver)
        for modifier in modifiers:
            actions.key_down(getattr(Keys, SELENIUM_KEYS[modifier]))
        actions.send_keys(getattr(Keys, SELENIUM_KEYS[key]) if key in SELENIUM_KEYS else key)
        for modifier in reversed(modifiers):
            actions.key_up(getattr(Keys, SELENIUM_KEYS[modifier]))
        actions.perform()

    def errors(self) -> list[str]:
        return list(self._driver.execute_script("return window.__pageErrors ?? []"))

    def close(self) -> None:
        self._driver.close()
        self._browser.driver.switch_to.window(self._browser.home)


class WebKit(Browser):
    name = "webkit"

    def __init__(self, environment: dict[str, str] | None = None) -> None:
        """`environment`: the browser's settings beside this process's environment (default
        ENVIRONMENT; {} starts it without them)."""
        driver_binary, xvfb_run, browser = (shutil.which("WebKitWebDriver"),
                                            shutil.which("xvfb-run"), minibrowser())
        if driver_binary is None or xvfb_run is None or browser is None:
            raise BrowserMissing(f"WebKitWebDriver, MiniBrowser or xvfb-run is missing: {INSTALL}")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self._process = subprocess.Popen(
            [xvfb_run, "-a", "-s", "-screen 0 1280x1024x24", driver_binary, f"--port={port}"],
            env={**{k: v for k, v in os.environ.items() if k not in ENVIRONMENT},
                 **(ENVIRONMENT if environment is None else environment)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            url = f"http://127.0.0.1:{port}"
            self._wait_for_driver(url)
            from selenium import webdriver
            from selenium.webdriver.remote.client_config import ClientConfig
            from selenium.webdriver.remote.remote_connection import RemoteConnection

            config = ClientConfig(remote_server_addr=url, timeout=int(EVALUATE_TIMEOUT_S) + 30)
            self.driver = webdriver.Remote(
                command_executor=RemoteConnection(client_config=config), options=_options(browser))
            self.driver.set_script_timeout(EVALUATE_TIMEOUT_S)
            self.driver.set_page_load_timeout(LOAD_TIMEOUT_S)
        except BaseException:
            self._stop_driver()
            raise
        self.home = self.driver.current_window_handle
        self.version = webkit_version()

    def _wait_for_driver(self, url: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(f"{url}/status", timeout=5):
                    return
            except OSError:
                if self._process.poll() is not None or time.monotonic() > deadline:
                    message = f"WebKitWebDriver did not start at {url}: {INSTALL}"
                    raise BrowserMissing(message) from None
                time.sleep(0.1)

    def new_page(self) -> WebKitPage:
        self.driver.switch_to.new_window("window")
        return WebKitPage(self, self.driver.current_window_handle)

    def _stop_driver(self) -> None:
        try:
            os.killpg(self._process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            self._stop_driver()
