"""PyScript's Python API on /_ffi/core.js, in real Chromium, one module per test: the pages of
tests/browser/pages/pyscript_api/ run a check module per PyScript module (events_checks.py,
fetch_checks.py, ...) on the page's thread and in a worker, on Pyodide (py.html) and MicroPython
(mpy.html); each writes its facts as JSON into #<module>-<where>, compared here with PyScript
0.7.31's behaviour. Chromium and Firefox ESR (see `engine` below for WebKitGTK)."""

from __future__ import annotations

import json

import pytest

from .harness import BOOT_S

TYPES = ["py", "mpy"]
WHERE = ["main", "worker"]
MODULES = ["events", "fetch", "web", "storage", "modules", "media", "websocket", "fs", "ffi"]

#: what events_checks.run finds, wherever it runs (PyScript 0.7.31's behaviour)
FACTS = {
    "listeners_once": 2,
    "order": [["first", 1], ["second", 1]],
    "after_remove": [["second", 2]],
    "after_remove_all": 0,
    "not_callable": True,
    "sync_error": "bad listener",
    "stopped_after_error": True,
    "stacked": ["one", "two"],
    "no_argument_handler": ["called"],
    "wrapper_callable": True,
    "async_listeners": ["async", "decorated async"],
    "as_bytearray": ["bytearray", [0, 1, 254, 255]],
    "as_bytearray_empty": 0,
    "is_awaitable": [True, True, True, False, False, False],
    "not_supported": ["thing is not here", "thing is not here", True],
    # ffi.assign on an object of the thread's own `js` (PyScript's worker allows it)
    "assign_local": [True, 1, 2],
}


@pytest.fixture(scope="session", params=["chromium", "firefox"])
def engine(request: pytest.FixtureRequest) -> str:
    """Chromium and Firefox ESR only, for now: in WebKitGTK 2.50 these checks do not pass yet
    (seen 2026-12-06: the Pyodide page's checks did not all finish within 2 * BOOT_S; on the
    MicroPython page the provoked fetch of a closed port is not a network failure and reports
    "Load failed" as a page error, getUserMedia answers OverconstrainedError, and a refused
    WebSocket fires "error" without "close"). Making them pass there is open work."""
    return str(request.param)


@pytest.fixture(scope="module", params=TYPES)
def api_page(request, browser, tests_server):
    page = browser.new_page()
    page.kind = request.param
    page.engine = browser.name
    page.goto(f"{tests_server}/browser/pages/pyscript_api/{request.param}.html")
    for module in MODULES:
        for where in WHERE:
            page.wait_for_function(f"document.getElementById('{module}-{where}').textContent",
                                   timeout=2 * BOOT_S)
    yield page
    page.close()


#: what the checks provoke on purpose, which some engines also report as page errors: the
#: WebSocket to a closed port (websocket_checks), the camera a headless browser refuses
#: (media_checks). Not the fetch of a refused port (fetch_checks): a worker's await of the page's
#: promise must keep its rejection from being reported as unhandled (js_glue/outcomes.js)
PROVOKED = ("127.0.0.1:9", "Requested device not found")


def unexpected_errors(page) -> list[str]:
    return [e for e in page.errors() if not any(p in e for p in PROVOKED)]


def facts_of(page, module: str, where: str) -> dict:
    facts = json.loads(page.inner_text(f"#{module}-{where}"))
    assert "error" not in facts, facts["error"]
    return facts


@pytest.mark.parametrize("where", WHERE)
def test_events_and_util(api_page, where):
    facts = facts_of(api_page, "events", where)
    assert facts.pop("in_worker") is (where == "worker")
    prefix = f"{where}-"
    # every button of the class, the element list's `once` handler only once
    assert facts.pop("clicks") == sorted([prefix + "a", prefix + "b", prefix + "c",
                                          prefix + "c", "once " + prefix + "c"])
    assert facts.pop("no_argument") == [1]  # a handler that takes no event gets none
    assert f"#{prefix}none" in facts.pop("no_match")  # the error names the selector
    assert facts.pop("no_selector") is True
    # in a worker, `when` on a selector matching three buttons: one round trip
    assert facts.pop("when_round_trips") == (1 if where == "worker" else None)
    assert facts == FACTS
    assert not unexpected_errors(api_page), unexpected_errors(api_page)


SAMPLE = '{"name": "pyscript-ffi", "rows": [1, 2, 3]}'  # pages/pyscript_api/data/sample.json


@pytest.mark.parametrize("where", WHERE)
def test_fetch(api_page, where):
    assert facts_of(api_page, "fetch", where) == {
        "ok": True, "status": 200,
        "json": {"name": "pyscript-ffi", "rows": [1, 2, 3]},
        "chained_json": {"name": "pyscript-ffi", "rows": [1, 2, 3]},
        "text": SAMPLE,
        "bytearray": ["bytearray", SAMPLE[:9]],
        "arrayBuffer": ["memoryview", SAMPLE[-3:]],
        "blob_size": len(SAMPLE),
        "head": [200, ""],
        "missing": [False, 404],  # an HTTP error is a response, not an exception
        "network_failure": True,  # the browser's TypeError, raised
    }


