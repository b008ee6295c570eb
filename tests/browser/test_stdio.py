"""input(), print and time.sleep in a worker, in each browser engine and on both interpreters
(tests/scenarios/stdio.py): the page's `input`, `stdout` and `stderr` handlers given to
PyWorker, the defaults (window.prompt, the console), and the handlers' bad answers."""

from __future__ import annotations

import pytest

from .harness import INTERPRETERS

SRC = "/scenarios/stdio.py"

#: a page with two workers of one interpreter running stdio.py: `w` with handlers that read
#: the page's `answer` (set per test) and record every line in `lines` with the page's title
#: at that moment (its stdout handler throws for a line that starts with "boom", and rejects for
#: one that starts with "later"); `plain` with no handlers (window.prompt, the console). Every
#: console.error the page makes is kept in `errors`.
START = """async ([src, type]) => {
    const { PyWorker } = await import('/_ffi/main.js');
    window.errors = [];
    const consoleError = console.error.bind(console);
    console.error = (...args) => {
        errors.push(args.map(String).join(' '));
        consoleError(...args);
    };
    window.lines = [];
    window.answer = (prompt) => `answer to ${prompt}`;
    window.w = PyWorker(src, {
        type,
        input: (prompt) => window.answer(prompt),
        stdout: (line) => {
            if (line.startsWith('boom')) throw new Error(`cannot show ${line}`);
            if (line.startsWith('later')) {
                return Promise.reject(new Error(`cannot show ${line} either`));
            }
            lines.push(['out', line, document.title]);
        },
        stderr: (line) => { lines.push(['err', line]); },
    });
    window.plain = PyWorker(src, { type });
    await Promise.all([w.ready, plain.ready]);
}"""


@pytest.fixture(scope="module", params=INTERPRETERS)
def page(request, browser, tests_server):
    page = browser.new_page()
    page.goto(f"{tests_server}/browser/pages/blank.html")
    page.evaluate(START, [SRC, request.param])
    page.kind = request.param
    page.baseline = _live(page)
    yield page
    page.close()


def _live(page):
    return page.evaluate(
        "async () => { await w.sync.settle(); return w.statistics().liveHandles; }")


def _ask(page, answer_js, *prompt):
    """Set the page's input handler to `answer_js` (a JS function source), call input(*prompt)."""
    return page.evaluate(
        f"async (prompt) => {{ window.answer = {answer_js}; return w.sync.ask(...prompt); }}",
        list(prompt))


@pytest.fixture(autouse=True)
def _no_leak(request):
    yield
    if "page" in request.fixturenames:
        page = request.getfixturevalue("page")
        if page.kind == "pyodide":  # (MicroPython releases once both collectors have run)
            assert _live(page) == page.baseline, "main-thread handles leaked"


# -- input() ------------------------------------------------------------------------------------

def test_input_from_a_sync_handler_gets_the_prompt(page):
    assert _ask(page, "(p) => `you said ${p}`", "Name? ") == ["ok", "you said Name? "]
    assert _ask(page, "(p) => `[${p}]`") == ["ok", "[]"]  # input() with no prompt: ""


def test_input_from_an_async_handler(page):
    answer = "(p) => new Promise((r) => setTimeout(() => r(`later: ${p}`), 50))"
    assert _ask(page, answer, "x") == ["ok", "later: x"]
    assert _ask(page, "async (p) => p.toUpperCase()", "quick") == ["ok", "QUICK"]


@pytest.mark.parametrize("answer", ["() => null", "() => undefined", "async () => null"])
def test_input_end_is_eof_error(page, answer):
    kind, message = _ask(page, answer, "more? ")
    assert kind == "EOFError", (kind, message)
    assert "EOF when reading a line" in message


def test_a_throwing_handler_raises_js_exception_and_the_worker_carries_on(page):
    kind, message = _ask(page, "() => { throw new RangeError('no keyboard here'); }", "?")
    assert kind == "JsException" and "no keyboard here" in message, (kind, message)
    kind, message = _ask(page, "() => Promise.reject(new Error('gave up'))", "?")
    assert kind == "JsException" and "gave up" in message, (kind, message)
    assert _ask(page, "(p) => 'fine'", "?") == ["ok", "fine"]


@pytest.mark.parametrize(("answer", "named"), [
    ("() => 42", "42"),
    ("() => ({ a: 1 })", "[object Object]"),
    ("async () => true", "True"),
])
def test_a_non_string_answer_is_a_type_error_naming_it(page, answer, named):
    kind, message = _ask(page, answer, "?")
    assert kind == "TypeError", (kind, message)
    assert "not a string" in message and named in message, message


def test_default_input_is_window_prompt(page):
    """No input handler: window.prompt (looked up when Python asks); cancelled: EOFError."""
    asked = page.evaluate("""async () => {
        const seen = [];
        const realPrompt = window.prompt;
        window.prompt = (p) => { seen.push(p); return seen.length === 1 ? 'typed' : null; };
        try {
            return [await plain.sync.ask('Your name: '), await plain.sync.ask('again: '), seen];
        } finally { window.prompt = realPrompt; }
    }""")
    assert asked[0] == ["ok", "typed"]
    assert asked[1][0] == "EOFError", asked[1]
    assert asked[2] == ["Your name: ", "again: "]


