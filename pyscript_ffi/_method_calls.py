"""Method-call detection: ``obj.name(...)`` on a proxy as one CALL_METHOD round trip.

Without it, ``document.createElement("div")`` is two round trips: a GET of the method (a bound
function proxy), then a CALL of it. With it, one: on the bench (Pyodide worker, 2 cores) a round
trip takes 30-40 us, so each method call saves that much.

How: when `JsProxy.__getattr__` runs, the caller's frame is executing the instruction that loads
the attribute. If that instruction loads it in order to call it at once, the proxy returns a
`MethodCall`, which the interpreter calls right away, and that call sends CALL_METHOD. A method
load compiles to:

- CPython 3.11: ``LOAD_METHOD``;
- CPython 3.12 and later: ``LOAD_ATTR`` with the low bit of its argument set;
- except that a method of a name bound by an import at module level (``from pyscript_ffi import
  document``, used at module level or in a function) compiles to a plain ``LOAD_ATTR``: from
  3.13 on (Pyodide runs 3.14) followed at once by the ``PUSH_NULL`` of the call, which
  `_push_null_gap` finds; in 3.11 and 3.12 preceded by it, which is not read, so there such a
  call is a GET and a CALL.

Supported: CPython 3.11 to 3.14 and Pyodide. tests/unit/test_method_calls.py pins which loads
are taken (run on 3.11, 3.12 and 3.13 here); tests/scenarios/conformance.py pins the round
trips on the CPython host and, in the browser tests, on Pyodide's 3.14. Elsewhere, and on
MicroPython (no ``dis``, no frames), a method call is a GET and a CALL, which is always correct,
just slower.

Off switch: set the environment variable ``PYSCRIPT_FFI_METHOD_CALLS=0`` before pyscript_ffi
is imported, or call ``set_enabled(False)``: every ``obj.name(...)`` is then a GET + CALL.

A misfire is harmless: if a `MethodCall` ever reached code that does not call it, every other
use (repr, str, ==, hash, attribute and item access, len, iteration, passing it back to
JavaScript) reads the real attribute with a GET and acts as that value.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Protocol

from broker.errors import MissingProperty
from broker.protocol import Op

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import FrameType

try:
    import dis
except ImportError:  # MicroPython: no bytecode to read
    _READS_BYTECODE = False
else:
    _READS_BYTECODE = hasattr(sys, "_getframe")
    _LOAD_METHOD = dis.opmap.get("LOAD_METHOD", -1)
    _LOAD_ATTR = dis.opmap["LOAD_ATTR"]
    _PUSH_NULL = dis.opmap.get("PUSH_NULL", -1)
_ATTR_FLAGS_METHOD = sys.version_info >= (3, 12)


class Proxy(Protocol):
    """What a `MethodCall` needs of its proxy (a `JsProxy`; this module imports none)."""

    def _ffi_request(self, op: Op, subject: Any = None, args: tuple[Any, ...] = ()) -> Any: ...

    def _ffi_attribute(self, name: str) -> Any: ...


def _switched_on_by_environment() -> bool:
    try:
        from os import environ
    except ImportError:  # MicroPython in a browser: no environment
        return True
    return environ.get("PYSCRIPT_FFI_METHOD_CALLS", "1").strip().lower() not in (
        "0", "false", "no", "off")


#: True while detection runs: readable and bytecode to read, and not switched off.
enabled = _READS_BYTECODE and _switched_on_by_environment()


def set_enabled(on: bool) -> bool:
    """Turn detection on or off for the whole process; returns the previous setting. It cannot
    be turned on where there is no bytecode to read (MicroPython): it stays off."""
    global enabled
    previous = enabled
    enabled = bool(on) and _READS_BYTECODE
    return previous


def _push_null_gap() -> int:
    """Bytes from a LOAD_ATTR to a PUSH_NULL right after it (its inline caches between), as this
    interpreter compiles a call of an imported name's attribute; 0 where it never does."""
    if not _READS_BYTECODE:
        return 0
    instructions = list(dis.get_instructions(compile("import m\nm.f()", "<probe>", "exec")))
    for load, after in zip(instructions, instructions[1:], strict=False):
        if load.opname == "LOAD_ATTR" and after.opname == "PUSH_NULL":
            return after.offset - load.offset
    return 0


_NULL_GAP = _push_null_gap()


def loads_a_method(frame: FrameType) -> bool:
    """True if `frame` is loading an attribute in order to call it at once (`obj.name(...)`)."""
    code = frame.f_code.co_code  # the unspecialized bytecode; f_lasti is the running load
    at = frame.f_lasti
    op = code[at]
    if op == _LOAD_METHOD:
        return True
    if op != _LOAD_ATTR:
        return False
    if _ATTR_FLAGS_METHOD and code[at + 1] & 1:
        return True
    return _NULL_GAP > 0 and at + _NULL_GAP < len(code) and code[at + _NULL_GAP] == _PUSH_NULL


class MethodCall:
    """``proxy.name`` in ``proxy.name(...)``: calling it is one CALL_METHOD round trip. Meant to
    be called at once by the interpreter; any other use acts on the real attribute (`resolve`)."""

    __slots__ = ("_proxy", "_name")

    def __init__(self, proxy: Proxy, name: str) -> None:
        object.__setattr__(self, "_proxy", proxy)
        object.__setattr__(self, "_name", name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs:  # as JsProxy.__call__: keyword arguments become one trailing options object
            args = args + (kwargs,)
        try:
            return self._proxy._ffi_request(Op.CALL_METHOD, self._name, args)
        except MissingProperty:
            raise AttributeError(self._name) from None

    def resolve(self) -> Any:
        """The attribute's real value (a GET), as ``proxy.name`` without the call gives it."""
        return self._proxy._ffi_attribute(self._name)

    # passed back to JavaScript, it goes as the real value: the channel resolves it first
    _ffi_resolve = resolve

    # -- a misfire: every use other than a call is the real value's ---------------------------

    def __getattr__(self, name: str) -> Any:
        return getattr(self.resolve(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.resolve(), name, value)

    def __repr__(self) -> str:
        return repr(self.resolve())

    def __str__(self) -> str:
        return str(self.resolve())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MethodCall):
            other = other.resolve()
        return bool(self.resolve() == other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self.resolve())

    def __bool__(self) -> bool:
        return bool(self.resolve())

    def __len__(self) -> int:
        return len(self.resolve())

    def __iter__(self) -> Iterator[Any]:
        return iter(self.resolve())

    def __contains__(self, item: Any) -> bool:
        return item in self.resolve()

    def __getitem__(self, key: Any) -> Any:
        return self.resolve()[key]
