"""The bench's report (pyscript_ffi/tools/bench_report.py): the PyScript comparison's ratios and
target verdict, a PyScript run that failed, requests that left 127.0.0.1, the phases, one table
per engine, and the mount that serves @pyscript/core. The runs themselves need the browsers:
`python -m pyscript_ffi bench --engines all`."""

from __future__ import annotations

import argparse
import http.client
import re
import threading

import pytest

from pyscript_ffi.server import make_server
from pyscript_ffi.tools.bench import ASSETS, _engines, _local, cpu_between
from pyscript_ffi.tools.bench_report import (
    HISTOGRAM_US,
    PHASES,
    WORKLOADS,
    Row,
    comparison,
    histogram,
    histogram_lines,
    host_lines,
    parallel_summary,
    phases,
    report,
    row,
    web_lines,
)

LABELS = dict(WORKLOADS)


def _row(name: str, median: float, mean: float | None = None) -> Row:
    mean = median if mean is None else mean
    return Row(name, 100, median, median * 3, mean, 1e6 / mean)


def _out(ours_title: float, theirs_title: float, **changes: object) -> dict[str, object]:
    title, create = LABELS["title"], LABELS["create"]
    out: dict[str, object] = {
        "floor": [_row("floor: waitAsync", 10), _row("floor: post", 15), _row("floor: spin", 20),
                  _row("floor: copy1mb", 1000)],
        "ffi": [_row(title, ours_title), _row(create, 100), _row("gather() of the same 10", 60)],
        "round_trips": {title: 1.0, create: 2.0},
        "pyscript": [_row(title, theirs_title), _row(create, 5000)],
        "pyscript_round_trips": {title: 1.0, create: 175.0},
        "pyscript_version": "0.7.31", "pyscript_boot_ms": 1500.0, "boot_ms": 2000.0,
        "parallel": [{"workers": 1, "aggregate_calls_per_s": 10000.0, "worst_p99_us": 100.0},
                     {"workers": 4, "aggregate_calls_per_s": 12000.0, "worst_p99_us": 300.0}],
        "host": [_row("floor: threading.Condition", 12)], "outside_requests": [],
    }
    out.update(changes)
    return out


def _line(lines: list[str], label: str) -> str:
    return next(line for line in lines if line.startswith(label))


def test_ratios_speed_up_and_round_trips_per_workload():
    lines = comparison(_out(ours_title=40, theirs_title=20))
    title = _line(lines, LABELS["title"])[len(LABELS["title"]):].split()
    # ours, PyScript, ours/PyScript of the medians, of the means, speed-up, round trips
    assert title[:8] == ["40.0", "20.0", "2.00", "2.00", "0.50x", "1", "/", "1"]
    create = _line(lines, LABELS["create"])
    assert "50.00x" in create and "2 / 175" in create


def test_the_title_target_is_judged_both_ways():
    assert "target NOT met" in _line(comparison(_out(40, 25)), LABELS["title"])
    assert "target met" in _line(comparison(_out(20, 60)), LABELS["title"])
    assert "target" not in _line(comparison(_out(20, 60)), LABELS["create"])


def test_a_failed_pyscript_run_is_named_and_the_rest_still_reports():
    out = _out(40, 25, pyscript=[], pyscript_error="Error: PyScript's worker: no answer")
    text = report(out)
    assert "PyScript: not measured: Error: PyScript's worker: no answer" in text
    assert LABELS["title"] in text and "round trips per call" in text


def test_requests_that_left_the_machine_are_counted_and_named():
    assert "requests that left 127.0.0.1: 0" in report(_out(40, 25))
    text = report(_out(40, 25, outside_requests=["https://cdn.jsdelivr.net/pyodide/x.mjs"] * 2))
    assert "requests that left 127.0.0.1: 2: https://cdn.jsdelivr.net/pyodide/x.mjs" in text


