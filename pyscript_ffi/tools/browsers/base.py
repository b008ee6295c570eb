"""What every engine's driver offers: a `Browser` that opens `Page`s, and the one in-page
evaluator all three use, so a script gives the same value in every engine.

A scenario written against `Page` runs unchanged on Chromium (Playwright), Firefox (puppeteer-core
over WebDriver BiDi) and WebKitGTK (Selenium and WebKitWebDriver).
"""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from typing import Any

#: How long `Page.goto` / `Page.reload` wait for the load event, and a wait's default bound.
LOAD_TIMEOUT_S = 90.0
#: The bound on one `Page.evaluate` (a test's own timeout is shorter: this only stops a hang).
EVALUATE_TIMEOUT_S = 600.0

#: Runs in the page: evaluates `source` in the global scope; a function is called with `arg`;
#: a promise is awaited; the outcome comes back as JSON text, so every engine's driver returns
#: the same value (undefined and NaN become null, as JSON has them).
EVALUATOR = """async ([source, arg]) => {
  try {
    let value = (0, eval)(`(${source})`);
    if (typeof value === "function") value = value(arg);
    value = await value;
    return JSON.stringify({ value: value === undefined ? null : value });
  } catch (e) {
    const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return JSON.stringify({ error, stack: e instanceof Error ? String(e.stack) : "" });
  }
}"""

#: Installed in a page by drivers that cannot hear the engine's own error events: the page's
#: uncaught errors and unhandled rejections, kept in `window.__pageErrors`.
ERROR_RECORDER = """() => {
  if (window.__pageErrors) return;
  window.__pageErrors = [];
  addEventListener("error", (e) => { window.__pageErrors.push(String(e.message)); });
  addEventListener("unhandledrejection", (e) => {
    window.__pageErrors.push(String(e.reason?.message ?? e.reason));
  });
}"""


#: the keys `Page.press` names beside single characters, as Playwright and puppeteer name them
NAMED_KEYS = frozenset({
    "Enter", "Backspace", "Tab", "Escape", "Delete", "Home", "End", "PageUp", "PageDown",
    "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight",
})
#: the modifiers a chord holds down, outermost first ("Control+Shift+z")
MODIFIERS = ("Control", "Alt", "Shift", "Meta")


def chord(keys: str) -> tuple[tuple[str, ...], str]:
    """"Shift+Enter" as (("Shift",), "Enter"): the modifiers held and the key pressed; raises
    ValueError naming what is wrong with `keys`."""
    *held, key = keys.split("+")
    unknown = [name for name in held if name not in MODIFIERS]
    if unknown or len(set(held)) != len(held):
        raise ValueError(f"bad modifiers {unknown or held} in {keys!r}: each at most once, of "
                         f"{', '.join(MODIFIERS)}")
    if len(key) != 1 and key not in NAMED_KEYS:
        raise ValueError(f"unknown key {key!r} in {keys!r}: a single character or one of "
                         f"{', '.join(sorted(NAMED_KEYS))}")
    return tuple(held), key


def printable(text: str) -> str:
    """`text` if every character is one a key types; else ValueError (press the key instead)."""
    bad = [c for c in text if not c.isprintable()]
    if bad:
        raise ValueError(f"type() takes printable text; {bad[0]!r} in {text!r} is not: "
                         "press('Enter') (or the key's name) for it")
    return text


class BrowserMissing(RuntimeError):
    """The engine's browser or driver is not installed; the message says how to install it."""


class EvaluationError(RuntimeError):
    """A script given to `Page.evaluate` threw (or its promise rejected) in the page."""

    def __init__(self, error: str, stack: str) -> None:
        super().__init__(f"{error}\n{stack}".rstrip())
        self.error = error
        self.stack = stack


class WaitTimeout(TimeoutError):
    """`Page.wait_for_function`'s condition was still false when its time ran out."""


def decode(outcome: str) -> Any:
    """The value the evaluator's JSON text carries, or its error raised."""
    record = json.loads(outcome)
    if "error" in record:
        raise EvaluationError(record["error"], record.get("stack", ""))
    return record["value"]


