"""The examples, served as `./dev serve` serves them, driven by real clicks."""

from __future__ import annotations

BOOT_MS = 90_000


def test_list_example_builds_dom_and_handles_clicks(browser, examples_server):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{examples_server}/list/")
    page.wait_for_selector("#add", timeout=BOOT_MS)
    assert page.locator("#items li").all_inner_texts() == ["apple", "banana", "cherry"]
    page.click("#add")
    page.click("#add")
    page.wait_for_function("document.querySelectorAll('#items li').length === 5", timeout=10_000)
    assert page.locator("#items li").all_inner_texts()[3:] == ["damson", "elderberry"]
    page.wait_for_function("document.querySelector('#add').textContent.includes('5 now')",
                           timeout=10_000)
    assert "ready" in page.inner_text("#status")
    assert not errors, errors
    page.close()


def test_examples_index_links_every_example(browser, examples_server):
    page = browser.new_page()
    page.goto(f"{examples_server}/")
    assert page.locator("a[href='/list/']").count() == 1
    page.close()