def test_local_means_this_server_or_a_blob():
    origin = "http://127.0.0.1:8123"
    assert _local(f"{origin}/bench.html", origin)
    assert _local(f"blob:{origin}/0b6c", origin)
    assert not _local("http://127.0.0.1:8124/x", origin)
    assert not _local("https://cdn.jsdelivr.net/pyodide/v314.0.2/full/pyodide.mjs", origin)


def test_pyscript_core_is_served_with_the_isolation_headers():
    httpd = make_server(ASSETS)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", httpd.server_address[1], timeout=10)
        conn.request("GET", "/_ffi/vendor/pyscript/dist/core.js")
        response = conn.getresponse()
        response.read()
        assert response.status == 200
        assert response.getheader("Content-Type") == "text/javascript; charset=utf-8"
        assert response.getheader("Cross-Origin-Embedder-Policy") == "require-corp"
        conn.close()
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_the_many_worker_table_has_each_count_its_ratio_and_fairness():
    def run(n: int, rate: float, worst: float, median: float, wake: str) -> dict[str, object]:
        return {"workers": n, "aggregate_calls_per_s": rate, "worst_p99_us": worst,
                "median_p99_us": median, "wake": wake}

    out = _out(40, 25, parallel=[run(1, 10000, 100, 100, "doorbell"),
                                 {**run(4, 17000, 600, 200, "doorbell"), "cpu_us_per_call": 110.0,
                                  "busy": 0.93, "steal": 0.02,
                                  "rounds_calls_per_s": [16000.0, 17000.0, 17500.0]},
                                 run(1, 5000, 90, 90, "post")],
               pyscript_parallel=[run(1, 4000, 500, 500, "")])
    text = report(out)
    ours = _line(text.splitlines(), "pyscript-ffi (doorbell)")
    assert "10000/s" in ours and "17000/s (1.70x)" in ours
    assert "600 (/3.00)" in text
    assert _line(text.splitlines(), "  its rounds").split()[-2:] == ["-", "16000-17500"]
    cpu = _line(text.splitlines(), "  machine CPU us/call").split()
    assert cpu[-3:] == ["110", "(93%,", "2%)"] and cpu[-4] == "-"  # measured at 4 workers, not 1
    assert _line(text.splitlines(), "pyscript-ffi (RING: no waitAsync)").split()[-1] == "-"
    assert "4000/s" in _line(text.splitlines(), "PyScript  ")


def test_many_workers_are_counted_over_their_own_window_not_the_pages_wait():
    # two workers of 1,000 calls each: one measured 0-100 ms, the other 20-110 ms by their
    # clocks; the page waited 150 ms for both (start-up and reports): 2,000 calls in 110 ms
    got = {"wall": 150.0, "results": [
        {"samples": [1e-4] * 1000, "total": 0.1, "began": 5000.0, "ended": 5100.0},
        {"samples": [1e-4] * 1000, "total": 0.09, "began": 5020.0, "ended": 5110.0}]}
    cpu = {"busy_s": 0.2, "busy": 0.9, "steal": 0.05}
    summary = parallel_summary(2, 1000, got, cpu)
    assert summary["aggregate_calls_per_s"] == pytest.approx(2000 / 0.110)
    assert summary["cpu_us_per_call"] == pytest.approx(100.0)
    # an old --json without the clocks: the page's wait
    for r in got["results"]:
        del r["began"], r["ended"]
    assert parallel_summary(2, 1000, got)["aggregate_calls_per_s"] == pytest.approx(2000 / 0.150)


def test_machine_cpu_counts_busy_and_stolen_time_apart(monkeypatch):
    monkeypatch.setattr("os.sysconf", lambda name: 100)
    # user nice system idle iowait irq softirq steal, ticks
    got = cpu_between([0] * 8, [100, 0, 20, 50, 10, 0, 0, 20])
    assert got == pytest.approx({"busy_s": 1.2, "busy": 0.6, "steal": 0.1})
    assert cpu_between(None, [0] * 8) is None


