"""Interrupts and withdrawn calls lose nothing, in a Pyodide worker: a release riding on a call
the page never took goes out with the next one, a reply that lands after its call gave up
returns what it lent, and an interrupt that lands anywhere (a request, a proxy being made, a
collected proxy) is raised in the user's code and leaks no handle. The
CPython host's twin is tests/integration/test_withdrawn.py."""

from __future__ import annotations

import pytest

from .harness import open_harness

#: interrupts sent into a loop that makes and drops proxies (the issue saw 10 of 49 lost)
INTERRUPTS = 40
#: interrupts of a loop in pure Python (with one lost in ~300 before the fix, 1,000 find it
#: 96 times in 100)
SPINS = 1000


SETTLED = "async () => { await w.sync.settle(); return w.statistics().liveHandles; }"


@pytest.fixture(scope="module")
def interrupts_page(browser, tests_server):
    page = open_harness(browser, tests_server, "/scenarios/interrupts.py", timeout_ms=500)
    yield page
    page.close()


def _page(page):
    """The module's page, its live handles (settled) as its baseline."""
    page.baseline = page.evaluate(SETTLED)
    return page


def test_a_release_riding_on_a_withdrawn_call_goes_out_with_the_next(interrupts_page):
    page = _page(interrupts_page)
    result = page.evaluate("w.sync.withdrawn_release()")
    assert "did not take the call within 0.5 s" in result["withdrawn"], result
    assert result["after"] == "after"
    live = page.evaluate(SETTLED)
    assert live == page.baseline, "the release the withdrawn call carried was lost"


def test_a_reply_that_lands_after_its_call_gave_up_returns_its_lends(interrupts_page):
    page = _page(interrupts_page)
    result = page.evaluate("w.sync.late_reply()")
    assert "did not answer within 0.5 s" in result["late"], result
    assert result["after"] == "after"
    assert page.evaluate(SETTLED) == page.baseline, "the late reply's lend was never returned"


def test_every_interrupt_is_raised_and_leaks_nothing(interrupts_page):
    page = _page(interrupts_page)
    outcome = page.evaluate("""async (n) => {
        const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
        const tally = { raised: 0, other: [], lost: 0, merged: 0 };
        for (let i = 0; i < n; i++) {
            const call = w.sync.churn().then(() => 'returned', (e) => e.message);
            await sleep(5 + (i * 7) % 40);
            if (!w.interrupt()) tally.merged++;
            const what = await Promise.race([call, sleep(10000).then(() => 'lost')]);
            if (what === 'lost') { tally.lost++; break; }
            if (what.includes('KeyboardInterrupt')) tally.raised++;
            else tally.other.push(what.slice(0, 300));
        }
        return tally;
    }""", INTERRUPTS)
    assert outcome == {"raised": INTERRUPTS, "other": [], "lost": 0, "merged": 0}, outcome
    report = page.evaluate("w.sync.report()")
    # (the loop saw nearly all: one that lands as the export starts, before churn's try, is
    # raised from the call itself; WebKit, slower to start a call, showed one of 40 so)
    assert INTERRUPTS - 5 <= report["interrupts"] <= INTERRUPTS, report
    assert report["unraisable"] == [], report
    live = page.evaluate(SETTLED)
    assert live == page.baseline, f"{live - page.baseline} handles leaked"


def test_no_interrupt_of_a_spinning_loop_is_lost(interrupts_page):
    """Pure Python spins; each time it starts, the page interrupts it, SPINS times over. Every
    interrupt must be raised: Pyodide's own check of its interrupt buffer (a read, then a write
    of 0) overwrote a SIGINT the page stored between the two, 5 of 1,500 before the worker gave
    Pyodide js_glue/stub.js's interruptBuffer. An interrupt not raised within 10 s is counted
    lost and sent again, so the loop ends either way."""
    page = _page(interrupts_page)
    outcome = page.evaluate("""async (n) => {
        let spins = 0, lost = 0, watchdog = 0;
        fixtures.spinning = () => {
            clearTimeout(watchdog);
            const send = () => {
                w.interrupt();
                watchdog = setTimeout(() => { lost++; send(); }, 10000);
            };
            setTimeout(send, spins++ % 3);
        };
        try {
            const caught = await w.sync.spin_through(n);
            return { caught, spins, lost };
        } finally {
            clearTimeout(watchdog);
            delete fixtures.spinning;
        }
    }""", SPINS)
    assert outcome == {"caught": SPINS, "spins": SPINS, "lost": 0}, outcome


def test_an_interrupt_sent_before_the_last_was_taken_is_one_with_it(interrupts_page):
    """Two interrupt()s in one go: the worker cannot have taken the first (the page's thread
    never let go), so the second returns false and one KeyboardInterrupt is raised, and no
    stray one is left for the worker's next call. Then one sent to an idle worker just before a
    w.sync call is raised by that call, within a bound. (Where it lands is Pyodide's choice: it
    checks its interrupt buffer every so many bytecodes. One landing before the user's function
    starts escaped to the worker's onmessage and left the call unsettled; js_glue/worker.js now
    settles the call with it. This test does not force that spot.)"""
    page = _page(interrupts_page)
    outcome = page.evaluate("""async () => {
        const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
        const call = w.sync.churn().then(() => 'returned', (e) => e.message);
        await sleep(50);
        const first = w.interrupt();
        const second = w.interrupt();
        const what = await Promise.race([call, sleep(10000).then(() => 'lost')]);
        const after = await w.sync.settle().then(() => 'ok', (e) => e.message);
        const third = w.interrupt();  // the worker is idle: it takes it as the next call starts
        const again = await Promise.race([
            w.sync.churn().then(() => 'returned', (e) => e.message),
            sleep(10000).then(() => 'lost')]);
        return { first, second, third, raised: what.includes('KeyboardInterrupt'),
                 after, again: again.includes('KeyboardInterrupt') };
    }""")
    assert outcome == {"first": True, "second": False, "third": True, "raised": True,
                       "after": "ok", "again": True}, outcome
    assert page.evaluate(SETTLED) == page.baseline
