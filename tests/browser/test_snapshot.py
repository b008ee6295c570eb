"""Pyodide's memory snapshot (js_glue/snapshot.js), in each browser engine: the first Pyodide
worker on an origin boots the long way and keeps a snapshot in Cache Storage, later ones start
from it; a restored worker has what a long boot gives (its own random state, sys.path, msgpack's
C extension, the page's DOM); a refused snapshot is replaced; `snapshot: false` keeps none."""

from __future__ import annotations

import pytest

SRC = "/scenarios/snapshot.py"

#: boot one Pyodide worker with `options`, read its facts, stop it
BOOT = """async ([src, options]) => {
    const { PyWorker } = await import('/_ffi/main.js');
    const w = PyWorker(src, options);
    try {
        await w.ready;
        return { ...(await w.sync.facts()), use: w.statistics().snapshot };
    } finally { w.terminate(); }
}"""

#: the origin's kept snapshots: their keys (after the last keep has landed), waiting up to 30 s
#: for one: WebKitGTK on a loaded 2-core machine took over 5 s to write its 31 MB (CI, 2026-12-06)
KEPT = """async () => {
    for (let i = 0; i < 600; i++) {
        const keys = await (await caches.open('pyscript-ffi')).keys();
        if (keys.length) return keys.map((r) => r.url);
        await new Promise((r) => setTimeout(r, 50));
    }
    return [];
}"""


#: waits until the origin keeps a whole snapshot (over 1 MB: not a test's 4 KiB of junk), written
#: by its page once idle after the boot that made it; true if it does within 30 s (as KEPT)
WHOLE = """async () => {
    for (let i = 0; i < 600; i++) {
        const cache = await caches.open('pyscript-ffi');
        for (const key of await cache.keys()) {
            const r = await cache.match(key);
            if (r && (await r.arrayBuffer()).byteLength > (1 << 20)) return true;
        }
        await new Promise((r) => setTimeout(r, 50));
    }
    return false;
}"""


@pytest.fixture
def page(browser, tests_server):
    page = browser.new_page()
    page.goto(f"{tests_server}/browser/pages/blank.html")
    page.evaluate("document.title = 'snapshot test'")
    page.evaluate("async () => { await caches.delete('pyscript-ffi'); }")  # earlier tests' snapshot
    yield page
    page.close()


def _boot(page, **options):
    return page.evaluate(BOOT, [SRC, options])


def _is_long_boot_like(facts):
    assert facts["empty_on_path"] == 1, facts["path"]
    assert facts["msgpack"] is True
    assert facts["compiled"] == "msgpack._cmsgpack", facts["compiled"]  # the C extension
    assert facts["title"] == "snapshot test"
    assert facts["same_js"] is True


def test_first_boot_keeps_a_snapshot_and_later_boots_start_from_it(page):
    made = _boot(page)
    assert made["use"] == "made"
    kept = page.evaluate(KEPT)
    assert len(kept) == 1 and "pyscript-ffi-snapshot-" in kept[0], kept
    first, second = _boot(page), _boot(page)
    assert first["use"] == second["use"] == "restored"
    for facts in (made, first, second):
        _is_long_boot_like(facts)
    # the snapshot holds the random state of the boot that made it: each restore reseeds
    assert len({made["random"], first["random"], second["random"]}) == 3


def test_a_refused_snapshot_is_replaced(page):
    """Bytes Pyodide refuses under the key (another build's, damaged): the long way (and a
    warning in the worker's console), and a good snapshot in their place."""
    _boot(page)
    key = page.evaluate(KEPT)[0]
    page.evaluate("""async (key) => {
        const cache = await caches.open('pyscript-ffi');
        await cache.put(key, new Response(new Uint8Array(4096).fill(7)));
    }""", key)
    replaced = _boot(page)
    assert replaced["use"] == "made"
    _is_long_boot_like(replaced)
    assert page.evaluate(WHOLE)  # kept once the page is idle (Firefox: after the next boot began)
    assert _boot(page)["use"] == "restored"


def test_snapshot_false_neither_reads_nor_keeps_one(page):
    off = _boot(page, snapshot=False)
    assert off["use"] == "off"
    _is_long_boot_like(off)
    count = "async () => (await (await caches.open('pyscript-ffi')).keys()).length"
    assert page.evaluate(count) == 0