def _phase_marks(t: dict[str, float], calls: int, wakes: bool) -> dict[str, object]:
    """The marks of `calls` calls whose events happen at the times `t` (us after each call's
    start, one call every 0.2 ms), each clock with its own origin (ms), as the bench page
    returns them."""
    py_origin, page_origin, period = -100.0, 5000.0, 0.2

    def at(name: str, i: int, origin: float = 0.0) -> float:
        return origin + i * period + t[name] / 1e3

    return {"worker": {
        "py": [at(k, i, py_origin) for i in range(calls)
               for k in ("start", "enc0", "enc1", "rt0", "rt1", "dec0", "dec1", "end")],
        "js": [at(k, i) for i in range(calls) for k in ("entered", "stored", "seen", "returned")]},
        # the page served 3 requests before these (the warm-up): only the last `calls` count
        "page": [0.0] * 6 + [at(k, i, page_origin) for i in range(calls)
                             for k in ("got", "replied")],
        # the server woke once before the warm-up, then once per call (the doorbell's wait)
        "wakes": [page_origin - 50.0] + ([at("woke", i, page_origin) for i in range(calls)]
                                         if wakes else [])}


TIMES = {"start": 0, "enc0": 2, "enc1": 5, "rt0": 6, "entered": 8, "stored": 10, "woke": 15,
         "got": 20, "replied": 30, "seen": 40, "returned": 42, "rt1": 44, "dec0": 45, "dec1": 48,
         "end": 50}


def test_phases_align_three_clocks_and_split_one_round_trip():
    """Marks of one call taken on three clocks (Python, the stub, the page: each its own origin)
    come back as the phase durations, to within the alignment's stated error; the page's wake
    on the doorbell is its own phase."""
    calls = 50
    result = phases(_phase_marks(TIMES, calls, wakes=True), calls)
    py_error, page_error = result["clock_error_us"]
    assert 0 <= py_error < 3 and 0 <= page_error < 12
    expected = [2, 3, 3, 7, 5, 10, 10, 5, 3, 2]  # the steps between the events, in PHASES order
    for name, want in zip(PHASES, expected, strict=True):
        median, mean = result["phases"][name]
        assert abs(median - want) <= py_error + page_error + 1e-6, (name, median, want)
    assert abs(result["notify"][0] - 2) < 1e-6  # stored - entered, on the stub's own clock
    assert abs(sum(mean for _, mean in result["phases"].values()) - 50) < 1e-6


def test_a_page_already_awake_costs_no_wake_phase():
    """A request served by a pass that did not follow a wait (the server's last wake is older
    than the call) has a wake phase of 0; its time goes to the pass."""
    calls = 20
    result = phases(_phase_marks(TIMES, calls, wakes=False), calls)
    wake_phase, pass_phase = (result["phases"][name][0] for name in PHASES[3:5])
    assert wake_phase == 0
    assert abs(pass_phase - 12) <= sum(result["clock_error_us"]) + 1e-6


def test_each_engine_table_names_its_engine_version_and_what_its_page_has():
    features = {"crossOriginIsolated": True, "SharedArrayBuffer": "function",
                "waitAsync": "undefined", "pause": "function", "tick_us": 20.0}
    text = report(_out(40, 25, engine="firefox", version="firefox/153.7.0", features=features))
    head = text.splitlines()[0]
    assert head.startswith("== Firefox 153.7.0 (")
    assert "isolated yes" in head and "Atomics.waitAsync NO" in head and "Atomics.pause yes" in head
    assert "timer step 20 us" in head
    assert report(_out(40, 25)).splitlines()[0] == "== Chromium ? =="  # an old run: no facts


def test_an_engine_whose_driver_cannot_see_requests_says_so():
    text = report(_out(40, 25, engine="webkit", outside_requests=None))
    assert "requests that left 127.0.0.1: not watched in this engine" in text


def test_the_host_rows_are_divided_by_their_floor():
    lines = host_lines([_row("floor: threading.Condition", 10), _row("host: obj.value read", 45)])
    assert lines[0].startswith("CPython host")
    assert lines[2].split()[-1] == "4.50"
    assert host_lines([]) == []


