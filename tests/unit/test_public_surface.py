"""The public names are exactly __all__, and the layering runs one way: broker never imports
pyscript_ffi."""

from __future__ import annotations

import ast
from pathlib import Path
from types import ModuleType

import pyscript_ffi

ROOT = Path(__file__).parents[2]
DYNAMIC = {"js", "document", "window", "RUNNING_IN_WORKER"}  # resolved per thread


def test_all_matches_public_names():
    public = {name for name, value in vars(pyscript_ffi).items()
              if not name.startswith("_") and not isinstance(value, ModuleType)}
    public.discard("annotations")  # the __future__ import
    assert public | DYNAMIC == set(pyscript_ffi.__all__)


def test_every_name_in_all_resolves_or_is_per_thread():
    for name in set(pyscript_ffi.__all__) - DYNAMIC:
        assert getattr(pyscript_ffi, name) is not None


def test_broker_never_imports_pyscript_ffi():
    for path in (ROOT / "broker").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.split(".")[0] == "pyscript_ffi" for n in names), path


def _imports_within_the_package(path: Path) -> set[str]:
    """The pyscript_ffi modules `path` imports, even under TYPE_CHECKING."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found |= {node.module} if node.module else {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pyscript_ffi."):
            found.add(node.module.split(".", 1)[1])  # type: ignore[union-attr]
    return found


def test_the_call_path_imports_one_way_down():
    # a call goes proxy -> channel -> broker and back: the channel imports no module above it,
    # and makes proxies through the tracking it is given (no circle between channel and proxy)
    package = ROOT / "pyscript_ffi"
    assert _imports_within_the_package(package / "channel.py") == set()
    assert "channel" in _imports_within_the_package(package / "proxy.py")
    assert _imports_within_the_package(package / "_method_calls.py") == set()  # below proxy.py


def _reads_the_interpreter_name(path: Path) -> bool:
    """Whether `path` reads ``sys.implementation`` (in any spelling: ``sys.implementation``,
    ``from sys import implementation``, ``__import__("sys").implementation``)."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Attribute) and node.attr == "implementation":
            return True
        if isinstance(node, ast.ImportFrom) and node.module == "sys" and any(
                a.name == "implementation" for a in node.names):
            return True
    return False


def test_one_module_decides_the_interpreter():
    # MicroPython's differences are named once, in broker/interpreter.py; the shared runtime and
    # the pyscript layer over it consult those names (or are handed a strategy where a worker
    # starts) and never ask themselves
    runtime = [path for package in ("broker", "pyscript_ffi", "pyscript")
               for path in (ROOT / package).rglob("*.py") if "tools" not in path.parts]
    readers = {path.relative_to(ROOT).as_posix() for path in runtime
               if _reads_the_interpreter_name(path)}
    assert readers == {"broker/interpreter.py"}
