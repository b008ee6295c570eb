"""PyScript's editor tags on /_ffi/core.js (js_glue/tag-editor.js, tag-editor-env.js): the page
tests/browser/pages/editor/index.html, written for PyScript 0.7.31, with Pyodide and MicroPython
editors, two envs shared by several editors, a setup tag with the env's config, an error, and
long runs to stop.

Most runs start by the run button (a real click); test_typing_and_shift_enter types code and runs
it with the engine's own key events (the driver's `Page.type` and `Page.press`) in every engine.
"""

from __future__ import annotations

import pytest

from .harness import BOOT_S

PAGE = "/browser/pages/editor/index.html"
#: every editor tag of the page but the setup one
EDITORS = 7


def output(page, tag: str) -> str:
    return page.evaluate(
        "(id) => document.getElementById(id).target.querySelector('[class$=editor-output]')"
        ".innerText", tag)


def run(page, tag: str) -> None:
    """Click the run (or, while it runs, stop) button of editor tag `tag`."""
    target = page.evaluate("(id) => document.getElementById(id).target.id", tag)
    page.click(f"#{target} [class*=editor-run-button]")


def wait_for_output(page, tag: str, expected: str, timeout: float = BOOT_S) -> None:
    page.wait_for_function(
        f"document.getElementById({tag!r}).target.querySelector('[class$=editor-output]')"
        f".innerText.includes({expected!r})", timeout=timeout)


def wait_for_run_end(page, tag: str, timeout: float = 30) -> None:
    """Wait until editor tag `tag`'s run has ended: its button leaves its running state once the
    worker's `run` answered, after the run's last printed line (each line is a call of its own,
    which the page shows first); a click before then is the stop button's, not a new run."""
    page.wait_for_function(
        f"!document.getElementById({tag!r}).target.querySelector('[class*=editor-run-button]')"
        ".classList.contains('running')", timeout=timeout)


@pytest.fixture(scope="module")
def editor_page(browser, tests_server):
    page = browser.new_page()
    page.goto(f"{tests_server}{PAGE}")
    page.wait_for_function(
        f"document.querySelectorAll('.py-editor-box, .mpy-editor-box').length === {EDITORS}",
        timeout=60)
    yield page
    page.close()


def test_editors_of_an_env_share_its_namespace_its_setup_and_its_config(editor_page):
    page = editor_page
    run(page, "first")  # boots the env's worker: the setup tag's code ran there first
    wait_for_output(page, "first", "set up from the config's files")
    run(page, "second")
    wait_for_output(page, "second", "21", timeout=30)
    wait_for_run_end(page, "second")
    page.evaluate("document.getElementById('second').process('x = 100')")
    run(page, "second")
    wait_for_output(page, "second", "101", timeout=30)
    assert output(page, "second") == "101\n"  # the output starts afresh on each run
    assert page.evaluate("document.getElementById('second').code") == "print(x + 1)"
    assert page.evaluate("[...document.querySelectorAll('.py-editor-box')].map(b => b.dataset.env)"
                         ) == ["pyodide-shared", "pyodide-shared", "pyodide", "pyodide"]
    assert page.count("div.py-error") == 0


def test_an_editor_alone_has_its_own_env_and_shows_its_error_in_red(editor_page):
    page = editor_page
    run(page, "alone")
    wait_for_output(page, "alone", "ValueError: shown in red")
    assert output(page, "alone").splitlines() == [
        "False", "Traceback (most recent call last):", '  File "<py-editor>", line 2, in <module>',
        "ValueError: shown in red"]
    assert page.evaluate("getComputedStyle(document.getElementById('alone').target"
                         ".querySelector('.py-editor-output span')).color") == "rgb(255, 0, 0)"


def test_the_stop_button_interrupts_a_pyodide_run_and_the_env_goes_on(editor_page):
    page = editor_page
    run(page, "slow")
    wait_for_output(page, "slow", "looping")
    assert page.count("#slow-place .py-editor-run-button.running") == 1
    run(page, "slow")  # the button stops the run: a KeyboardInterrupt, caught by the code
    wait_for_output(page, "slow", "stopped, n > 0: True", timeout=30)
    wait_for_run_end(page, "slow")
    page.evaluate("document.getElementById('slow').code = 'print(n > 0)'")
    run(page, "slow")
    wait_for_output(page, "slow", "True", timeout=30)
    assert output(page, "slow") == "True\n"  # the same worker: the namespace kept its n


def test_micropython_editors_share_an_env_and_display_into_the_running_editor(editor_page):
    page = editor_page
    run(page, "mpy-first")
    wait_for_output(page, "mpy-first", "mpy 2")
    run(page, "mpy-second")
    wait_for_output(page, "mpy-second", "42", timeout=30)
    assert page.evaluate("document.getElementById('mpy-second').target"
                         ".querySelector('.mpy-editor-output > div').textContent") == "42"


def test_a_busy_micropython_run_is_stopped_by_terminating_its_worker(editor_page):
    """MicroPython takes interrupt() only while it calls the page: a loop that never does is
    stopped by ending its worker after a grace period; the env's next run starts afresh."""
    page = editor_page
    run(page, "mpy-slow")
    wait_for_output(page, "mpy-slow", "looping")
    run(page, "mpy-slow")
    wait_for_output(page, "mpy-slow", "terminated", timeout=30)
    page.evaluate("document.getElementById('mpy-slow').code = 'print(\"z\" in globals())'")
    run(page, "mpy-slow")
    wait_for_output(page, "mpy-slow", "False", timeout=BOOT_S)


def test_typing_and_shift_enter(browser, tests_server):
    """Select all, type two lines (Enter makes the second; CodeMirror indents it), Shift+Enter
    runs them."""
    page = browser.new_page()
    page.goto(f"{tests_server}{PAGE}")
    page.wait_for_function(
        f"document.querySelectorAll('.py-editor-box, .mpy-editor-box').length === {EDITORS}",
        timeout=60)
    # CodeMirror is in a shadow root (which only Playwright's selectors pierce) in the host
    # element after the run button: a click in the middle of the host lands in its content
    page.click("#first + * .py-editor-input > div")
    page.press("Control+a")
    page.type("x = 7")
    page.press("Shift+Enter")
    wait_for_output(page, "first", "", timeout=5)
    page.click("#second + * .py-editor-input > div")
    page.press("Control+a")
    page.type("for i in range(x, 9):")
    page.press("Enter")
    page.type("print(i * 3)")
    assert page.evaluate("document.getElementById('second').code") == \
        "for i in range(x, 9):\n    print(i * 3)"
    page.press("Shift+Enter")
    wait_for_output(page, "second", "24")
    assert output(page, "second") == "21\n24\n"
    page.close()