def test_engines_are_named_from_the_three_or_all():
    assert _engines("all") == ("chromium", "firefox", "webkit")
    assert _engines("webkit, chromium,webkit") == ("webkit", "chromium")  # in order, once each
    for bad in ("safari", "chromium,edge", ""):
        with pytest.raises(argparse.ArgumentTypeError, match="use 'all' or names from"):
            _engines(bad)


def test_the_service_worker_transport_has_its_rows_and_its_many_worker_line():
    relay = [_row(LABELS["title"], 2000), _row(LABELS["bytes_1mb"], 40000)]
    parallel = [{"workers": 1, "aggregate_calls_per_s": 500.0, "worst_p99_us": 4000.0},
                {"workers": 4, "aggregate_calls_per_s": 900.0, "worst_p99_us": 9000.0}]
    text = report(_out(40, 25, relay=relay, relay_boot_ms=1800.0, relay_parallel=parallel))
    lines = text.splitlines()
    assert 'transport "service-worker"' in text and "boot 1800 ms" in text
    title = _line(lines, f"service worker: {LABELS['title']}").split()
    assert title[-5:] == ["2000.0", "6000.0", "2000.0", "500", "200.00"]  # / the best floor
    assert _line(lines, f"service worker: {LABELS['bytes_1mb']}").split()[-1] == "40.00"
    assert "900/s (1.80x)" in _line(lines, "pyscript-ffi (service worker)")


def _web(worker_ms: float, main_ms: float, pyscript_ms: float | None) -> dict[str, object]:
    web: dict[str, object] = {"rows": 500, "runs": 5, "worker": _row("w", worker_ms * 1e3),
                              "worker_round_trips": 1503.0, "main": _row("m", main_ms * 1e3),
                              "main_round_trips": 0}
    if pyscript_ms is not None:
        web.update(pyscript=_row("p", pyscript_ms * 1e3), pyscript_round_trips=426936.0)
    return web


def test_the_pyscript_web_rows_give_both_ratios_and_judge_both_targets():
    lines = web_lines(_out(40, 25, web=_web(90, 40, 30000)))
    assert lines[0].startswith("pyscript.web, 500 rows")
    worker = _line(lines, "  pyscript-ffi, Pyodide worker")
    # ms per run, round trips, and their cost at the best floor (10 us): 15.0 ms
    assert "90.0 ms" in worker and "1,503 round trips" in worker and "share 15.0 ms" in worker
    assert "426,936 round trips" in _line(lines, "  PyScript 0.7.31 worker")
    assert lines[-1] == ("  worker / page's thread 2.25x (target <= 3x: met); PyScript's worker "
                         "/ ours 333.3x (target >= 10x: met)")
    missed = web_lines(_out(40, 25, web=_web(300, 40, 2000)))[-1]
    assert "7.50x (target <= 3x: NOT met)" in missed and "6.7x (target >= 10x: NOT met)" in missed


def test_the_pyscript_web_rows_say_when_pyscript_was_not_measured():
    assert web_lines(_out(40, 25, web=_web(90, 40, None)))[-1].endswith(
        "PyScript's worker: not measured")
    assert web_lines(_out(40, 25)) == []  # a run from before the rows: none
    assert "pyscript.web, 500 rows" in report(_out(40, 25, web=_web(90, 40, 30000)))


def test_histogram_buckets_calls_and_their_time():
    """Each sample falls in one bucket of HISTOGRAM_US (an edge opens the bucket above it), and
    each bucket sums the time its calls took: the tail's share of the mean."""
    counts, spent = histogram([5, 9.9, 10, 15, 20, 999, 1000, 3000])
    assert len(counts) == len(spent) == len(HISTOGRAM_US) + 1
    assert counts == (2, 2, 1, 0, 0, 0, 1, 2)
    assert spent[0] == pytest.approx(14.9) and spent[-1] == 4000
    r = row("document.title read", [us / 1e6 for us in (5, 15, 15, 3000)], 3035 / 1e6)
    assert r.histogram == (1, 2, 0, 0, 0, 0, 0, 1)
    lines = histogram_lines([r, _row("no samples", 10)])  # a row made without samples: left out
    assert len(lines) == 3
    assert lines[2].startswith("document.title read")
    assert " 25.0 (  0) 50.0 (  1)" in lines[2] and " 25.0 ( 99)" in lines[2]


