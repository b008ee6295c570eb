"""PyScript's `terminal` attribute on /_ffi/core.js (js_glue/tag-terminal.js): the pages of
tests/browser/pages/terminal/, written for PyScript 0.7.31. worker.html runs worker.py in a
Pyodide and a MicroPython worker, each with its terminal: colours, input() read from the
terminal, Ctrl-C while input() waits, `__terminal__`, then code.interact()'s REPL until Ctrl-D.

In every engine the keys are the engine's own key events (the driver's `Page.type` and
`Page.press`: Playwright, puppeteer over WebDriver BiDi, Selenium's actions) on the focused
terminal; the REPL's lines come in as a paste event on it (no engine's headless Ctrl+V reads a
clipboard).
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
#: each tag's terminal on the page, to click for the keyboard's focus (the Pyodide one is made
#: after its tag, the MicroPython one in its target)
XTERMS = {"pyodide": "#py-term + * .xterm", "micropython": "#mpy-box .xterm"}


def text(page, selector: str) -> str:
    return page.evaluate(TEXT, selector) or ""


def wait_for_text(page, selector: str, expected: str, timeout: float = 60) -> None:
    page.wait_for_function(f"({TEXT})({selector!r})?.includes({expected!r})", timeout=timeout)


def paste(page, text: str) -> None:
    """`text` pasted into the focused element: a paste event carrying it, as a user's paste.
    Firefox's ClipboardEvent keeps no text from a `clipboardData` given to its constructor; it
    takes the text from its own `dataType` and `data` members, which the other engines ignore."""
    page.evaluate("""(text) => { const data = new DataTransfer(); data.setData("text/plain", text);
        document.activeElement.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data,
        dataType: "text/plain", data: text, bubbles: true, cancelable: true })); }""", text)


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
    page.click(XTERMS[kind])
    page.type("Adx")
    page.press("Backspace")
    page.type("a")
    page.press("Enter")
    wait_for_text(page, tag, "hello Ada")
    page.type("5")
    page.press("Enter")
    page.type("7")  # typed ahead: echoed when input() asks for it
    page.press("Enter")
    # the next input()'s prompt, not "total 12": the worker prints, then asks in a call of its
    # own; a Ctrl-C between the two would come before the prompt, not while input() waits
    wait_for_text(page, tag, "total 12\nadd>")
    page.press("Control+c")  # Ctrl-C while input() waits: KeyboardInterrupt in the worker
    wait_for_text(page, tag, ">>>")
    paste(page, "total * 2\nfor i in range(2):\n  print(i * 10)\n\n")
    wait_for_text(page, tag, "10\n>>>")
    # the lines entered come back with Up, and are edited anywhere (js_glue/line-edit.js)
    for _ in range(3):  # "  print(i * 10)", "for i in range(2):", "total * 2"
        page.press("ArrowUp")
    page.press("Home")
    page.type("print(")
    page.press("End")
    page.type(" + 1)")
    page.press("ArrowLeft")
    page.press("Backspace")
    page.type("2")
    page.press("Enter")
    wait_for_text(page, tag, "26\n>>>")
    page.press("Control+d")  # the end of input ends the REPL
    wait_for_text(page, tag, "bye")
    lines = text(page, tag).splitlines()
    assert lines[1:7] == ["name? Ada", "hello Ada", "add> 5", "total 5", "add> 7", "total 12"]
    assert lines[7:11] == ["add> ^C", "interrupted at 12", "cols True", "the REPL"]
    assert lines[11:17] == [">>> total * 2", "24", ">>> for i in range(2):", "...   print(i * 10)",
                            "... ", "0"]
    assert lines[17:20] == ["10", ">>> print(total * 2 + 2)", "26"]
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
