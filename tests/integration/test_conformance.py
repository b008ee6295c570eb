"""tests/scenarios/conformance.py under the CPython host: each scenario in a worker thread
against the Python fixtures, followed by a leak check (the host's handle table back to empty).
The same scenarios run in Chromium in tests/browser/test_conformance.py."""

from __future__ import annotations

import ast
import runpy
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest

from broker.errors import ChannelClosed
from broker.host import Host
from pyscript_ffi import threads

from .fixtures import Fixtures

SCENARIOS_FILE = Path(__file__).parents[1] / "scenarios" / "conformance.py"
SCENARIOS = [
    node.name
    for node in ast.parse(SCENARIOS_FILE.read_text()).body
    if isinstance(node, ast.FunctionDef) and node.name.startswith("scenario_")
]
ASYNC_SCENARIOS = [
    node.name
    for node in ast.parse(SCENARIOS_FILE.read_text()).body
    if isinstance(node, ast.AsyncFunctionDef) and node.name.startswith("async_scenario_")
]
TIMEOUT = 30


@pytest.fixture
def host():
    host = Host({"fixtures": Fixtures()})
    yield host
    host.close()


def start_scenarios(host: Host) -> tuple[threads.Worker, dict[str, Any]]:
    """A worker thread that loads the scenario file (its `js` is then this worker's) and stays;
    its exports are the file's `__export__`."""
    namespace: dict[str, Any] = {}

    def export(name: str):
        return lambda *args: namespace[name](*args)

    def load() -> None:
        namespace.update(runpy.run_path(str(SCENARIOS_FILE)))

    names = ["run_scenario", "run_async_scenario", "settle", "lend_callbacks",
             "destroy_callbacks", "later", "later_fails", "give_back", "wait_forever"]
    worker = threads.start(host, load, exports={name: export(name) for name in names})
    host.serve(until=worker.ready, timeout=TIMEOUT)
    return worker, namespace


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario(host, name):
    worker, _ = start_scenarios(host)
    host.serve(until=worker.sync.run_scenario(name), timeout=TIMEOUT)
    host.serve(until=worker.sync.settle(), timeout=TIMEOUT)
    assert worker.statistics().live_handles == 0, "the scenario leaked host handles"


def test_callbacks_called_by_the_host(host):
    worker, _ = start_scenarios(host)
    fixtures = host.scope["fixtures"]
    host.serve(until=worker.sync.lend_callbacks(), timeout=TIMEOUT)
    assert host.serve(until=fixtures.listener(5), timeout=TIMEOUT) == 15
    assert host.serve(until=fixtures.listener(7), timeout=TIMEOUT) == 21
    assert host.serve(until=fixtures.once_listener(1), timeout=TIMEOUT) == "once 1"
    with pytest.raises(RuntimeError, match="plain function, which JavaScript may call once"):
        host.serve(until=fixtures.once_listener(2), timeout=TIMEOUT)
    listener = fixtures.listener
    assert host.serve(until=worker.sync.destroy_callbacks(), timeout=TIMEOUT) == 0
    with pytest.raises(RuntimeError, match=r"destroy\(\) was called"):
        host.serve(until=listener(1), timeout=TIMEOUT)
    host.serve(until=worker.sync.settle(), timeout=TIMEOUT)
    assert worker.statistics().live_handles == 0


def test_export_errors(host):
    worker, _ = start_scenarios(host)
    with pytest.raises(RuntimeError, match="exports no function 'nope'"):
        host.serve(until=worker.sync.nope(), timeout=TIMEOUT)
    with pytest.raises(RuntimeError, match="KeyError: 'no_such_scenario'"):
        host.serve(until=worker.sync.run_scenario("no_such_scenario"), timeout=TIMEOUT)


def test_async_exports_are_awaited_in_the_worker(host):
    worker, _ = start_scenarios(host)
    assert host.serve(until=worker.sync.later(21), timeout=TIMEOUT) == 42
    with pytest.raises(RuntimeError, match="ValueError: failed after an await"):
        host.serve(until=worker.sync.later_fails(), timeout=TIMEOUT)


@pytest.mark.parametrize("name", ASYNC_SCENARIOS)
def test_async_scenario(host, name):
    """Awaiting host Futures on the worker thread's event loop, then the leak check."""
    worker, _ = start_scenarios(host)
    host.serve(until=worker.sync.run_async_scenario(name), timeout=TIMEOUT)
    host.serve(until=worker.sync.settle(), timeout=TIMEOUT)
    assert worker.statistics().live_handles == 0, "the scenario leaked host handles"


def test_export_returns_a_host_object_itself(host):
    """An export returning a proxy hands back the host's own object, a Future included (it is
    not awaited in the worker)."""
    worker, _ = start_scenarios(host)
    fixtures = host.scope["fixtures"]
    assert host.serve(until=worker.sync.give_back(fixtures), timeout=TIMEOUT) is fixtures
    never = fixtures.never()
    assert host.serve(until=worker.sync.give_back(never), timeout=TIMEOUT) is never
    host.serve(until=worker.sync.settle(), timeout=TIMEOUT)
    assert worker.statistics().live_handles == 0


def test_interrupt_a_worker_waiting_for_the_host(host):
    """KeyboardInterrupt at the worker's next call to the host (here: while it polls a Future
    that never settles); the worker stays usable; a terminated worker refuses interrupt()."""
    worker, _ = start_scenarios(host)
    call = worker.sync.wait_forever()
    waited: Future[None] = Future()
    threading.Timer(0.2, waited.set_result, (None,)).start()
    host.serve(until=waited, timeout=TIMEOUT)
    assert not call.done()
    worker.interrupt()
    with pytest.raises(RuntimeError, match="KeyboardInterrupt: interrupted by the host"):
        host.serve(until=call, timeout=TIMEOUT)
    assert host.serve(until=worker.sync.later(4), timeout=TIMEOUT) == 8
    host.serve(until=worker.sync.settle(), timeout=TIMEOUT)
    assert worker.statistics().live_handles == 0
    worker.terminate()
    with pytest.raises(ChannelClosed, match="interrupt\\(\\) on a terminated worker"):
        worker.interrupt()