def test_report_prints_the_histogram_of_floor_ours_and_pyscript():
    out = _out(40, 25)
    out["floor"][0] = row("floor: waitAsync", [1e-5] * 10, 1e-4)
    out["ffi"][0] = row(LABELS["title"], [2e-5] * 10, 2e-4)
    out["pyscript"][0] = row(LABELS["title"], [6e-5] * 10, 6e-4)
    lines = report(out).splitlines()
    table = lines[next(i for i, line in enumerate(lines) if line.startswith("latency histogram")):]
    # 10 us opens the second bucket, 20 the third, 60 the fourth: every call, all the time
    for label, bucket in (("floor: waitAsync", 1), (LABELS["title"], 2),
                          (f"PyScript: {LABELS['title']}", 3)):
        cells = re.findall(r"(\d+\.\d) \(\s*(\d+)\)", _line(table, label))
        assert len(cells) == len(HISTOGRAM_US) + 1
        assert cells[bucket] == ("100.0", "100"), (label, cells)
def test_the_network_rows_print_medians_and_the_ratio():
    from pyscript_ffi.tools.bench_network import network_lines

    def visit(ms):
        return {"ms": ms, "glue_ms": 100.0, "last_byte_ms": 900.0, "requests": 20, "failed": 0,
                "bytes": 2_000_000, "snapshot": ""}

    got = {"rtt_ms": 40, "mbit_s": 20,
           "ours": {"new": [visit(1000), visit(3000)], "returning": [visit(500)]},
           "pyscript": {"new": [visit(4000)], "returning": [visit(1000)]}}
    text = "\n".join(network_lines(got))
    assert "40 ms round trip, 20 Mbit/s" in text
    assert "pyscript-ffi, new visitor" in text and "1000, 3000" in text
    assert "new visitor: ours / PyScript's = 0.50x" in text
    assert "returning visitor: ours / PyScript's = 0.50x" in text


def test_the_service_worker_rows_are_divided_by_their_own_floor():
    """With the relay's floors measured, its rows are over the request our service worker
    answers alone, not over the shared buffer's floor."""
    relay = [_row(LABELS["title"], 2000)]
    floors = [_row("relay floor: service worker alone", 1000),
              _row("relay floor: service worker + page", 1500)]
    text = report(_out(40, 25, relay=relay, relay_floor=floors, relay_boot_ms=1800.0))
    lines = text.splitlines()
    assert _line(lines, "relay floor: service worker alone").split()[-1] == "1.00"
    assert _line(lines, "relay floor: service worker + page").split()[-1] == "1.50"
    assert _line(lines, f"service worker: {LABELS['title']}").split()[-1] == "2.00"


def test_the_suspending_lane_and_the_requests_are_told_apart():
    """Where the relay's worker waited suspended (JSPI), the heading says so, and the same calls
    sent as synchronous requests follow as their own rows, over the same floor."""
    relay = [_row(LABELS["title"], 300)]
    requests = [_row(LABELS["title"], 1500)]
    floors = [_row("relay floor: service worker alone", 1000)]
    text = report(_out(40, 25, relay=relay, relay_floor=floors, relay_boot_ms=1800.0,
                       relay_suspends=True, relay_requests=requests))
    lines = text.splitlines()
    assert "each call waits suspended (JSPI)" in _line(lines, 'transport "service-worker"')
    assert _line(lines, f"service worker: {LABELS['title']}").split()[-1] == "0.30"
    assert _line(lines, f"service worker, requests only: {LABELS['title']}").split()[-1] == "1.50"
    plain = report(_out(40, 25, relay=relay, relay_floor=floors, relay_boot_ms=1800.0))
    assert "a synchronous request to our service worker per call" in plain
    assert "requests only" not in plain
