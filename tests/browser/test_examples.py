"""The examples, served as `./dev serve` serves them, driven by real clicks in each browser
engine."""

from __future__ import annotations

import pytest

from .harness import BOOT_S


def test_list_example_builds_dom_and_handles_clicks(browser, examples_server):
    page = browser.new_page()
    page.goto(f"{examples_server}/list/")
    # the button appears before the worker adds its click listener: wait for the worker's end
    page.wait_for_function("document.querySelector('#status').textContent.includes('ready')",
                           timeout=BOOT_S)
    assert page.texts("#items li") == ["apple", "banana", "cherry"]
    # each click adds an item above the button, which moves it down a line: click again once
    # the first item is in, as a person would (WebKitGTK's WebDriver click, sent at once, landed
    # where the button had been in 2 of 4 runs: a lost click, not a lost call)
    page.click("#add")
    page.wait_for_function("document.querySelectorAll('#items li').length === 4", timeout=30)
    page.click("#add")
    page.wait_for_function("document.querySelectorAll('#items li').length === 5", timeout=30)
    assert page.texts("#items li")[3:] == ["damson", "elderberry"]
    page.wait_for_function("document.querySelector('#add').textContent.includes('5 now')",
                           timeout=30)
    assert "ready" in page.inner_text("#status")
    assert not page.errors(), page.errors()
    page.close()


def test_examples_index_links_every_example(browser, examples_server):
    page = browser.new_page()
    page.goto(f"{examples_server}/")
    for href in ("/list/", "/taskboard/", "/roundtrips/", "/console/", "/terminal-quiz/",
                 "/editor/"):
        assert page.count(f"a[href='{href}']") == 1, href
    page.close()


def wait_for_task_added(page) -> None:
    """Wait for the board's Add handler to end: it appends the task, then empties the input
    (examples/taskboard/board.py's on_add), so the empty input is its last write; waiting for
    the task alone can see the old text still in the input under load. (A reload by the
    form would empty it too: the caller checks the page is the same document.)"""
    page.wait_for_function("document.querySelector('#task-text').value === ''", timeout=30)


@pytest.mark.parametrize("kind", ["pyodide", "micropython"])
def test_taskboard_adds_and_deletes_by_real_clicks(browser, examples_server, kind):
    page = browser.new_page()
    page.goto(f"{examples_server}/taskboard/?type={kind}")
    # the tasks and buttons appear before the worker adds its listeners: wait for its end
    page.wait_for_function(
        "document.querySelector('#status').textContent.includes('created and deleted by Python')",
        timeout=BOOT_S)
    assert page.attribute(f"#use-{kind}", "aria-current") == "true"
    assert page.texts("li.task .task-title") == [
        "Read the FFI guide", "Move the work to a worker"]
    page.evaluate("window.sameDocument = true")  # a form submission would reload the page
    page.fill("#task-text", "Write the tests")
    page.click("#add-task")
    wait_for_task_added(page)
    assert page.evaluate("window.sameDocument === true"), "the form submission reloaded the page"
    assert page.count("li.task") == 3
    page.click("li.task:first-child button.delete")
    page.wait_for_function("document.querySelectorAll('li.task').length === 2", timeout=30)
    assert page.texts("li.task .task-title") == [
        "Move the work to a worker", "Write the tests"]
    # the Delete handler's error (if any) reaches the page after its DOM calls; the worker runs
    # one event at a time, so once the next task is in, the Delete handler has ended
    page.fill("#task-text", "Ship it")
    page.click("#add-task")
    wait_for_task_added(page)
    assert page.count("li.task") == 3
    assert not page.errors(), page.errors()
    page.close()


@pytest.mark.parametrize("kind", ["pyodide", "micropython"])
def test_taskboard_enter_key_submits_the_form_in_chromium(browsers, examples_server, kind):
    """A real Enter key press (Chromium's input events, through Playwright) submits the form;
    the worker's listener declared invoke=preventDefault, so the page stays."""
    page = browsers("chromium").new_page()
    page.goto(f"{examples_server}/taskboard/?type={kind}")
    page.wait_for_function(
        "document.querySelector('#status').textContent.includes('created and deleted by Python')",
        timeout=BOOT_S)
    page.evaluate("window.sameDocument = true")  # a form submission would reload the page
    page.fill("#task-text", "Press Enter")
    page.playwright_page.press("#task-text", "Enter")  # type: ignore[attr-defined]
    wait_for_task_added(page)
    assert page.evaluate("window.sameDocument === true"), "the form submission reloaded the page"
    assert page.count("li.task") == 3
    assert page.texts("li.task .task-title")[-1] == "Press Enter"
    page.close()


def test_roundtrips_example_counts(browser, examples_server):
    page = browser.new_page()
    page.goto(f"{examples_server}/roundtrips/")
    page.wait_for_function("document.querySelectorAll('#counts tbody tr').length === 3",
                           timeout=BOOT_S)
    rows = [r.split("\t") for r in page.inner_text("#counts tbody").splitlines()]
    counts = {how: (int(values), int(calls)) for how, values, calls in rows}
    assert counts["one gather()"] == (6, 1)
    assert counts["query() per value"] == (6, 6)
    assert counts["attribute by attribute"][1] > 6
    page.close()


