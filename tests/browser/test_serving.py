"""The page's serving side (js_glue/serving.js): one Server for every worker on the page, woken
by the shared doorbell, or by RING messages where Atomics.waitAsync is missing. Behaviour only:
speed is in the bench."""

from __future__ import annotations

from .harness import harness_state

FLOOD = 2000


def open_serving(browser, base_url, count, hide=""):
    """serving.html with `count` Pyodide workers running busy.py, once all are ready."""
    page, state = harness_state(
        browser, f"{base_url}/browser/pages/serving.html?src=/scenarios/busy.py&count={count}"
                 f"&hide={hide}")
    assert state == "ready", state
    return page


def test_without_wait_async_the_page_serves_on_ring_messages(browser, tests_server):
    page = open_serving(browser, tests_server, 2, hide="waitAsync")
    assert page.evaluate("typeof Atomics.waitAsync") == "undefined"
    assert page.evaluate("workers[0].statistics().serving.wake") == "post"
    # small calls from both workers at once, each checked against its own reply
    assert page.evaluate(f"""Promise.all(workers.map((w, i) => w.sync.echo_many('w' + i, {FLOOD})))
                          """) == [FLOOD, FLOOD]
    # frames in chunks both ways (6 MiB through a 4 MiB buffer), woken by RING alone
    assert page.evaluate("workers[0].sync.churn(2)") == 2
    assert page.evaluate("workers.every((w) => w.statistics().calls > 2000)")
    page.close()


def test_with_wait_async_the_page_serves_on_the_doorbell(browser, tests_server):
    page = open_serving(browser, tests_server, 2)
    stats = page.evaluate("workers[0].statistics().serving")
    assert stats["wake"] == "doorbell" and stats["channels"] == 2
    assert page.evaluate(f"Promise.all(workers.map((w, i) => w.sync.echo_many('w' + i, {FLOOD})))"
                         ) == [FLOOD, FLOOD]
    # the poll before parking stays within its bounds (serving.js POLL_MIN_MS..POLL_MAX_MS)
    stats = page.evaluate("workers[0].statistics().serving")
    assert 0.002 <= stats["pollMs"] <= 0.05 and stats["served"] >= 2 * FLOOD, stats
    page.evaluate("workers[1].terminate()")
    assert page.evaluate("workers[0].statistics().serving.channels") == 1
    assert page.evaluate("workers[0].sync.echo_many('alone', 100)") == 100
    page.close()


def test_no_worker_starves_while_the_others_flood(browser, tests_server):
    page = open_serving(browser, tests_server, 3)
    # all three flood at once; when the first is done, every other has been served throughout
    shares = page.evaluate(f"""async () => {{
        const base = workers.map((w) => w.statistics().calls);
        const runs = workers.map((w, i) => w.sync.echo_many('w' + i, {FLOOD}));
        await Promise.race(runs);
        const done = workers.map((w, i) => w.statistics().calls - base[i]);
        await Promise.all(runs);
        return done;
    }}""")
    assert min(shares) >= FLOOD // 10, f"calls served per worker when the first finished: {shares}"
    page.close()


def test_a_chunked_transfer_does_not_stall_the_other_workers(browser, tests_server):
    page = open_serving(browser, tests_server, 2)
    # worker 0 moves 6 MiB frames in chunks both ways, over and over; while that is under way,
    # worker 1's small calls all come back, before worker 0 is done
    outcome = page.evaluate(f"""async () => {{
        const [big, small] = workers;
        let churning = true;
        const churn = big.sync.churn(200).finally(() => {{ churning = false; }});
        while (big.statistics().bytesIn < 20 * 2**20) await new Promise((r) => setTimeout(r, 5));
        const echoed = await small.sync.echo_many('small', {FLOOD // 4});
        const during = churning;
        big.terminate();
        await churn.catch(() => null);
        return {{ echoed, during }};
    }}""")
    assert outcome == {"echoed": FLOOD // 4, "during": True}
    page.close()
