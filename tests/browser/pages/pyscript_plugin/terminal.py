# A PyScript worker tag with PyScript's own terminal (tests/browser/test_pyscript_plugin.py):
# print goes to the terminal (PyScript's), the DOM through the page's channel.
from pyscript import document

try:
    from pyscript_ffi.proxy import JsProxy as _Ours
except ImportError:  # no plugin: PyScript's own channel
    _Ours = None

print("hello from the terminal worker")
ours = _Ours is not None and isinstance(document, _Ours)
document.body.dataset.via = "pyscript-ffi" if ours else "pyscript"
document.body.dataset.worker = "ready"
