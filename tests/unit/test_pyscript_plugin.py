"""pyscript-plugin.js runs its worker half as one script (a worker hook cannot await an import):
it drops each module's import lines and `export` keywords and joins the modules in the order of
its WORKER_MODULES. These checks keep that list true to the modules as they change: every
module a listed one imports is listed before it, every import is one line, and no two modules
define the same top-level name (one scope holds them all)."""

from __future__ import annotations

import json
import re
from pathlib import Path

GLUE = Path(__file__).parents[2] / "js_glue"
IMPORT = re.compile(r'^import\b.*$', re.MULTILINE)
ONE_LINE_IMPORT = re.compile(r'^import \{[^}]*\} from "\./([\w-]+\.js)";$')
TOP_LEVEL = re.compile(r"^(?:export )?(?:async )?(?:function\*?|class|const|let) (\w+)",
                       re.MULTILINE)


def worker_modules() -> list[str]:
    source = (GLUE / "pyscript-plugin.js").read_text()
    found = re.search(r"^const WORKER_MODULES = (\[.*\]);$", source, re.MULTILINE)
    assert found, "pyscript-plugin.js no longer lists WORKER_MODULES on one line"
    return json.loads(found.group(1))


def test_each_module_comes_after_those_it_imports():
    modules = worker_modules()
    assert modules[-1] == "pyscript-worker.js"
    for index, name in enumerate(modules):
        text = (GLUE / name).read_text()
        for line in IMPORT.findall(text):
            match = ONE_LINE_IMPORT.match(line)
            assert match, f"{name}: {line!r} is not a one-line named import of a sibling module"
            assert match.group(1) in modules[:index], f"{name} imports {match.group(1)}, " \
                "which WORKER_MODULES does not list before it"
        assert "import(" not in text and "import.meta" not in text, name
        assert not re.search(r"^export (default|\{)", text, re.MULTILINE), name


def test_no_two_modules_define_the_same_name():
    seen: dict[str, str] = {}
    for name in worker_modules():
        for defined in TOP_LEVEL.findall((GLUE / name).read_text()):
            assert defined not in seen, f"{defined} is defined by {seen[defined]} and {name}"
            seen[defined] = name
    assert "connect" in seen
