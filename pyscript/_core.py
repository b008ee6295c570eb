"""The pyscript package set up in an interpreter that runs PyScript tags: called by
js_glue/environment.js before the first tag's code, on the page's thread or in a worker."""

from __future__ import annotations


def start(in_worker: bool) -> None:
    import js  # type: ignore[import-not-found]

    from pyscript_ffi import _runtime

    if not in_worker:
        _runtime.install_local(js)
    import pyscript

    if in_worker:
        js.document = pyscript.document  # as PyScript: `import js; js.document` is the page's