#: what web_checks.facts_of_web finds, wherever it runs (PyScript 0.7.31's behaviour)
WEB = {
    "box_html": '<p class="line one">first</p><b>bold</b><span>third</span>',
    "box_class": "card wide",
    "box_color": "red",
    "box_title": "a box",
    "found": [1, "p", "first"],
    "line_classes": ["line", "one"],
    "children": ["p", "b", "span"],  # each child wrapped in its tag's class
    "by_id": True,
    "missing_id": None,
    "index": ["first", ["bold", "third"]],
    "parent": True,
    "reserved_names": ["INPUT", "DEL", "x"],  # input_, del_, for_ -> htmlFor
    "classes_after": [["card", "extra", "more"], "card extra more"],
    "style_after": "",
    "appended": "text5<em>em</em><i>i</i>",
    "append_bad": True,
    "update_all": ["t", "t", 2],
    "collection_slice": "ElementCollection",
    "on_click": ["click", "second"],  # on_click= and on_click.add_listener, one Event
    "no_such_event": True,
    "options": [["0", "1", "2"], "2"],
    "options_removed": 2,
    "options_cleared": 0,
    "clone": ["cloned-{where}", "first"],
}


@pytest.mark.parametrize("where", WHERE)
def test_web(api_page, where):
    facts = facts_of(api_page, "web", where)
    made = facts.pop("made")
    assert made == ["DIV", "x y", f"{where}-made", "made", True, "color: blue;",
                    "<b>one</b>two"]
    # in a worker: making an element, or a box of three (two made as its arguments), takes no
    # round trip (each is a description); appending the box makes all three in one; a find one
    trips = {"made_round_trips": 0, "box_round_trips": 0, "append_round_trips": 1,
             "find_round_trips": 1}
    for name, count in trips.items():
        assert facts.pop(name) == (count if where == "worker" else None), name
    described = facts.pop("descriptions")
    for name, count in DESCRIBED_TRIPS.items():
        assert described.pop(name) == (count if where == "worker" else None), name
    assert described == DESCRIBED
    expected = dict(WEB, clone=[f"cloned-{where}", "first"])
    assert facts == expected


#: what web_checks.facts_of_descriptions finds, wherever it runs
DESCRIBED = {
    "table_rows": [20, "row 19"],
    "held_first": ["late", True, "b", "color: red;"],
    "twice": "<i>i</i><span>s</span>",
    "appended_to_described": ["<li>one</li><li>two</li>3<li>4</li>"],
    "updated": ["row on all", ["all", "on", "row"], "t", "row all"],
    "texts": ["row 0", "row 1", "row 2", "row 3"],
}
#: their round trips in a worker: a table of 20 rows described, then changed, in none; made and
#: appended in one; a held cell read: its row made (one) and the read (one); appending to a
#: description none, and reading it two (made, read); a find one; the
#: first read of an element's classes one, a change of them one; a find over a collection and
#: an update_all of 20 rows one each; reading four rows' text four
DESCRIBED_TRIPS = {"table_round_trips": 0, "described_changes_round_trips": 0,
                   "append_tree_round_trips": 1, "held_round_trips": 2, "find_rows_round_trips": 1,
                   "append_to_described_round_trips": 0, "described_read_round_trips": 2,
                   "classes_read_round_trips": 1, "classes_add_round_trips": 1,
                   "collection_find_round_trips": 1, "update_all_round_trips": 1,
                   "texts_round_trips": 4}


@pytest.mark.parametrize("where", WHERE)
def test_storage(api_page, where):
    assert facts_of(api_page, "storage", where) == {
        "reopened": ["bytes", "dict", "false", "float", "int", "list", "none", "str", "tuple",
                     "view"],  # "gone" was deleted before the sync
        "same_values": True,  # each of storage_checks.VALUES with its type (tuple stays tuple)
        "bytes": ["bytearray", [0, 255]],
        "view": ["memoryview", "ab"],
        "custom_class": "Counting",  # storage(name, storage_class=...)
        "bad_value": True,
        "bad_value_not_kept": True,
        "empty_name": True,
        "cleared": 0,  # clear() wrote through
    }


@pytest.mark.parametrize("where", WHERE)
def test_js_modules(api_page, where):
    facts = facts_of(api_page, "modules", where)
    assert facts.pop("in_worker") is (where == "worker")
    assert facts == {
        "page_module": ["page module", 5],  # a worker calls the page's copy
        # a "worker" module loads in the worker's own scope, and only there
        "worker_module": "worker module in a worker" if where == "worker" else "ImportError",
        "not_listed": True,  # ImportError naming the module
    }


