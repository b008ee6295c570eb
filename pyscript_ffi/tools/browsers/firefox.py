"""Firefox ESR through puppeteer-core over WebDriver BiDi (Debian's firefox-esr, headless, no
browser download): a long-lived Node process (firefox_bridge.mjs) that takes one JSON request a
line on stdin and answers each with one JSON line on stdout."""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
from pathlib import Path
from typing import IO, Any

from .base import EVALUATE_TIMEOUT_S, EVALUATOR, LOAD_TIMEOUT_S, Browser, BrowserMissing, Page

INSTALL = "apt-get install firefox-esr nodejs, then npm ci (puppeteer-core); or run scripts/setup"
BRIDGE = Path(__file__).with_name("firefox_bridge.mjs")
START_TIMEOUT_S = 60.0


class FirefoxPage(Page):
    def __init__(self, browser: Firefox, page_id: int) -> None:
        self._browser = browser
        self._id = page_id

    def _call(self, op: str, timeout: float = LOAD_TIMEOUT_S, **fields: Any) -> Any:
        return self._browser.request(op, timeout, page=self._id, **fields)

    def goto(self, url: str) -> None:
        self._call("goto", url=url, timeoutMs=LOAD_TIMEOUT_S * 1000)

    def reload(self) -> None:
        self._call("reload", timeoutMs=LOAD_TIMEOUT_S * 1000)

    def _evaluate(self, source: str, arg: Any) -> str:
        return str(self._call("evaluate", EVALUATE_TIMEOUT_S, source=source, arg=arg))

    def click(self, selector: str) -> None:
        self._call("click", selector=selector)

    def fill(self, selector: str, text: str) -> None:
        self._call("fill", selector=selector, text=text)

    def _type(self, text: str) -> None:
        self._call("type", text=text)

    def _press(self, modifiers: tuple[str, ...], key: str) -> None:
        self._call("press", modifiers=list(modifiers), key=key)

    def errors(self) -> list[str]:
        return list(self._call("errors"))

    def close(self) -> None:
        self._call("close")


class Firefox(Browser):
    name = "firefox"

    def __init__(self) -> None:
        executable = shutil.which("firefox-esr") or shutil.which("firefox")
        node = shutil.which("node")
        if executable is None or node is None:
            raise BrowserMissing(f"Debian's firefox-esr or node is not installed: {INSTALL}")
        self._process = subprocess.Popen(
            [node, str(BRIDGE), executable, EVALUATOR], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=BRIDGE.parent)
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._stderr: list[str] = []
        assert self._process.stdout is not None and self._process.stderr is not None
        threading.Thread(target=self._read, args=(self._process.stdout, self._lines.put),
                         daemon=True).start()
        threading.Thread(target=self._read, args=(self._process.stderr, self._stderr.append),
                         daemon=True).start()
        self._next_id = 0
        self._lock = threading.Lock()
        first = self._receive(START_TIMEOUT_S, "start")
        if "ready" not in first:
            self.close()
            raise BrowserMissing(f"Firefox did not start: {first}\n{INSTALL}")
        self.version = str(first["ready"])

    @staticmethod
    def _read(stream: IO[str], put: Any) -> None:
        for line in stream:
            put(line)
        put(None)

    def _receive(self, timeout: float, what: str) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            message = f"Firefox's bridge did not answer {what} within {timeout:g} s"
            raise TimeoutError(message) from None
        if line is None:
            self._lines.put(None)
            raise BrowserMissing("Firefox's bridge (node firefox_bridge.mjs) exited:\n"
                                 + "".join(self._stderr[-30:]) + f"\n{INSTALL}")
        record: dict[str, Any] = json.loads(line)
        return record

    def request(self, op: str, timeout: float, **fields: Any) -> Any:
        """Send one request to the bridge and return its value (raises its error)."""
        with self._lock:
            self._next_id += 1
            ident = self._next_id
            stdin = self._process.stdin
            assert stdin is not None
            stdin.write(json.dumps({"id": ident, "op": op, **fields}) + "\n")
            stdin.flush()
            while True:
                record = self._receive(timeout, op)
                if record.get("id") == ident:
                    break
        if "error" in record:
            raise RuntimeError(f"Firefox {op}: {record['error']}")
        return record.get("value")

    def new_page(self) -> FirefoxPage:
        return FirefoxPage(self, int(self.request("newPage", LOAD_TIMEOUT_S)))

    def close(self) -> None:
        if self._process.stdin is not None and not self._process.stdin.closed:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        for stream in (self._process.stdout, self._process.stderr):
            if stream is not None:
                stream.close()
