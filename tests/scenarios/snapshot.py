"""What a Pyodide worker started from the origin's memory snapshot must have, driven by
tests/browser/test_snapshot.py: a fresh random state, a sys.path like a long boot's, msgpack's
C extension and the page's DOM."""

from __future__ import annotations

import random
import sys

import msgpack

from pyscript_ffi import document, js


def facts():
    return {
        "random": random.random(),
        "empty_on_path": sys.path.count(""),
        "path": "|".join(sys.path),
        "msgpack": msgpack.unpackb(msgpack.packb([1, "two", b"3"])) == [1, "two", b"3"],
        "compiled": msgpack.Packer.__module__,
        "title": document.title,
        "same_js": js.document.title == document.title,
    }


__export__ = ["facts"]