def test_a_truncated_snapshot_is_replaced(page):
    """A snapshot cut short in Cache Storage (a write that was cut off): the long way, once, and
    a whole snapshot in its place."""
    _boot(page)
    key = page.evaluate(KEPT)[0]
    size = page.evaluate("""async (key) => {
        const cache = await caches.open('pyscript-ffi');
        const bytes = new Uint8Array(await (await cache.match(key)).arrayBuffer());
        await cache.put(key, new Response(bytes.slice(0, bytes.length >> 1)));
        return bytes.length;
    }""", key)
    replaced = _boot(page)
    assert replaced["use"] == "made"
    _is_long_boot_like(replaced)
    kept = page.evaluate("""async ([key, cut]) => {
        for (let i = 0; i < 100; i++) {
            const r = await (await caches.open('pyscript-ffi')).match(key);
            const n = r ? (await r.arrayBuffer()).byteLength : 0;
            if (n > 0 && n !== cut) return n;
            await new Promise((r) => setTimeout(r, 50));
        }
        return 0;
    }""", [key, size >> 1])
    assert kept == size
    assert _boot(page)["use"] == "restored"


def test_two_pages_making_the_snapshot_at_once(page, browser, tests_server):
    """Two pages of the origin boot their first Pyodide worker at the same time: both boot the
    long way and work, one snapshot is kept, and the next boot restores it."""
    other = browser.new_page()
    other.goto(f"{tests_server}/browser/pages/blank.html")
    other.evaluate("document.title = 'snapshot test'")
    try:
        start = f"([src]) => {{ window.booting = ({BOOT})([src, {{}}]); }}"
        page.evaluate(start, [SRC])
        other.evaluate(start, [SRC])
        results = [p.evaluate("window.booting") for p in (page, other)]
    finally:
        other.close()
    for facts in results:
        assert facts["use"] in ("made", "restored"), facts
        _is_long_boot_like(facts)
    assert len(page.evaluate(KEPT)) == 1
    assert _boot(page)["use"] == "restored"


@pytest.mark.parametrize("when", ["booting", "ready"])
def test_a_worker_killed_while_it_makes_or_hands_over_its_snapshot(page, when):
    """The first worker is terminated during its long boot (its `ready` then fails, saying so,
    instead of never settling), or the moment it is ready (its snapshot on its way to the page):
    the next boot works, and whatever snapshot is kept restores."""
    outcome = page.evaluate("""async ([src, when]) => {
        const { PyWorker } = await import('/_ffi/main.js');
        const w = PyWorker(src, {});
        if (when === 'ready') await w.ready;
        else await new Promise((r) => setTimeout(r, 1500));
        w.terminate();
        const settled = w.ready.then(() => 'ready', (e) => e.message);
        const never = new Promise((r) => setTimeout(() => r('never'), 30000));
        return await Promise.race([settled, never]);
    }""", [SRC, when])
    if when == "ready":
        assert outcome == "ready"
    else:
        assert "was terminated before it was ready" in outcome, outcome
    after = _boot(page)
    assert after["use"] in ("made", "restored"), after
    _is_long_boot_like(after)
    assert page.evaluate(WHOLE)
    assert _boot(page)["use"] == "restored"


def test_the_snapshot_is_kept_after_ready_and_a_later_boot_restores_it(page):
    """A first boot's snapshot is not written during the boot: Cache Storage is still empty as
    `ready` settles (writing 31 MB slowed a new visitor's boot), and holds it soon after."""
    at_ready = page.evaluate("""async (src) => {
        const { PyWorker } = await import('/_ffi/main.js');
        const w = PyWorker(src, {});
        await w.ready;
        const keys = (await (await caches.open('pyscript-ffi')).keys()).length;
        window.kept = w;  // stays running: its page keeps the snapshot when idle
        return { keys, use: w.statistics().snapshot };
    }""", SRC)
    assert at_ready == {"keys": 0, "use": "made"}
    assert len(page.evaluate(KEPT)) == 1
    page.evaluate("window.kept.terminate()")
    restored = _boot(page)
    assert restored["use"] == "restored"
    _is_long_boot_like(restored)


def test_a_page_closed_before_its_snapshot_is_kept_loses_nothing(page, browser, tests_server):
    """The first page closes the moment its worker is ready (its snapshot not kept yet, or being
    written): the origin's next page boots and works, whatever is kept restores, and a snapshot
    is kept by then."""
    first = browser.new_page()
    first.goto(f"{tests_server}/browser/pages/blank.html")
    try:
        use = first.evaluate("""async (src) => {
            const { PyWorker } = await import('/_ffi/main.js');
            const w = PyWorker(src, {});
            await w.ready;
            return w.statistics().snapshot;
        }""", SRC)
    finally:
        first.close()
    assert use == "made"
    after = _boot(page)
    assert after["use"] in ("made", "restored"), after
    _is_long_boot_like(after)
    # in WebKitGTK the later page's first put() into the cache can keep nothing, at random
    # (docs/browsers.md): kept all the same, in the cache made anew (js_glue/snapshot.js)
    assert len(page.evaluate(KEPT)) == 1
    again = _boot(page)
    assert again["use"] == "restored"
    _is_long_boot_like(again)