@pytest.mark.parametrize("where", WHERE)
def test_media(api_page, where):
    facts = facts_of(api_page, "media", where)
    # headless Chromium refuses a camera without asking (no hang); a stream is fine too
    assert facts.pop("stream") in ("refused", "stream")
    assert facts == {"is_list": True, "kinds_valid": True, "dict_access": True}


@pytest.mark.parametrize("where", WHERE)
def test_websocket(api_page, where):
    assert facts_of(api_page, "websocket", where) == {
        "binary_type": "arraybuffer",
        "connecting": True,
        # nothing listens on port 9: onerror (plain) then onclose (async), each given an event
        "events": [["error", "error"], ["close", "close", 1006]],
        "closed": True,
        "bad_handler": "WebSocket() got unknown handlers ['onmesage']: use onclose, onerror, "
                       "onmessage, onopen",
    }


@pytest.mark.parametrize("where", WHERE)
def test_fs(api_page, where):
    facts = facts_of(api_page, "fs", where)
    mount = facts.pop("mount")
    if where == "worker":  # refused, naming the reason
        assert mount == ["RuntimeError", True, False]
    elif api_page.kind == "mpy":
        assert mount == ["RuntimeError", False, True]
    elif api_page.engine == "chromium":  # Pyodide on the page's thread, with the File System
        assert mount == "possible"        # Access API there
    else:  # Firefox and WebKit have no showDirectoryPicker: refused, naming the browser
        assert mount == ["RuntimeError", False, False]
    assert facts == {"mounted": ["dict", 0], "sync_unmounted": "KeyError",
                     "unmount_unmounted": "KeyError", "revoke_unmounted": False}


@pytest.mark.parametrize("kind", TYPES)
def test_top_level_await_in_a_worker_tag(browser, tests_server, kind):
    """As PyScript allows: a worker tag's code awaits at its top level (on MicroPython too), the
    page's events reach its handlers meanwhile, and its exports work once it is done."""
    page = browser.new_page()
    try:
        page.goto(f"{tests_server}/browser/pages/pyscript_api/tla.html")
        page.wait_for_function(f"document.getElementById('tla-{kind}').textContent",
                               timeout=2 * BOOT_S)
        assert page.inner_text(f"#tla-{kind}") == "waiting"
        page.click(f"#go-{kind}")
        page.wait_for_function(f"document.getElementById('tla-{kind}').textContent"
                               " === 'clicked'", timeout=10)
        assert page.evaluate(f"document.querySelector('script[name=tla-{kind}]').xworker.sync"
                             ".value()") == 42
        assert not page.errors(), page.errors()
    finally:
        page.close()


@pytest.mark.parametrize("where", WHERE)
def test_ffi(api_page, where):
    """PyScript's `pyscript.ffi`: the thread's own JavaScript objects, in a worker too, and
    how they cross to the page from there (a function called back, the same page function each
    time; a plain object or array copied; other kinds refused, naming them)."""
    facts = facts_of(api_page, "ffi", where)
    worker = where == "worker"
    assert facts.pop("in_worker") is worker
    kind = api_page.kind
    assert facts.pop("current_target") == (f"{kind}-w0-target" if worker else f"{kind}-0")
    stored = {"a": 1 if worker else 5, "b": [1, 2, {"c": "x"}]}
    assert json.loads(facts["sent"][0]) == stored
    facts["sent"][0] = None
    assert facts.pop("map") == (["ConversionError", True, True] if worker else "sent")
    message = facts.pop("set")
    if worker:  # names the type and the ways that work, and no longer contradicts itself
        assert message.startswith("cannot send a set to the page: "), message
        assert "create_proxy" in message and "JsProxy" not in message, message
    else:
        assert message == "sent"
    assert facts == {
        "proxy": [True, 42],
        "to_js": [True, 1, "x"],
        "assign": [True, 1, 2],
        "page_calls": [42, True],
        "nested": [42, True],
        "calls": ["here", "page", "nested"],
        "sent": [None, stored["a"]],
        "sent_array": '[1,null,"x"]',
    }
    assert not unexpected_errors(api_page), unexpected_errors(api_page)


def test_current_target_ids(browser, tests_server):
    """As PyScript 0.7.31 numbers them: tags on the page's thread `py-0`, `mpy-0`, ... per
    type; worker tags without an id `py-wN` / `mpy-wN`, one count for both types, taken once
    the tag's config is read (a fetched config comes later); a worker's target is
    `<id>-target`."""
    page = browser.new_page()
    try:
        page.goto(f"{tests_server}/browser/pages/pyscript_api/targets.html")
        names = ("fetched", "inline", "own", "main", "main-py")
        for name in names:
            page.wait_for_function(f"document.getElementById('{name}').textContent",
                                   timeout=2 * BOOT_S)
        assert [page.inner_text(f"#{name}") for name in names] == [
            "py-w1-target", "mpy-w0-target", "mine-target", "mpy-0", "py-0"]
        assert not page.errors(), page.errors()
    finally:
        page.close()
