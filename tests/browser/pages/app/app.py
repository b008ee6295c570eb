"""A worker of tests/browser/pages/app: reads the page's #source and writes its own paragraph."""

import sys

from pyscript_ffi import document

kind = sys.implementation.name
kind = "micropython" if kind == "micropython" else "pyodide"
text = document.getElementById("source").textContent
document.getElementById(kind).textContent = kind + " read: " + text
