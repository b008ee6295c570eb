"""The examples written as PyScript pages (tags through /_ffi/core.js), driven by real clicks.

The task board and word stats tests run in Chromium only: they use what only Playwright offers
(locators, page listeners), which the engine-neutral driver of pyscript_ffi/tools/browsers does
not; the `chromium` fixture is the session's Chromium. The trip splitter and bookshelf tests use
that driver, in Chromium and Firefox ESR (`engine` below).
"""

from __future__ import annotations

import pytest

from .harness import BOOT_MS, BOOT_S


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
    # the worker adds its two tasks one call at a time: wait for both
    page.wait_for_function("document.querySelectorAll('li.task').length === 2", timeout=BOOT_MS)
    assert page.locator("li.task .task-title").all_inner_texts() == [
        "Read the FFI guide", "Move the work to a worker"]
    page.fill("#task-text", "Write the tests")
    page.click("#add-task")
    page.wait_for_function("document.querySelectorAll('li.task').length === 3", timeout=10_000)
    page.click("li.task:first-child button.delete")
    page.wait_for_function("document.querySelectorAll('li.task').length === 2", timeout=10_000)
    assert page.locator("li.task .task-title").all_inner_texts() == [
        "Move the work to a worker", "Write the tests"]
    # the Delete handler's error (if any) reaches the page after its DOM calls; the worker runs
    # one event at a time, so once the next task is in, the Delete handler has ended
    page.fill("#task-text", "Ship it")
    page.click("#add-task")
    page.wait_for_function("document.querySelectorAll('li.task').length === 3", timeout=10_000)
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


@pytest.fixture(scope="session", params=["chromium", "firefox"])
def engine(request: pytest.FixtureRequest) -> str:
    """The tests below run in Chromium and Firefox ESR, through the engine-neutral driver. In
    WebKitGTK 2.50 both passed in 8 runs but the splitter's failed once more (seen 2026-12-06,
    run after test_pyscript_page's WebKitGTK tests; not reproduced alone, cause not found), so
    WebKitGTK is left out until that is understood."""
    return str(request.param)


def test_examples_index_links_the_pyscript_apps(browser, examples_server):
    page = browser.new_page()
    page.goto(f"{examples_server}/")
    for href in ("/pyscript-splitter/", "/pyscript-bookshelf/"):
        assert page.count(f"a[href='{href}']") == 1, href
    page.close()


def add_expense(page, who: str, what: str, amount: str, total: str) -> None:
    """Add a row; wait for the total, the last thing the worker writes."""
    page.fill("#who", who)
    page.fill("#what", what)
    page.fill("#amount", amount)
    page.click("#add")
    page.wait_for_function(f"document.querySelector('#total').textContent === {total!r}",
                           timeout=10)


def test_splitter_worker_builds_rows_and_balances_by_real_clicks(browser, examples_server):
    page = browser.new_page()
    page.goto(f"{examples_server}/pyscript-splitter/")
    # the worker enables Add once its `when` handlers are wired
    page.wait_for_function("!document.querySelector('#add').disabled", timeout=BOOT_S)
    add_expense(page, "Ana", "Tent", "60", "60.00 spent by 1 person.")
    add_expense(page, "Ben", "Food", "30", "90.00 spent by 2 people.")
    assert page.texts("#balances li") == ["Ana gets back 15.00", "Ben owes 15.00"]
    add_expense(page, "Cy", "Fuel", "30,00", "120.00 spent by 3 people.")
    assert page.texts("#expenses tr td") == [
        "Ana", "Tent", "60.00", "Ben", "Food", "30.00", "Cy", "Fuel", "30.00"]
    assert page.texts("#balances li") == [
        "Ana gets back 20.00", "Ben owes 10.00", "Cy owes 10.00"]
    assert page.count("#balances li.gets") == 1 and page.count("#balances li.owes") == 2
    # a bad amount: a message, no row
    page.fill("#who", "Dee")
    page.fill("#amount", "lots")
    page.click("#add")
    page.wait_for_function("document.querySelector('#message').textContent !== ''", timeout=10)
    assert "positive amount" in page.inner_text("#message")
    assert page.count("tr.expense") == 3
    page.click("#clear")
    # the total is the handler's last write: once it shows, the rows are gone too
    page.wait_for_function(
        "document.querySelector('#total').textContent === 'Nothing spent yet.'", timeout=10)
    assert page.count("tr.expense") == 0 and page.count("#balances li") == 0
    assert page.count("div.py-error") == 0
    assert not page.errors(), page.errors()
    page.close()


def stored_list(page) -> object:
    """The bookshelf's reading list as its IndexedDB store holds it, once the page's queued
    writes to it are in."""
    return page.evaluate("""async () => {
        const [keys, texts] = await pyscriptFfiStorage.entries("bookshelf");
        const at = keys.indexOf("wanted");
        return at < 0 ? null : JSON.parse(texts[at])[1]; }""")


def test_bookshelf_fetches_displays_and_keeps_the_list_in_storage(browser, examples_server):
    page = browser.new_page()
    page.goto(f"{examples_server}/pyscript-bookshelf/")
    page.wait_for_function("document.querySelectorAll('#catalogue button.want').length === 4",
                           timeout=BOOT_S)
    # the catalogue came from books.json through fetch, shown by display(HTML(...))
    assert page.texts("#catalogue tbody tr td:first-child") == [
        "Structure and Interpretation of Computer Programs", "The Art of Computer Programming",
        "The C Programming Language", "Fluent Python"]
    page.wait_for_function("document.querySelector('#reading').textContent.includes('Nothing')",
                           timeout=10)
    page.click("#catalogue tbody tr:nth-child(4) button.want")
    page.wait_for_function("document.querySelectorAll('li.reading').length === 1", timeout=10)
    page.click("#catalogue tbody tr:nth-child(2) button.want")
    page.click("#catalogue tbody tr:nth-child(4) button.want")  # already there: kept once
    page.wait_for_function("document.querySelectorAll('li.reading').length === 2", timeout=10)
    # the second click's handler shows the list without waiting (the book was there); the
    # first's write may still be on its way to IndexedDB then (shelf.py: `await shelf.sync()`),
    # and a reload before it is stored would lose it. The page's store reads once its queued
    # writes are in, in a transaction IndexedDB runs after theirs (js_glue/pyscript-storage.js)
    assert stored_list(page) == ["fluent", "taocp"]
    # the list is in IndexedDB: a reload shows it again
    page.reload()
    page.wait_for_function("document.querySelectorAll('li.reading').length === 2", timeout=BOOT_S)
    assert page.texts("li.reading") == ["Fluent Python (2015)",
                                        "The Art of Computer Programming (1968)"]
    page.click("#clear")
    page.wait_for_function("document.querySelector('#reading').textContent.includes('Nothing')",
                           timeout=10)
    assert page.count("div.py-error") == 0
    assert not page.errors(), page.errors()
    page.close()
