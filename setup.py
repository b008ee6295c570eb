"""The wheel's build step: copies the assets a page needs (the JS glue, msgpackr's browser
modules, Pyodide's and MicroPython's files, Pyodide's msgpack wheel) from the checkout's
js_glue/, node_modules/ and build/wheels/ into ``pyscript_ffi/_assets/``, so an installed
package needs no npm and no checkout. The rest of the configuration is in pyproject.toml."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build import build
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class CleanBuild(build):
    """Starts from an empty build/lib: a file removed from the sources must not linger there
    and end up in the wheel."""

    def run(self) -> None:
        shutil.rmtree(self.build_lib, ignore_errors=True)
        super().run()


class BuildWithAssets(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install serves the checkout's files directly
            return
        source = HERE / "pyscript_ffi" / "assets.py"
        spec = importlib.util.spec_from_file_location("_ffi_assets", source)
        assert spec is not None and spec.loader is not None
        assets = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = assets  # dataclasses and friends look modules up by name
        spec.loader.exec_module(assets)
        dest = Path(self.build_lib) / "pyscript_ffi" / "_assets"
        shutil.rmtree(dest, ignore_errors=True)
        try:
            written = assets.collect(dest)
        except assets.MissingAsset as exc:
            raise SystemExit(f"pyscript-ffi's build cannot copy the page assets: {exc}") from None
        print(f"pyscript-ffi: copied {len(written)} page assets into {dest}")


setup(cmdclass={"build": CleanBuild, "build_py": BuildWithAssets})