class Page(ABC):
    """One tab of an engine. Selectors are CSS; scripts are JS expressions or functions."""

    @abstractmethod
    def goto(self, url: str) -> None:
        """Load `url` and wait for its load event."""

    @abstractmethod
    def reload(self) -> None:
        """Reload the page and wait for its load event."""

    @abstractmethod
    def _evaluate(self, source: str, arg: Any) -> str:
        """Run EVALUATOR with [source, arg] in the page; its JSON text."""

    @abstractmethod
    def click(self, selector: str) -> None:
        """A real click (the engine's input events) in the middle of the first match."""

    @abstractmethod
    def fill(self, selector: str, text: str) -> None:
        """Clear the first matching input and type `text` into it."""

    @abstractmethod
    def _type(self, text: str) -> None:
        """Type printable `text` with the engine's keyboard into the focused element."""

    @abstractmethod
    def _press(self, modifiers: tuple[str, ...], key: str) -> None:
        """Hold `modifiers` down, press and release `key` with the engine's keyboard, let go."""

    def type(self, text: str) -> None:
        """Type `text` into the focused element (click it first), a key event per character,
        as a user's keyboard would; control characters are refused (`press` them by name)."""
        self._type(printable(text))

    def press(self, keys: str) -> None:
        """Press a key, or a chord: "Enter", "Backspace", "Shift+Enter", "Control+c" (a
        letter in lower case; Shift makes the capital), into the focused element."""
        self._press(*chord(keys))

    @abstractmethod
    def errors(self) -> list[str]:
        """Uncaught errors and unhandled rejections the page has had so far."""

    @abstractmethod
    def close(self) -> None:
        """Close the tab."""

    def evaluate(self, script: str, arg: Any = None) -> Any:
        """The value of `script` in the page: an expression, or a function called with `arg`;
        a promise is awaited. Raises EvaluationError if it throws."""
        return decode(self._evaluate(script, arg))

    def wait_for_function(self, condition: str, timeout: float = LOAD_TIMEOUT_S,
                          polling: float = 0.05) -> None:
        """Wait until the expression `condition` is truthy in the page (a page that is still
        loading is waited for too); raises WaitTimeout naming it."""
        deadline = time.monotonic() + timeout
        last = ""
        while True:
            try:
                if self.evaluate(f"() => !!({condition})"):
                    return
            except EvaluationError as exc:
                last = f" (last error: {exc.error})"
            if time.monotonic() > deadline:
                raise WaitTimeout(f"still false after {timeout:g} s: {condition}{last}")
            time.sleep(polling)

    def wait_for_selector(self, selector: str, timeout: float = LOAD_TIMEOUT_S) -> None:
        self.wait_for_function(f"document.querySelector({json.dumps(selector)})", timeout)

    def inner_text(self, selector: str) -> str:
        """The rendered text of the first match (raises if nothing matches)."""
        return str(self.evaluate(
            "(s) => { const e = document.querySelector(s);"
            " if (!e) throw new Error(`nothing matches ${s}`); return e.innerText; }", selector))

    def texts(self, selector: str) -> list[str]:
        """The rendered text of every match, in document order."""
        return list(self.evaluate(
            "(s) => [...document.querySelectorAll(s)].map((e) => e.innerText)", selector))

    def count(self, selector: str) -> int:
        return int(self.evaluate("(s) => document.querySelectorAll(s).length", selector))

    def attribute(self, selector: str, name: str) -> str | None:
        value = self.evaluate("([s, n]) => document.querySelector(s)?.getAttribute(n) ?? null",
                              [selector, name])
        return None if value is None else str(value)

    def input_value(self, selector: str) -> str:
        return str(self.evaluate("(s) => document.querySelector(s).value", selector))


class Browser(ABC):
    """One running engine; pages share its process."""

    #: "chromium", "firefox" or "webkit"
    name: str
    #: the engine's version as the browser reports it
    version: str

    @abstractmethod
    def new_page(self) -> Page:
        """A fresh blank tab."""

    @abstractmethod
    def close(self) -> None:
        """Close every page and stop the browser."""

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