def test_interrupt_while_waiting_for_input(page):
    """w.interrupt() while input() waits for a handler's Promise: KeyboardInterrupt. Sent once
    the handler was called (input() is under way, in ask's try), then 300 ms on for the worker
    to wait for its Promise: one sent a fixed time after the call could land before the try on
    a loaded machine, and the call itself would reject."""
    outcome = page.evaluate("""async () => {
        let asked;
        const called = new Promise((r) => { asked = r; });
        window.answer = () => { asked(); return new Promise(() => {}); };
        const asking = w.sync.ask('?');
        await Promise.race([called, asking.then(() => {}, () => {})]);
        await new Promise((r) => setTimeout(r, 300));
        w.interrupt();
        return await asking;
    }""")
    assert outcome[0] == "KeyboardInterrupt", outcome
    assert page.evaluate("w.sync.ping()") == "pong"


# -- print ---------------------------------------------------------------------------------------

def _lines(page, run_js):
    return page.evaluate(f"async () => {{ lines.length = 0; {run_js}; return lines.slice(); }}")


def test_print_goes_to_the_stdout_handler_line_by_line(page):
    got = _lines(page, "await w.sync.say('hello', 'wörld ✓', '')")
    assert [line[:2] for line in got] == [["out", "hello"], ["out", "wörld ✓"], ["out", ""]]
    got = _lines(page, "await w.sync.say_in_parts()")
    assert [line[1] for line in got] == ["one two three", "a", "b"]


def test_stderr_goes_to_the_stderr_handler(page):
    got = _lines(page, "await w.sync.complain('something is off')")
    assert got == [["err", "something is off"]]


def test_print_is_in_order_with_the_workers_other_calls(page):
    got = _lines(page, "document.title = 'old';"
                       " await w.sync.say_around_a_title('before', 'new', 'after')")
    assert got == [["out", "before", "old"], ["out", "after", "new"]]


def test_a_failing_stdout_handler_does_not_fail_print(page):
    """The page's console says why; print returns; the next lines are delivered."""
    got = page.evaluate("""async () => {
        errors.length = 0; lines.length = 0;
        const count = await w.sync.say('boom 1', 'later 2', 'fine 3');
        await new Promise((r) => setTimeout(r, 50));  // (the rejection is reported in a microtask)
        return { count, lines: lines.map((l) => l[1]), errors: errors.slice() };
    }""")
    assert got["count"] == 3 and got["lines"] == ["fine 3"], got
    assert any("stdout handler" in e and "cannot show boom 1" in e for e in got["errors"]), got
    assert any("cannot show later 2 either" in e for e in got["errors"]), got


def test_interrupt_stops_a_print_loop(page):
    """interrupt() lands while a line is handed to the page: KeyboardInterrupt from print."""
    outcome = page.evaluate("""async () => {
        lines.length = 0;
        const chattering = w.sync.chatter();
        while (lines.length < 20) await new Promise((r) => setTimeout(r, 10));
        w.interrupt();
        const outcome = await chattering;
        lines.length = 0;
        return outcome;
    }""")
    assert outcome[0] == "KeyboardInterrupt" and outcome[1] >= 20, outcome
    assert page.evaluate("w.sync.ping()") == "pong"


def test_no_stdout_handler_leaves_print_on_the_console(page):
    assert page.evaluate("async () => { lines.length = 0;"
                         " await plain.sync.say('to the console'); return lines.length; }") == 0


# -- time.sleep ----------------------------------------------------------------------------------

def test_sleep_blocks_the_worker_only(page):
    """While the worker sleeps the page runs its timers; a call made meanwhile waits for it."""
    outcome = page.evaluate("""async () => {
        let ticks = 0;
        const timer = setInterval(() => ticks++, 10);
        const order = [];
        const napping = w.sync.nap(0.6).then((s) => { order.push('nap'); return s; });
        await new Promise((r) => setTimeout(r, 100));
        // a loaded machine can hold the page's thread past the 100 ms, its interval then
        // ticking once: wait for the second tick, and tell whether the nap was over by then
        while (ticks < 2) await new Promise((r) => setTimeout(r, 10));
        const ticksDuringNap = ticks, napOverFirst = order.includes('nap');
        const pinging = w.sync.ping().then(() => order.push('ping'));
        const slept = await napping;
        await pinging;
        clearInterval(timer);
        return { slept, ticksDuringNap, napOverFirst, order };
    }""")
    assert outcome["slept"] >= 0.55, outcome
    # the page's timers ran while it slept
    assert outcome["ticksDuringNap"] >= 2 and not outcome["napOverFirst"], outcome
    assert outcome["order"] == ["nap", "ping"], outcome


# -- bad options ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("option", "value"), [
    ("input", "'yes'"), ("stdout", "42"), ("stderr", "null"), ("input", "({})"),
])
def test_an_option_that_is_not_a_function_is_refused_at_construction(browser, tests_server,
                                                                      option, value):
    page = browser.new_page()
    page.goto(f"{tests_server}/browser/pages/blank.html")
    message = page.evaluate(f"""async () => {{
        const {{ PyWorker }} = await import('/_ffi/main.js');
        try {{ PyWorker('{SRC}', {{ {option}: {value} }}); return null; }}
        catch (e) {{ return `${{e.name}}: ${{e.message}}`; }}
    }}""")
    assert message is not None and message.startswith("TypeError"), message
    assert f"option {option} must be a function" in message, message
    page.close()


def test_without_window_prompt_input_says_what_to_do(browser, tests_server):
    page = browser.new_page()
    page.goto(f"{tests_server}/browser/pages/blank.html")
    outcome = page.evaluate(f"""async () => {{
        const {{ PyWorker }} = await import('/_ffi/main.js');
        window.prompt = undefined;
        const w = PyWorker('{SRC}', {{ type: 'micropython' }});
        await w.ready;
        return await w.sync.ask('?');
    }}""")
    assert outcome[0] == "RuntimeError", outcome
    assert "no input handler and has no window.prompt" in outcome[1], outcome
    page.close()
