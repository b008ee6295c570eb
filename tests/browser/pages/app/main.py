"""PyMain of tests/browser/pages/app: the same round trip on the page's own thread."""

from pyscript_ffi import document

source = document.getElementById("source").textContent
document.getElementById("main").textContent = "main read: " + source
