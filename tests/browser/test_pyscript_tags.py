"""PyScript pages on /_ffi/core.js, in real Chromium: tests/browser/pages/pyscript/py.html (Pyodide)
and mpy.html (MicroPython) run their tags on the page's thread and in workers; each test checks
one part of PyScript's behaviour there. A page boots once per interpreter (module fixture).

Chromium only for now: these tests use what only Playwright offers (locators, console listeners),
which the engine-neutral driver of pyscript_ffi/tools/browsers does not; the `chromium` fixture is
the session's Chromium.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from .harness import BOOT_MS

PAGES = Path(__file__).parent / "pages" / "pyscript"
TYPES = ["py", "mpy"]
IMPLEMENTATION = {"py": "cpython", "mpy": "micropython"}  # sys.implementation.name
OTHER = {"py": "mpy", "mpy": "py"}
#: what checks.ffi_facts() finds wherever it runs
FACTS = {
    "to_js_attr": "yes",
    "to_js_length": 3,
    "to_js_int": 5,
    "proxy_call": 42,
    "proxy_ran": True,
    "is_none": [True, True, True, False],
    "assign_returns_target": True,
    "assigned": '{"a":1,"b":2}',
    "file": "hello file",
    "helper": 'GREETING = "hello from lib"',
}


def build_archives() -> None:
    """The pure-Python wheel py.html's <py-config> lists in `packages` (by URL), and the zip its
    `files` unpacks into ./bundle/."""
    with zipfile.ZipFile(PAGES / "build" / "bundle.zip", "w") as archive:
        archive.writestr("inside/note.txt", "unpacked")
    wheel = PAGES / "build" / "tinypkg-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("tinypkg/__init__.py", 'NAME = "tinypkg"\n')
        archive.writestr("tinypkg-1.0.dist-info/METADATA",
                         "Metadata-Version: 2.1\nName: tinypkg\nVersion: 1.0\n")
        archive.writestr("tinypkg-1.0.dist-info/WHEEL",
                         "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\n"
                         "Tag: py3-none-any\n")
        archive.writestr("tinypkg-1.0.dist-info/RECORD", "")


@pytest.fixture(scope="module", params=[(kind, served) for served in ("isolated", "plain")
                                         for kind in TYPES], ids="-".join)
def tags_page(request, chromium):
    """Each page type, served cross-origin isolated (its workers on the shared buffer) and
    without the headers (on the service worker: js_glue/relay.js)."""
    kind, served = request.param
    base = request.getfixturevalue("tests_server" if served == "isolated" else "plain_server")
    (PAGES / "build").mkdir(exist_ok=True)
    build_archives()
    page = chromium.new_page()
    page.type = kind
    page.errors, page.warnings = [], []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("console", lambda m: m.type == "warning" and page.warnings.append(m.text))
    page.goto(f"{base}/browser/pages/pyscript/{kind}.html")
    page.wait_for_function("document.body.dataset.workers !== undefined", timeout=2 * BOOT_MS)
    page.evaluate("pyscriptFfiCore.settled()")
    page.baseline = live_handles(page, "pw")
    yield page
    page.close()


def xworker(name: str) -> str:
    return f"document.querySelector('script[name={name}]').xworker"


def live_handles(page, name: str) -> int:
    """The page's handles held by worker `name`, once it collected and returned its drops."""
    return page.evaluate(
        f"async () => {{ await {xworker(name)}.sync.settle(); "
        f"return {xworker(name)}.statistics().liveHandles; }}")


def assert_no_leak(page) -> None:
    """Live handles are back to the baseline (on Pyodide: MicroPython releases only once its
    own and the worker's JS collectors both ran, as tests/browser/harness.py explains)."""
    if page.type == "py":
        assert live_handles(page, "pw") == page.baseline, "main-thread handles leaked"
    assert not page.errors, page.errors


def test_config_tags_are_hidden(tags_page):
    # as PyScript's core.css does: its text would show otherwise
    assert tags_page.evaluate("""() => { const c = document.createElement("py-config");
        document.body.append(c); const shown = getComputedStyle(c).display; c.remove();
        return shown; }""") == "none"


def test_main_thread_tags_run_in_document_order_sharing_globals(tags_page):
    # the second tag is a src file that awaits at its top level; the third still runs after it
    assert tags_page.evaluate("document.body.dataset.order") == "first,second,third"


def test_ffi_on_the_main_thread(tags_page):
    facts = json.loads(tags_page.inner_text("#result-main"))
    title = tags_page.title()
    assert facts.pop("in_worker") is False
    assert facts.pop("js_document_title") == facts.pop("document_title") == title
    assert facts == FACTS  # file and helper: config `files`, with templates and a ./dir/ target


def test_ffi_in_a_worker(tags_page):
    facts = tags_page.evaluate(f"{xworker('pw')}.sync.ffi_facts()")
    assert facts.pop("in_worker") is True
    # as in PyScript, `import js; js.document` in a worker is the page's document
    assert facts.pop("js_document_title") == facts.pop("document_title") == tags_page.title()
    assert facts == FACTS
    assert_no_leak(tags_page)


def test_config_packages(tags_page):
    if tags_page.type == "py":  # a wheel's URL, relative to the page; and a zip's files unpacked
        assert tags_page.evaluate("document.body.dataset.package") == "tinypkg"
        assert tags_page.evaluate("document.body.dataset.bundle") == "unpacked"
    else:  # MicroPython's packages come from mip, over the network: refused, named
        refusal = tags_page.locator("div.py-error", has_text="numpy").inner_text()
        assert "cannot be installed on MicroPython" in refusal


