"""A Pyodide worker's boot (js_glue/boot.js), in each browser engine: what Pyodide's own start
does not need (msgpack's wheel, our python.zip, the user's file) is fetched while Pyodide starts,
not after, and is installed as before: msgpack's C extension in site-packages, recorded as
loaded; a file that cannot be fetched fails the boot with its URL."""

from __future__ import annotations

import json

import pytest

SRC = "/scenarios/boot_order.py"

#: boot one Pyodide worker with `options`, call its exports `names`, stop it
BOOT = """async ([src, options, names]) => {
    const { PyWorker } = await import('/_ffi/main.js');
    const w = PyWorker(src, options);
    try {
        await w.ready;
        const out = {};
        for (const name of names) out[name] = await w.sync[name]();
        return out;
    } finally { w.terminate(); }
}"""


@pytest.fixture
def page(browser, tests_server):
    page = browser.new_page()
    page.goto(f"{tests_server}/browser/pages/blank.html")
    yield page
    page.close()


@pytest.mark.parametrize("snapshot", [False, True], ids=["long-way", "snapshot-on"])
def test_the_packages_are_fetched_while_pyodide_starts(page, snapshot):
    """Each request for what is installed after Pyodide's start begins before Pyodide has
    started (its `pyscript-ffi:pyodide` mark): before, msgpack's wheel was asked for only then."""
    got = page.evaluate(BOOT, [SRC, {"snapshot": snapshot}, ["timeline"]])["timeline"]
    requests, marks = got["requests"], got["marks"]
    started = marks["pyscript-ffi:pyodide"]
    wheel = [name for name in requests if name.startswith("msgpack-") and name.endswith(".whl")]
    assert len(wheel) == 1, requests
    for name in (wheel[0], "python.zip", "manifest.json", "boot_order.py"):
        assert requests[name] < started, (name, requests[name], started, requests)
    # and Pyodide's start waited for none of them (its own files come first)
    assert requests["pyodide.mjs"] < marks["pyscript-ffi:inputs"] < started


def test_msgpack_is_installed_as_loadpackage_would(page):
    got = page.evaluate(BOOT, [SRC, {"snapshot": False}, ["installed"]])["installed"]
    assert got["round_trip"] is True
    assert got["compiled"] == "msgpack._cmsgpack"  # the C extension, not the pure-Python fallback
    assert "/site-packages/msgpack/" in got["where"], got["where"]
    assert got["recorded"].endswith(".whl") and "/_ffi/wheels/msgpack-" in got["recorded"], got


def test_a_missing_user_file_fails_the_boot_before_pyodide_has_started(page):
    """The user's file is fetched beside Pyodide's start: a 404 still fails `ready` with the
    file's URL, and at once, not once Pyodide has started (PyMain boots on the page's thread,
    where the boot's marks are the page's)."""
    error = page.evaluate("""async () => {
        const { PyMain } = await import('/_ffi/main.js');
        performance.clearMarks();
        try { await PyMain('/scenarios/no_such_file.py', { snapshot: false }).ready; return null; }
        catch (e) {
            const marks = performance.getEntriesByType('mark').map((m) => m.name);
            return { message: String(e.message), marks };
        }
    }""")
    assert error is not None
    assert "could not load" in error["message"] and "no_such_file.py" in error["message"], error
    assert "HTTP 404" in error["message"], error
    assert "pyscript-ffi:pyodide" not in error["marks"], error


def test_without_decompression_streams_the_archives_are_unpacked_by_pyodide(page):
    """A thread with no DecompressionStream (Safari before 16.4) installs the same packages
    through Pyodide's unpackArchive (PyMain: the page's thread, where the test can take it away)."""
    got = page.evaluate("""async () => {
        const { PyMain } = await import('/_ffi/main.js');
        delete globalThis.DecompressionStream;
        const pyodide = await PyMain('/scenarios/boot_order.py', { snapshot: false }).ready;
        return {
            lacking: typeof DecompressionStream,
            installed: pyodide.runPython(
                'import json, msgpack\\n' +
                'json.dumps({"round_trip": msgpack.unpackb(msgpack.packb([1, "t"])) == [1, "t"],' +
                ' "compiled": msgpack.Packer.__module__, "where": msgpack.__file__})'),
        };
    }""")
    assert got["lacking"] == "undefined"
    installed = json.loads(got["installed"])
    assert installed["round_trip"] is True
    assert installed["compiled"] == "msgpack._cmsgpack"
    assert "/site-packages/msgpack/" in installed["where"], installed
