"""The examples written as PyScript pages (tags through /_ffi/core.js), driven by real clicks.

Chromium only for now: these tests use what only Playwright offers (locators, page listeners), which
the engine-neutral driver of pyscript_ffi/tools/browsers does not; the `chromium` fixture is the
session's Chromium.
"""

from __future__ import annotations

from .harness import BOOT_MS


def test_examples_index_links_the_pyscript_examples(chromium, examples_server):
    page = chromium.new_page()
    page.goto(f"{examples_server}/")
    for href in ("/pyscript-taskboard/", "/wordstats/"):
        assert page.locator(f"a[href='{href}']").count() == 1, href
    page.close()


def test_pyscript_taskboard_adds_and_deletes_by_real_clicks(chromium, examples_server):
    page = chromium.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{examples_server}/pyscript-taskboard/")
    page.wait_for_selector("li.task", timeout=BOOT_MS)
    assert page.locator("li.task .task-title").all_inner_texts() == [
        "Read the FFI guide", "Move the work to a worker"]
    page.fill("#task-text", "Write the tests")
    page.click("#add-task")
    page.wait_for_function("document.querySelectorAll('li.task').length === 3", timeout=10_000)
    page.click("li.task:first-child button.delete")
    page.wait_for_function("document.querySelectorAll('li.task').length === 2", timeout=10_000)
    assert page.locator("li.task .task-title").all_inner_texts() == [
        "Move the work to a worker", "Write the tests"]
    assert page.locator("div.py-error").count() == 0
    assert not errors, errors
    page.close()


def test_wordstats_main_thread_and_worker_talk_through_workers_and_sync(chromium, examples_server):
    page = chromium.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{examples_server}/wordstats/")
    # the main-thread script enables the button once `await workers["stats"]` resolved
    page.wait_for_function("!document.querySelector('#analyse').disabled", timeout=2 * BOOT_MS)
    assert page.inner_text("#status") == "ready"
    page.fill("#text", "b a b c b a " * 30)
    page.click("#analyse")
    page.wait_for_function("document.querySelector('#top') !== null", timeout=30_000)
    page.wait_for_function("document.querySelector('#status').textContent.includes('words')",
                           timeout=30_000)
    assert page.inner_text("#status") == "180 words; the five most frequent:"
    rows = [row.split("\t") for row in page.inner_text("#top").splitlines()[1:]]
    assert rows == [["b", "90"], ["a", "60"], ["c", "30"]]
    # the worker's sync.progress calls reached the page's MicroPython function on the way
    page.fill("#text", "")
    page.click("#analyse")
    page.wait_for_function("document.querySelector('#status').textContent.includes('first')",
                           timeout=10_000)
    assert page.locator("div.py-error").count() == 0
    assert not errors, errors
    page.close()