def test_display_on_the_main_thread(tags_page):
    check_display(tags_page, "main", "chosen")  # the tag's target attribute


def test_display_from_a_worker(tags_page):
    target = tags_page.evaluate(f"{xworker('pw')}.sync.display_all('worker')")
    worker_id = tags_page.evaluate("document.querySelector('script[name=pw]').id")
    assert target == f"{worker_id}-target"  # made after the tag, as PyScript does
    check_display(tags_page, "worker", target)
    # the worker's top-level display() went to the same element at boot
    assert tags_page.inner_text(f"#{target} div").split() == ["worker", "ready"]
    assert_no_leak(tags_page)


def check_display(page, where: str, target: str) -> None:
    out = page.locator(f"#out-{where} > div")
    assert out.all_inner_texts() == ["<b>text</b>", "42", "html", "rich", "<Plain & co>"]
    assert page.locator(f"#out-{where} b.html").count() == 1  # HTML(): not escaped
    assert page.locator(f"#out-{where} i.rich").count() == 1  # _repr_html_
    # append=False replaced what was there, and its values are not wrapped in divs
    assert page.inner_text(f"#out-{where}-replace") == "third"
    assert page.locator(f"#{target} > div", has_text=f"default {where}").count() == 1


def test_named_workers_and_create_named_worker(tags_page):
    add, greet, version = tags_page.evaluate("document.body.dataset.workers").split("|")
    assert (add, greet) == ("5", "hi you")
    # create_named_worker(..., type=) started the other interpreter
    assert version == IMPLEMENTATION[OTHER[tags_page.type]]


def test_sync_calls_the_pages_functions(tags_page):
    tags_page.evaluate(f"""() => {{
        {xworker('pw')}.sync.twice = (x) => x * 2;
        {xworker('pw')}.sync.later = (x) => new Promise((ok) => setTimeout(() => ok(x + 1), 50));
        {xworker('pw')}.sync.refuse = () => new Promise(
            (_, no) => setTimeout(() => no(new RangeError("refused by the page")), 50));
    }}""")
    assert tags_page.evaluate(f"{xworker('pw')}.sync.use_sync(21)") == 42
    # a page function returning a Promise: the worker waits for its value
    assert tags_page.evaluate(f"{xworker('pw')}.sync.use_async_sync(41)") == 42
    # its rejection: the core's JsException, with the page's error's name and message
    assert tags_page.evaluate(f"{xworker('pw')}.sync.rejected_sync()") == [
        "RangeError", "refused by the page"]
    missing = tags_page.evaluate(f"{xworker('pw')}.sync.missing_sync()")
    assert "sync.nothing_here" in missing and "xworker.sync.nothing_here" in missing
    assert_no_leak(tags_page)


def test_error_boxes(tags_page):
    boxes = tags_page.locator("div.py-error").all_inner_texts()
    raised = [box for box in boxes if "boom on the main thread" in box]
    assert len(raised) == 1 and "Traceback" in raised[0] and "ValueError" in raised[0]
    refused = [box for box in boxes if "numpy" in box]
    assert len(refused) == 1, boxes
    assert refused[0].startswith(f'<script type="{tags_page.type}" worker> #')  # an inline tag
    if tags_page.type == "py":
        assert "not in the served Pyodide" in refused[0]
    else:
        assert "MicroPython" in refused[0]
    assert len(boxes) == 2, boxes  # nothing else failed
    assert tags_page.locator("div.py-error").first.evaluate(
        "e => getComputedStyle(e).whiteSpace") == "pre"


def test_tags_added_later_run(tags_page):
    kind = tags_page.type
    tags_page.evaluate("""(kind) => {
        const main = document.createElement("script");
        main.type = kind;
        main.textContent = "from pyscript import document\\ndocument.body.dataset.later = 'main'";
        document.body.append(main);
        const worker = document.createElement("script");
        worker.type = kind;
        worker.setAttribute("worker", "");
        worker.setAttribute("name", "later");
        worker.textContent = "def hello():\\n    return 'worker'\\n__export__ = ['hello']";
        document.body.append(worker);
    }""", kind)
    tags_page.wait_for_function("document.body.dataset.later === 'main'", timeout=BOOT_MS)
    assert tags_page.evaluate(
        f"async () => (await {xworker('later')}.ready).hello()", ) == "worker"
    tags_page.evaluate(f"{xworker('later')}.terminate()")


def test_unknown_config_keys_warn(tags_page):
    # <py-config> on py.html, the JSON file mpy.json on mpy.html
    assert any('"not_a_pyscript_key"' in text and "ignored" in text
               for text in tags_page.warnings), tags_page.warnings


@pytest.mark.parametrize("kind", ["pyodide", "micropython"])
def test_pymain_runs_on_either_interpreter(chromium, tests_server, kind):
    """PyMain, which <script type="py|mpy"> without worker builds on: the same main-thread
    scenario as tests/browser/test_api.py, on both interpreters."""
    page = chromium.new_page()
    page.goto(f"{tests_server}/browser/pages/pyscript/pymain.html"
              f"?src=/scenarios/main_thread.py&type={kind}")
    page.wait_for_function("window.harness !== undefined", timeout=BOOT_MS)
    assert page.evaluate("window.harness") == "ready"
    assert page.evaluate("window.mainResult") == "ok"
    page.close()
