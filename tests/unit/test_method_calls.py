"""Method-call detection (pyscript_ffi/_method_calls.py) on this interpreter: which attribute
loads it takes for ``obj.name(...)``, and its off switch. The round trips it saves are pinned by
`scenario_method_call_detection` in tests/scenarios/conformance.py, on both hosts."""

from __future__ import annotations

import os
import subprocess
import sys
import types

import pytest

from pyscript_ffi import _method_calls


class Probe:
    """Records, for each attribute load, whether detection says it is about to be called."""

    def __init__(self) -> None:
        object.__setattr__(self, "seen", [])

    def __getattr__(self, name: str):
        self.seen.append((name, _method_calls.loads_a_method(sys._getframe(1))))
        return lambda *args, **kwargs: None


def test_this_python_is_one_the_module_supports():
    assert (3, 11) <= sys.version_info[:2] <= (3, 14), "add this version to the module's list"
    assert sys.implementation.name == "cpython"
    assert _method_calls._READS_BYTECODE


def test_a_load_to_call_is_detected_and_every_other_load_is_not():
    p = Probe()
    p.called()
    f = p.read_then_called
    f()
    _ = p.read_only
    getattr(p, "by_getattr")()  # noqa: B009 - the point: a read, then a call
    p.with_kwargs(1, flag=True)
    assert [p.in_comprehension() for _ in range(2)] == [None, None]
    (lambda: p.in_lambda())()
    print(p.as_an_argument)  # noqa: T201 - loaded to be passed, not called
    assert p.seen == [("called", True), ("read_then_called", False), ("read_only", False),
                      ("by_getattr", False), ("with_kwargs", True), ("in_comprehension", True),
                      ("in_comprehension", True), ("in_lambda", True),
                      ("as_an_argument", False)]


#: A name bound by an import at module level (``from pyscript_ffi import document``) is compiled
#: without the method load: CPython 3.11 and 3.12 load its methods with a plain LOAD_ATTR after a
#: PUSH_NULL, which the module does not read (a GET and a CALL); 3.13 and later put the PUSH_NULL
#: after the LOAD_ATTR, which it does (one round trip). Checked here on 3.11, 3.12 and 3.13.
IMPORTED_NAMES_DETECTED = sys.version_info >= (3, 13)


def test_a_method_of_an_imported_name_at_module_level():
    module = types.ModuleType("_method_call_probe")
    module.thing = Probe()  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    try:
        code = ("from _method_call_probe import thing\n"
                "thing.called('x')\n"
                "value = thing.not_called\n"
                "def build():\n"
                "    thing.other(tag='p')\n"  # in a function too: the name is still imported
                "build()\n")
        exec(compile(code, "<module>", "exec"), {"__name__": "__main__"})  # noqa: S102
    finally:
        del sys.modules[module.__name__]
    detected = IMPORTED_NAMES_DETECTED
    assert module.thing.seen == [("called", detected), ("not_called", False), ("other", detected)]


def test_set_enabled_turns_it_off_and_back_on():
    previous = _method_calls.set_enabled(False)
    try:
        assert previous is True and _method_calls.enabled is False
        assert _method_calls.set_enabled(True) is False
        assert _method_calls.enabled is True
    finally:
        _method_calls.set_enabled(previous)


@pytest.mark.parametrize(("value", "expected"), [("0", False), ("off", False), ("1", True),
                                                 (None, True)])
def test_the_environment_variable_switches_it_at_import(value, expected):
    env = {k: v for k, v in os.environ.items() if k != "PYSCRIPT_FFI_METHOD_CALLS"}
    if value is not None:
        env["PYSCRIPT_FFI_METHOD_CALLS"] = value
    result = subprocess.run(
        [sys.executable, "-c", "from pyscript_ffi import _method_calls as m; print(m.enabled)"],
        env=env, capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == str(expected)
