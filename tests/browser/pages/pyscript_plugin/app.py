# A PyScript worker using pyscript.web, when and display (tests/browser/test_pyscript_plugin.py):
# unchanged PyScript code, run with and without pyscript-ffi's plugin on the page.
from pyscript import display, document, web, when

try:
    from pyscript_ffi.proxy import JsProxy as _Ours
except ImportError:  # no plugin: PyScript's own channel
    _Ours = None

table = web.table(id="rows")
for i in range(20):
    table.append(web.tr(web.td(f"row {i}", classes=["cell"])))
web.page.body.append(table)
for row in web.page.find("#rows tr"):
    row.classes.add("seen")

clicks = []


@when("click", "#go")
def clicked(event):
    clicks.append(event.type)
    document.getElementById("out").textContent = f"clicked {len(clicks)} {event.type}"


display("displayed from the worker")
body = document.body
ours = _Ours is not None and isinstance(document, _Ours)
body.dataset.via = "pyscript-ffi" if ours else "pyscript"
if body.dataset.via == "pyscript-ffi":
    from broker import wire

    packer = wire.msgpack.Packer
    body.dataset.codec = getattr(packer, "__module__", None) or wire.msgpack.__name__
    # (only here: under PyScript alone, MicroPython's worker did not return from this call)
    try:
        document.querySelector("!!")
        body.dataset.error = "none"
    except Exception as exc:  # noqa: BLE001 (what the channel's error says is the point)
        body.dataset.error = f"{type(exc).__name__}: {getattr(exc, 'name', '?')}"
body.dataset.rows = str(len(web.page.find("#rows tr.seen")))
body.dataset.worker = "ready"
