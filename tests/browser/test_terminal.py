"""PyScript's `terminal` attribute on /_ffi/core.js (js_glue/tag-terminal.js): the pages of
tests/browser/pages/terminal/, written for PyScript 0.7.31. worker.html runs worker.py in a
Pyodide and a MicroPython worker, each with its terminal: colours, input() read from the
terminal, Ctrl-C while input() waits, `__terminal__`, then code.interact()'s REPL until Ctrl-D.

In every engine the keys go in through xterm's own input (`terminal.input(data, true)`, what
its key and paste handlers call); test_real_keys_and_a_paste_in_chromium types them with Chromium's
keyboard and clipboard through Playwright, which the engine-neutral driver does not offer.
"""

from __future__ import annotations

import pytest

from .harness import BOOT_S

PAGES = "/browser/pages/terminal"
#: the lines of a tag's terminal, as xterm's buffer holds them
TEXT = """(selector) => {
  const terminal = document.querySelector(selector).terminal;
  if (!terminal) return null;
  const buffer = terminal.buffer.active, lines = [];
  for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i).translateToString(true));
  return lines.join("\\n").trimEnd();
}"""
TAGS = {"pyodide": "#py-term", "micropython": "#mpy-term"}


def text(page, selector: str) -> str:
    return page.evaluate(TEXT, selector) or ""


def wait_for_text(page, selector: str, expected: str, timeout: float = 60) -> None:
    page.wait_for_function(f"({TEXT})({selector!r})?.includes({expected!r})", timeout=timeout)


def keys(page, selector: str, data: str) -> None:
    """`data` as the terminal's keyboard gives it (Enter is "\\r", Ctrl-C "\\x03")."""
    page.evaluate("([s, data]) => document.querySelector(s).terminal.input(data, true)",
                  [selector, data])


@pytest.fixture(scope="module")
def worker_page(browser, tests_server):
    page = browser.new_page()
    page.goto(f"{tests_server}{PAGES}/worker.html")
    for selector in TAGS.values():
        wait_for_text(page, selector, "name?", timeout=BOOT_S)
    yield page
    page.close()


@pytest.mark.parametrize("kind", list(TAGS))
def test_a_worker_terminal_reads_input_is_interrupted_and_leaves_a_repl(worker_page, kind):
    page, tag = worker_page, TAGS[kind]
    first = text(page, tag).splitlines()[0]
    assert first == f"green on {'cpython' if kind == 'pyodide' else 'micropython'}"
    # the ANSI colour reached xterm as a colour, not as text
    assert page.evaluate("""(s) => { const cell = document.querySelector(s).terminal.buffer
        .active.getLine(0).getCell(0); return [cell.isFgPalette(), cell.getFgColor()]; }""",
                         tag) == [True, 2]
    keys(page, tag, "Adx\x7fa\r")  # a Backspace on the way
    wait_for_text(page, tag, "hello Ada")
    keys(page, tag, "5\r7\r")  # the second line typed ahead: echoed when input() asks for it
    wait_for_text(page, tag, "total 12")
    keys(page, tag, "\x03")  # Ctrl-C while input() waits: KeyboardInterrupt in the worker
    wait_for_text(page, tag, ">>>")
    keys(page, tag, "total * 2\rfor i in range(2):\r  print(i * 10)\r\r")
    wait_for_text(page, tag, "10\n>>>")
    keys(page, tag, "\x04")  # Ctrl-D: the end of input ends the REPL
    wait_for_text(page, tag, "bye")
    lines = text(page, tag).splitlines()
    assert lines[1:7] == ["name? Ada", "hello Ada", "add> 5", "total 5", "add> 7", "total 12"]
    assert lines[7:11] == ["add> ^C", "interrupted at 12", "cols True", "the REPL"]
    assert lines[11:17] == [">>> total * 2", "24", ">>> for i in range(2):", "...   print(i * 10)",
                            "... ", "0"]
    assert page.count("div.py-error") == 0


def test_a_worker_terminal_fits_its_element_when_it_is_resized(worker_page):
    page = worker_page
    before = page.evaluate("document.querySelector('#mpy-term').terminal.cols")
    page.evaluate("document.querySelector('#mpy-box').style.width = '320px'")
    page.wait_for_function(f"document.querySelector('#mpy-term').terminal.cols < {before} / 2",
                           timeout=10)
    # the terminal was made in the tag's target, the other one after its tag
    assert page.evaluate("document.querySelector('#mpy-box .xterm') !== null")
    assert page.evaluate("document.querySelector('#py-term').nextElementSibling.localName") == \
        "py-terminal"


def test_a_terminal_on_the_pages_thread_takes_its_interpreters_output(browser, tests_server):
    page = browser.new_page()
    page.goto(f"{tests_server}{PAGES}/main.html")
    tag = "script[terminal]"
    wait_for_text(page, tag, "a later tag prints there too", timeout=BOOT_S)
    assert text(page, tag).splitlines() == [
        "main says hi", "to stderr", "written by __terminal__", "a later tag prints there too"]
    assert page.count("div.py-error") == 0
    page.goto(f"{tests_server}{PAGES}/main-mpy.html")
    wait_for_text(page, tag, "ValueError: shown in the terminal", timeout=BOOT_S)
    assert text(page, tag).splitlines()[0] == "mpy main says hi"
    assert page.count("div.py-error") == 0  # as PyScript: a terminal tag's error shows in it
    page.goto(f"{tests_server}{PAGES}/two-main.html")
    page.wait_for_function("document.querySelectorAll('div.py-error').length === 2", timeout=BOOT_S)
    assert "one terminal at most" in page.texts("div.py-error")[0]
    page.close()


@pytest.mark.parametrize("kind", list(TAGS))
def test_real_keys_and_a_paste_in_chromium(browsers, tests_server, kind):
    """Chromium's own key events, through Playwright (what the engine-neutral driver cannot
    send): typing, Backspace, Enter, Ctrl-C, Ctrl-D; and a paste of two lines, as a paste event
    on the focused terminal (headless Chromium's Ctrl+V does not read the clipboard)."""
    page = browsers("chromium").new_page()
    tag = TAGS[kind]
    page.goto(f"{tests_server}{PAGES}/worker.html")
    wait_for_text(page, tag, "name?", timeout=BOOT_S)
    playwright = page.playwright_page  # type: ignore[attr-defined]
    playwright.click(f"{tag} + * .xterm" if kind == "pyodide" else "#mpy-box .xterm")
    keyboard = playwright.keyboard
    keyboard.type("Bob")
    keyboard.press("Backspace")
    keyboard.type("b")
    keyboard.press("Enter")
    wait_for_text(page, tag, "hello Bob")
    playwright.evaluate("""() => { const data = new DataTransfer(); data.setData("text/plain",
        "1\\n2\\n"); document.activeElement.dispatchEvent(new ClipboardEvent("paste",
        { clipboardData: data, bubbles: true, cancelable: true })); }""")
    wait_for_text(page, tag, "total 3")
    keyboard.press("Control+C")
    wait_for_text(page, tag, ">>>")
    keyboard.type("total + 1")
    keyboard.press("Enter")
    wait_for_text(page, tag, "\n4\n")
    keyboard.press("Control+D")
    wait_for_text(page, tag, "bye")
    assert "interrupted at 3" in text(page, tag)
    page.close()
