"""pyscript_ffi/tools/upstream.py's rewrite of PyScript's suite for an offline run: the page's
core, the configs' upytest URL, interpreter and online-only packages, the left-out files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pyscript_ffi.tools import upstream

UPYTEST_URL = "https://raw.githubusercontent.com/ntoll/upytest/1.0.11/upytest.py"


def fake_suite(root: Path) -> Path:
    suite = root / "python"
    (suite / "tests").mkdir(parents=True)
    (suite / "index.html").write_text(
        '<link rel="stylesheet" href="../../dist/core.css">\n'
        '<script type="module" src="../../dist/core.js"></script>\n')
    (suite / "helper.js").write_text("")
    (suite / "main.py").write_text("upstream main\n")
    for name in ("test_fetch.py", "test_web.py"):
        (suite / "tests" / name).write_text("")
    files = {UPYTEST_URL: "", "./tests/test_fetch.py": "tests/test_fetch.py",
             "./tests/test_web.py": "tests/test_web.py"}
    (suite / "settings_py.json").write_text(json.dumps({"files": files, "packages": ["Pillow"]}))
    (suite / "settings_mpy.json").write_text(json.dumps({"files": files}))
    (root / "upytest.py").write_text("# upytest\n")
    return suite


@pytest.mark.parametrize("core", ["ours", "pyscript", "pyscript+plugin"])
def test_prepare_rewrites_the_suite_for_an_offline_run(tmp_path, core):
    suite = fake_suite(tmp_path / "src")
    dest = tmp_path / "site"
    notes = upstream.prepare(suite, tmp_path / "src" / "upytest.py", dest, core,
                             "http://127.0.0.1:9999", upstream.ONLINE_ONLY)
    home = dest / "tests" / "python"
    page = (home / "index.html").read_text()
    script, css = upstream.CORES[core]
    assert f'src="{script}"' in page and f'href="{css}"' in page
    assert "../../dist/" not in page
    # the plugin, where asked for, loads before the core (docs/pyscript.md), else it is absent
    plugin = page.find("/_ffi/pyscript-plugin.js")
    if core == "pyscript+plugin":
        assert -1 < plugin < page.find(f'src="{script}"')
    else:
        assert plugin == -1
    assert (home / "upytest.py").read_text() == "# upytest\n"
    assert not (home / "tests" / "test_fetch.py").exists()
    assert (home / "main.py").read_text() == "upstream main\n"  # upstream's own, unless per_file
    py = json.loads((home / "settings_py.json").read_text())
    assert py["files"] == {"./upytest.py": "", "./tests/test_web.py": "tests/test_web.py"}
    assert "packages" not in py  # Pillow dropped; an empty list would still load micropip
    mpy = json.loads((home / "settings_mpy.json").read_text())
    if core != "ours":  # PyScript's interpreter key, pointed at the local copies
        assert py["interpreter"] == "http://127.0.0.1:9999/_ffi/pyodide/pyodide.mjs"
        assert mpy["interpreter"] == "http://127.0.0.1:9999/_ffi/micropython/micropython.mjs"
    else:
        assert "interpreter" not in py and "interpreter" not in mpy
    assert any("test_fetch.py" in note for note in notes)
    assert any("Pillow" in note for note in notes)


def test_per_file_replaces_main(tmp_path):
    suite = fake_suite(tmp_path / "src")
    upstream.prepare(suite, tmp_path / "src" / "upytest.py", tmp_path / "site", "ours",
                     "http://127.0.0.1:1", (), per_file=True)
    main = (tmp_path / "site" / "tests" / "python" / "main.py").read_text()
    assert main == upstream.PER_FILE_MAIN
    compile(main, "main.py", "exec")  # valid Python (it awaits inside a function only)


def test_a_folder_that_is_not_the_suite_is_refused(tmp_path):
    with pytest.raises(upstream.SuiteError, match="core/tests/python"):
        upstream.prepare(tmp_path, tmp_path / "upytest.py", tmp_path / "site", "ours", "", ())


@pytest.mark.parametrize(("mode", "query"), [("mpy-main", ""), ("mpy-worker", "?worker"),
                                             ("py-main", "?type=py"),
                                             ("py-worker", "?type=py&worker")])
def test_modes_use_upstreams_query_string(mode, query):
    assert upstream.query(mode) == query
