"""The structure-aware fuzzer (pyscript_ffi/tools/fuzz.py) against the page's own channel in
Chromium, seeded: well-formed and broken frames straight into js_glue/channel.js's handler, the
page's live handles checked against the model and the built-in prototypes checked unpolluted
after every case. Chromium only: the handler's code is the same JavaScript in every engine (the
engines' boundaries are fuzzed by test_reliability.py's random bytes). The full-size run is
``python -m pyscript_ffi fuzz --target page`` (docs/reliability.md); the CPython host's slice is
tests/integration/test_fuzz.py."""

from __future__ import annotations

import threading

import pytest

from pyscript_ffi.server import make_server
from pyscript_ffi.tools import fuzz

CASES = 1_500
#: every kind of case, the shared buffer's faults (transfer_*) and forged SETTLEs among them
KINDS = {"lend", "op", "forged", "dead_arg", "release", "bad_counts", "lying", "c1", "bad_ext",
         "shape", "pollution", "settle"} | {f"transfer_{fault}" for fault in (
             "whole", "cut", "over", "under", "overflow", "zero", "misplaced", "withdrawn",
             "restart")}


@pytest.fixture(scope="module")
def fuzz_page(browsers):
    server = make_server(fuzz.ASSETS)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = browsers("chromium").new_page()
    page.goto(f"http://127.0.0.1:{server.server_address[1]}/fuzz.html")
    yield page
    page.close()
    server.shutdown()
    server.server_close()


def test_fuzzed_requests_keep_the_page_table_as_the_model_says(fuzz_page):
    target = fuzz.PageTarget(fuzz_page)
    out = fuzz.run(target, CASES, 7)
    assert out.failures == [], fuzz.report(out)
    assert out.cases == CASES and out.live_end == out.baseline
    assert set(out.kinds) == KINDS, out.kinds
    assert out.statuses["BAD_HANDLE"] > CASES // 20 and out.statuses["BAD_REQUEST"] > CASES // 20
    assert out.statuses["OK"] > CASES // 5
    assert target.foreign and out.peak_live > 3
    assert target.errors() == []
