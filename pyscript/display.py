"""PyScript's ``display()``: Python values shown in the page, by their richest representation.

The same rules as PyScript's: a ``str`` is shown as escaped text; other objects by
``_repr_mimebundle_``, else the first of ``savefig`` (PNG), ``_repr_png_``, ``_repr_jpeg_``,
``_repr_svg_``, ``_repr_html_``, ``_repr_json_``, ``_repr_javascript_``, else ``repr()`` as
escaped text. From a worker the page's element is written through its proxies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .context import current_target
from .ffi import is_none

if TYPE_CHECKING:
    from collections.abc import Callable


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#x27;"))


def _base64(data: bytes | bytearray) -> str:
    import binascii

    return binascii.b2a_base64(data).decode().strip()


def _image(mime: str, value: Any, meta: dict[str, Any]) -> str:
    if isinstance(value, (bytes, bytearray)):
        value = _base64(value)
    attrs = "".join(f' {key}="{val}"' for key, val in meta.items())
    return f'<img src="data:{mime};base64,{value}"{attrs}>'


_RENDERERS: dict[str, Callable[[Any, dict[str, Any]], str]] = {
    "text/plain": lambda value, meta: _escape(value),
    "text/html": lambda value, meta: value,
    "image/png": lambda value, meta: _image("image/png", value, meta),
    "image/jpeg": lambda value, meta: _image("image/jpeg", value, meta),
    "image/svg+xml": lambda value, meta: value,
    "application/json": lambda value, meta: value,
    "application/javascript": lambda value, meta: f"<script>{value}<\\/script>",
}

#: in order of preference (a list: MicroPython's dicts keep no order)
_METHODS = [
    ("savefig", "image/png"),
    ("_repr_png_", "image/png"),
    ("_repr_jpeg_", "image/jpeg"),
    ("_repr_svg_", "image/svg+xml"),
    ("_repr_html_", "text/html"),
    ("_repr_json_", "application/json"),
    ("_repr_javascript_", "application/javascript"),
    ("__repr__", "text/plain"),
]


class HTML:
    """A string shown as HTML, not escaped: ``display(HTML("<b>bold</b>"))``."""

    def __init__(self, html: str) -> None:
        self._html = html

    def _repr_html_(self) -> str:
        return self._html


def _representation(obj: Any, method: str) -> Any:
    if method == "__repr__":
        return repr(obj)
    if not hasattr(obj, method):
        return None
    if method == "savefig":
        import io

        buffer = io.BytesIO()
        obj.savefig(buffer, format="png")
        return _base64(buffer.getvalue())
    return getattr(obj, method)()


def _content_and_mime(obj: Any) -> tuple[str, str]:
    if isinstance(obj, str):
        return _escape(obj), "text/plain"
    bundle = _representation(obj, "_repr_mimebundle_")
    if bundle:
        formats, shared_meta = bundle if isinstance(bundle, tuple) else (bundle, {})
        for mime, output in formats.items():
            if mime in _RENDERERS:
                meta = dict(shared_meta.get(mime, {}))
                if isinstance(output, tuple):
                    output, own_meta = output
                    meta.update(own_meta)
                return _RENDERERS[mime](output, meta), mime
    for method, mime in _METHODS:
        output = _representation(obj, method)
        if output is None:
            continue
        meta = {}
        if isinstance(output, tuple):
            output, meta = output
        return _RENDERERS[mime](output, meta), mime
    return _escape(repr(obj)), "text/plain"


def _write(document: Any, element: Any, value: object, append: bool) -> None:
    content, mime = _content_and_mime(value)
    if not content.strip():
        return
    if append:
        container = document.createElement("div")
        element.append(container)
    else:
        container = element
    if mime in ("application/javascript", "text/html"):
        container.append(document.createRange().createContextualFragment(content))
    else:
        container.innerHTML = content


def display(*values: object, target: str | None = None, append: bool = True) -> None:
    """Show each of `values` in the element with id `target` (a leading "#" is dropped), by
    default the running tag's target. ``append=False`` empties the element first.

    Raises ValueError if no element has that id.
    """
    from pyscript_ffi import _runtime

    document = _runtime.current().document
    if isinstance(target, str):
        target = target[1:] if target.startswith("#") else target
    elif is_none(target):
        target = current_target()
    element = document.getElementById(target)
    if is_none(element):
        raise ValueError(f"Cannot find element with id='{target}' in the page.")
    if element.tagName == "SCRIPT" and hasattr(element, "target"):
        element = element.target
    if not append:
        element.replaceChildren()
    for value in values:
        _write(document, element, value, append)
