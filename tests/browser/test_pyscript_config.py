"""PyScript config keys on /_ffi/core.js, in real Chromium and Firefox ESR: the older `fetch`
key (a list of {from, files, to_folder, to_file}) lands its files where PyScript puts them, after
`files`' (a path in both ends up with `fetch`'s file); a `config-parser` module parses the TOML
configs instead of smol-toml. The pages tests/browser/pages/pyscript_config/py.html (Pyodide)
and mpy.html (MicroPython), and parser-py.html and parser-mpy.html, each have a tag on the page's
thread and one in a worker; each tag shows what it found."""

from __future__ import annotations

import json

import pytest

from .harness import BOOT_S

TYPES = ["py", "mpy"]
#: what each tag finds: its config's `fetch` paths, relative ones in the working folder
FOUND = {
    "got/a.txt": "a",  # from "data/" + files, into to_folder "got"
    "got/sub/b.txt": "b",  # a file's folders are kept under to_folder
    "c.txt": "c",  # no files, no to_file: the last part of `from`, in the working folder
    "/tmp/h/renamed.txt": "a",  # to_file names it, in an absolute to_folder
    "both.txt": "c",  # `files` wrote data/a.txt here first, then `fetch` data/c.txt
}


@pytest.fixture(scope="session", params=["chromium", "firefox"])
def engine(request: pytest.FixtureRequest) -> str:
    """Chromium and Firefox ESR."""
    return str(request.param)


@pytest.fixture(scope="module", params=TYPES)
def config_page(request, browser, tests_server):
    page = browser.new_page()
    page.goto(f"{tests_server}/browser/pages/pyscript_config/{request.param}.html")
    page.wait_for_function(
        "document.getElementById('main').textContent !== ''"
        " && document.getElementById('worker').textContent !== ''",
        timeout=2 * BOOT_S)
    yield page
    page.close()


@pytest.mark.parametrize("thread", ["main", "worker"])
def test_fetch_key_writes_where_pyscript_does(config_page, thread):
    assert json.loads(config_page.inner_text(f"#{thread}")) == FOUND


@pytest.fixture(scope="module", params=TYPES)
def parser_page(request, browser, tests_server):
    page = browser.new_page()
    page.goto(f"{tests_server}/browser/pages/pyscript_config/parser-{request.param}.html")
    page.wait_for_function(
        "document.getElementById('main').textContent !== ''"
        " && document.getElementById('worker').textContent !== ''",
        timeout=2 * BOOT_S)
    yield page
    page.close()


def test_config_parser_reads_the_toml_configs(parser_page):
    # parser.js reads "source -> destination" lines, which TOML would refuse: the page's
    # <py-config> (its text) and the worker tag's own config file both go through it
    assert parser_page.inner_text("#main") == "a"
    assert parser_page.inner_text("#worker") == "c"
    assert parser_page.evaluate("globalThis.parserCalls") == 2


@pytest.fixture(scope="module", params=TYPES)
def custom_page(request, browser, tests_server):
    page = browser.new_page()
    page.kind = request.param
    page.goto(f"{tests_server}/browser/pages/pyscript_config/custom-{request.param}.html")
    # the worker's display("worker True", current_target()) writes its two values one DOM call
    # after the other (pyscript/display.py): wait for the second, the target's own id, not for
    # "worker", which shows before it
    page.wait_for_function(
        "document.getElementById('html')?.textContent.includes('True')"
        f" && document.getElementById('{request.param}-w0')?.textContent"
        f".includes('{request.param}-w0')",
        timeout=2 * BOOT_S)
    yield page
    page.close()


def test_py_script_elements_run_on_the_pages_thread(custom_page):
    kind = custom_page.kind
    # as PyScript: the element is its own target, named <type>-N when it has no id, shown
    assert custom_page.evaluate(f"document.querySelector('{kind}-script').id") == f"{kind}-0"
    # display() shows in it; current_target() is its id
    assert custom_page.inner_text(f"#{kind}-0") == f"shown\n{kind}-0"
    assert custom_page.evaluate(
        f"getComputedStyle(document.getElementById('{kind}-0')).display") == "block"
    # content with HTML elements: its HTML is the code, unescaped
    assert custom_page.inner_text("#html") == "a<b>bold</b> True"


def test_a_py_script_element_with_worker_runs_in_a_worker(custom_page):
    """As PyScript 0.7.31 (polyscript runs a <py-script worker> in a worker): numbered as a
    worker tag, its own display target, emptied of its code and shown."""
    kind = custom_page.kind
    assert custom_page.inner_text(f"#{kind}-w0") == f"worker True\n{kind}-w0"
    assert custom_page.evaluate(
        f"getComputedStyle(document.getElementById('{kind}-w0')).display") == "block"
    assert not custom_page.errors(), custom_page.errors()