@pytest.mark.parametrize("kind", ["pyodide", "micropython"])
def test_console_example_plays_through_input_and_print(browser, examples_server, kind):
    """The worker's input() waits for the page's form, its print lines fill the screen: play a
    game to the end by halving the range, then quit the next one (input() raises EOFError)."""
    page = browser.new_page()
    page.goto(f"{examples_server}/console/?type={kind}")
    lines = "document.querySelectorAll('#screen span')"
    ready = "!document.querySelector('#answer').disabled"

    def enter(text, button="#send"):
        """Answer the prompt; the worker's reply (the line after our echo)."""
        page.wait_for_function(ready, timeout=BOOT_S)
        before = page.evaluate(f"{lines}.length")
        if button == "#send":
            page.fill("#answer", text)
        page.click(button)
        page.wait_for_function(f"{lines}.length >= {before + 2}", timeout=30)
        return page.evaluate(f"{lines}[{before + 1}].textContent.trim()")

    assert "is not a whole number" in enter("seven")
    low, high = 1, 100
    for _ in range(8):
        guess = (low + high) // 2
        reply = enter(str(guess))
        if reply.startswith("Yes"):
            break
        assert reply in (f"{guess} is too low.", f"{guess} is too high."), reply
        low, high = (guess + 1, high) if "low" in reply else (low, guess - 1)
    else:
        raise AssertionError(f"no win in 8 guesses: {page.inner_text('#screen')}")
    assert reply.startswith(f"Yes, {guess}!") and reply.endswith("guesses."), reply
    assert enter("", button="#quit").startswith("Bye. It was "), page.inner_text("#screen")
    page.wait_for_function("document.querySelector('#status').textContent.includes('quit')",
                           timeout=30)
    assert not page.errors(), page.errors()
    page.close()


#: the lines of a terminal tag's xterm buffer (js_glue/tag-terminal.js)
TERMINAL_TEXT = """(selector) => {
  const buffer = document.querySelector(selector).terminal?.buffer.active, lines = [];
  for (let i = 0; i < (buffer?.length ?? 0); i++)
    lines.push(buffer.getLine(i).translateToString(true));
  return lines.join("\\n").trimEnd();
}"""


def test_terminal_quiz_is_played_through_its_terminal(browser, examples_server):
    """Played with the engine's own key events (the driver's `Page.type` and `Page.press`) on
    the clicked terminal, in every engine."""
    page = browser.new_page()
    page.goto(f"{examples_server}/terminal-quiz/")

    def screen() -> str:
        return str(page.evaluate(TERMINAL_TEXT, "#quiz"))

    def wait_for(text: str, timeout: float = 30) -> None:
        page.wait_for_function(f"({TERMINAL_TEXT})('#quiz').includes({text!r})", timeout=timeout)

    def answer(text: str) -> None:
        page.type(text)
        page.press("Enter")

    wait_for("Your name?", timeout=BOOT_S)
    page.click("#quiz + * .xterm")
    answer("Ada")
    for question in range(5):
        page.wait_for_function(f"({TERMINAL_TEXT})('#quiz').split('\\n').filter("
                               f"(l) => / x \\d+ =/.test(l)).length === {question + 1}",
                               timeout=30)
        a, _, b = screen().splitlines()[-1].removesuffix("=").split()[:3]
        answer(str(int(a) * int(b) + (1 if question == 0 else 0)))  # the first one is wrong
    wait_for("Again? (y/n)")
    answer("n")
    wait_for("Bye!")
    lines = screen().splitlines()
    assert "Ada, you scored 4/5" in lines
    assert lines.count("right") == 4
    assert page.count("div.py-error") == 0
    assert not page.errors(), page.errors()
    page.close()


def test_editor_cells_share_an_env_and_a_long_run_is_stopped(browser, examples_server):
    page = browser.new_page()
    page.goto(f"{examples_server}/editor/")
    page.wait_for_function("document.querySelectorAll('.py-editor-box').length === 3", timeout=60)

    def output(cell: str) -> str:
        return str(page.evaluate(f"document.querySelector('#{cell} + py-editor "
                                 ".py-editor-output').innerText"))

    def wait_for(cell: str, text: str, timeout: float = 30) -> None:
        page.wait_for_function(f"document.querySelector('#{cell} + py-editor .py-editor-output')"
                               f".innerText.includes({text!r})", timeout=timeout)

    page.click("#data + py-editor .py-editor-run-button")
    wait_for("data", "days: 5", timeout=BOOT_S)
    page.click("#summary + py-editor .py-editor-run-button")
    wait_for("summary", "mean 15.5, max 17.1")
    page.click("#count + py-editor .py-editor-run-button")
    wait_for("count", "still counting")
    page.click("#count + py-editor .py-editor-run-button")  # now the stop button
    wait_for("count", "KeyboardInterrupt")
    # the summary's output of its first run is still there until its second run starts (after
    # the count's run has answered, which comes after its KeyboardInterrupt lines): wait for the
    # second run's end (the tag's py-editor:done, js_glue/tag-editor.js), not for its text
    page.evaluate("document.querySelector('#summary').addEventListener('py-editor:done',"
                  " () => { window.summaryRerun = true; }, { once: true })")
    page.click("#summary + py-editor .py-editor-run-button")  # the env is still there
    page.wait_for_function("window.summaryRerun === true", timeout=30)
    assert output("summary") == "mean 15.5, max 17.1\n"
    assert page.count("div.py-error") == 0
    assert not page.errors(), page.errors()
    page.close()
