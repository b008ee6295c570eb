"""The bundle every worker unpacks (``python.zip``; ``python.json`` for MicroPython, from
pyscript_ffi/assets.py) holds exactly what a worker imports: the runtime, not the CPython host,
the dev tools or the page's server."""

from __future__ import annotations

import ast
import io
import json
import zipfile
from pathlib import Path

from pyscript_ffi import assets

ROOT = Path(__file__).parents[2]

# Every file of the bundle. Adding a module to a package adds it here too, on purpose: if no
# worker imports it, list it in assets.NOT_FOR_WORKERS instead.
BUNDLE = [
    "broker/__init__.py",
    "broker/errors.py",
    "broker/handles.py",
    "broker/interpreter.py",
    "broker/minipack.py",
    "broker/protocol.py",
    "broker/py.typed",
    "broker/wire.py",
    "pyscript_ffi/__init__.py",
    "pyscript_ffi/_calls.py",
    "pyscript_ffi/_local_js.py",
    "pyscript_ffi/_method_calls.py",
    "pyscript_ffi/_micro.py",
    "pyscript_ffi/_micropython_lib/__future__.py",
    "pyscript_ffi/_micropython_lib/code.py",
    "pyscript_ffi/_micropython_lib/enum.py",
    "pyscript_ffi/_micropython_lib/typing.py",
    "pyscript_ffi/_pyodide.py",
    "pyscript_ffi/_runtime.py",
    "pyscript_ffi/_under_pyscript.py",
    "pyscript_ffi/_worker.py",
    "pyscript_ffi/api.py",
    "pyscript_ffi/channel.py",
    "pyscript_ffi/interrupts.py",
    "pyscript_ffi/paths.py",
    "pyscript_ffi/promises.py",
    "pyscript_ffi/proxy.py",
    "pyscript_ffi/py.typed",
    "pyscript_ffi/stdio.py",
    "pyscript_ffi/tracking.py",
    "pyscript/__init__.py",
    "pyscript/_core.py",
    "pyscript/_dom_calls.py",
    "pyscript/_editor.py",
    "pyscript/_py_import.py",
    "pyscript/_web_parts.py",
    "pyscript/context.py",
    "pyscript/display.py",
    "pyscript/events.py",
    "pyscript/fetch.py",
    "pyscript/ffi.py",
    "pyscript/fs.py",
    "pyscript/js_modules.py",
    "pyscript/media.py",
    "pyscript/named_workers.py",
    "pyscript/storage.py",
    "pyscript/util.py",
    "pyscript/web.py",
    "pyscript/websocket.py",
]

#: where each interpreter starts: the worker boots (js_glue/worker.js), PyMain on the page's
#: thread (js_glue/main.js), PyScript's tags (js_glue/environment.js), an editor env's worker
#: (js_glue/tag-editor-env.js), a PyScript worker under the plugin (js_glue/pyscript-worker.js),
#: and user code's imports (the pyscript submodules PyScript code imports by name:
#: `from pyscript import web`)
ENTRY_POINTS = ["pyscript_ffi/_pyodide.py", "pyscript_ffi/_micro.py", "pyscript_ffi/_runtime.py",
                "pyscript_ffi/__init__.py", "pyscript/__init__.py", "pyscript/_core.py",
                "pyscript/_editor.py", "pyscript_ffi/_under_pyscript.py",
                "pyscript/web.py", "pyscript/media.py", "pyscript/fs.py",
                "pyscript/js_modules.py"]


def _zip_names() -> list[str]:
    return zipfile.ZipFile(io.BytesIO(assets.python_zip())).namelist()


def test_the_bundle_holds_exactly_these_files():
    assert _zip_names() == BUNDLE


def test_micropython_gets_the_same_modules():
    # python.json: the same .py files, MicroPython's shims at the top of its path
    shims = "pyscript_ffi/_micropython_lib/"
    expected = {name.removeprefix(shims) for name in BUNDLE if name.endswith(".py")}
    assert set(json.loads(assets.python_files())) == expected


def test_what_is_left_out_exists():
    # a renamed module must not leave a stale name behind (and the new one in the bundle)
    for package, names in assets.NOT_FOR_WORKERS.items():
        for name in names - {"_assets"}:  # written by the wheel's build only
            assert (ROOT / package / name).exists(), f"{package}/{name}"


def _runtime_imports(path: Path) -> set[str]:
    """The modules of the three packages that `path` imports when it runs (lazily too), as
    files relative to ROOT; imports under ``if TYPE_CHECKING:`` are not run."""
    relative = path.relative_to(ROOT)
    package = relative.parent.parts  # what a relative import starts from
    found: set[str] = set()

    def module_file(parts: tuple[str, ...]) -> str | None:
        if not parts or parts[0] not in assets.PACKAGES:
            return None
        for candidate in ("/".join(parts) + ".py", "/".join(parts) + "/__init__.py"):
            if (ROOT / candidate).is_file():
                return candidate
        return None

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = tuple(alias.name.split("."))
                found.update(filter(None, (module_file(parts[:i + 1]) for i in range(len(parts)))))
        elif isinstance(node, ast.ImportFrom):
            base = (package[:len(package) - node.level + 1] if node.level else ())
            parts = base + tuple((node.module or "").split(".") if node.module else ())
            for i in range(len(parts)):
                found.update(filter(None, [module_file(parts[:i + 1])]))
            for alias in node.names:  # `from . import name`: a submodule, or a name in one
                found.update(filter(None, [module_file((*parts, alias.name))]))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text()))
    return found


def test_every_module_a_worker_can_reach_is_in_the_bundle():
    bundle = set(BUNDLE)
    reached, todo = set(), list(ENTRY_POINTS)
    while todo:
        name = todo.pop()
        if name in reached:
            continue
        reached.add(name)
        assert name in bundle, f"{name} is imported by a worker's module but not in the bundle"
        todo.extend(_runtime_imports(ROOT / name))
    assert "broker/wire.py" in reached and "pyscript_ffi/channel.py" in reached
    # the bundle is no bigger than what is reached (the shims are MicroPython's, by name)
    unreached = {name for name in bundle if name.endswith(".py")} - reached
    assert unreached == {name for name in BUNDLE if "_micropython_lib" in name}, unreached

