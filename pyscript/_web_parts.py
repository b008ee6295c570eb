"""The parts of a ``pyscript.web`` element that stand for a DOM collection: ``Classes`` (its
``classList`` as a set), ``Style`` (its ``style`` as a dict) and ``Options`` (a select's,
datalist's or optgroup's options). pyscript/web.py re-exports them, as PyScript has them there."""

from __future__ import annotations

from typing import Any

from pyscript_ffi import _runtime

__all__ = ["Classes", "HasOptions", "Options", "Style"]


def _names(class_name: str) -> list[str]:
    return [name for name in class_name.split() if name] if " " in class_name else [class_name]


class Classes(set):  # type: ignore[type-arg]
    """An element's CSS classes as a set; each change is made to its ``classList`` too. (The
    set is read from the DOM when first asked for.)"""

    def __init__(self, element: Any) -> None:
        self._class_list = element._dom_element.classList
        super().__init__(str(element._dom_element.className).split())

    def add(self, class_name: str) -> None:
        """Add a class (or several, space-separated)."""
        for name in _names(class_name):
            super().add(name)
            self._class_list.add(name)

    def remove(self, class_name: str) -> None:
        """Remove a class (or several); one that is absent is warned about on the console."""
        for name in _names(class_name):
            if name in self:
                super().remove(name)
                self._class_list.remove(name)
            else:
                _runtime.current().window.console.warn(
                    f"Class '{name}' not found in element classes.")

    def discard(self, class_name: Any) -> None:
        for name in _names(class_name):
            super().discard(name)
            self._class_list.remove(name)  # (removing an absent class does nothing)

    def clear(self) -> None:
        super().clear()
        self._class_list.value = ""


class Style(dict):  # type: ignore[type-arg]
    """An element's inline style as a dict of CSS names (``"background-color"``); setting or
    deleting a key sets or removes the property. Reading gives what was set through it."""

    def __init__(self, element: Any, known: Any = None) -> None:
        """`known`: properties the element was made with (already set in the DOM)."""
        self._element = element
        self._declaration: Any = None  # the DOM's, read on first change
        super().__init__()
        for key, value in (known or {}).items():
            super().__setitem__(key, value)

    def _css(self) -> Any:
        if self._declaration is None:
            self._declaration = self._element._dom_element.style
        return self._declaration

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self._css().setProperty(key, str(value))

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._css().removeProperty(key)


class HasOptions:
    """A mixin for elements with ``options``."""

    _options: Options | None = None

    @property
    def options(self) -> Options:
        if self._options is None:
            self._options = Options(self)
        return self._options


class Options:
    """The options of a select, datalist or optgroup: indexable, iterable, ``selected``,
    ``add``, ``remove``, ``clear``."""

    #: the class of a new <option> (set by pyscript/web.py once its classes exist)
    option_class: Any = None

    def __init__(self, element: Any) -> None:
        self._element = element

    def __getitem__(self, key: Any) -> Any:
        return self.options[key]

    def __iter__(self) -> Any:
        yield from self.options

    def __len__(self) -> int:
        return len(self.options)

    def __repr__(self) -> str:
        return f"{type(self).__name__} (length: {len(self)}) {self.options}"

    @property
    def options(self) -> list[Any]:
        wrap = type(self._element).wrap_dom_element
        return [wrap(o, "option") for o in self._element._dom_element.options]

    @property
    def selected(self) -> Any:
        return self.options[self._element._dom_element.selectedIndex]

    def add(self, value: Any = None, html: str | None = None, text: str | None = None,
            before: Any = None, **kwargs: Any) -> None:
        """Add an ``<option>`` with `value`, `html` (its innerHTML) or `text`, and other
        attributes, before `before` (an element or an index) or at the end."""
        if value:
            kwargs["value"] = value
        if html:
            kwargs["innerHTML"] = html
        if text:
            kwargs["text"] = text
        option = self.option_class(**kwargs)
        if before is not None and hasattr(before, "_dom_element"):
            before = before._dom_element
        self._element._dom_element.add(option._dom_element, before)

    def clear(self) -> None:
        self._element._dom_element.length = 0

    def remove(self, index: int) -> None:
        self._element._dom_element.remove(index)
