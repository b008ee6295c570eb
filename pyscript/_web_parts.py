"""The parts of a ``pyscript.web`` element that stand for a DOM collection: ``Classes`` (its
``classList`` as a set), ``Style`` (its ``style`` as a dict) and ``Options`` (a select's,
datalist's or optgroup's options). pyscript/web.py re-exports them, as PyScript has them there."""

from __future__ import annotations

from typing import Any

from pyscript_ffi import _runtime

from ._dom_calls import dom_call

__all__ = ["Classes", "HasOptions", "Options", "Style"]


def _names(class_name: str) -> list[str]:
    return [name for name in class_name.split() if name] if " " in class_name else [class_name]


class Classes(set):  # type: ignore[type-arg]
    """An element's CSS classes as a set; each change is made to its ``classList`` too. (The
    set is read from the DOM when first asked for: one round trip from a worker, none for an
    element still a description, whose changes go into the description.)"""

    def __init__(self, element: Any) -> None:
        self._element = element
        spec = _described_classes(element)
        super().__init__(spec if spec is not None else
                         str(element._dom_element.className).split())

    def known(self, names: list[str]) -> None:
        """`names` were added in the DOM (ElementCollection.update_all): the set has them too."""
        for name in names:
            super().add(name)

    def _change(self, op: str, names: list[str]) -> None:
        """Do `op` ("add", "remove", "clear") with `names` in the DOM, or in the description."""
        spec = _described_classes(self._element)
        if spec is not None:
            if op == "add":
                spec.extend(n for n in names if n not in spec)
            else:
                spec[:] = [] if op == "clear" else [n for n in spec if n not in names]
            return
        call = dom_call("classes")
        if call is not None:
            call(self._element._dom_element, op, names)
            return
        class_list = self._element._dom_element.classList
        if op == "clear":
            class_list.value = ""
        for name in names:
            class_list.add(name) if op == "add" else class_list.remove(name)

    def add(self, class_name: str) -> None:
        """Add a class (or several, space-separated)."""
        names = _names(class_name)
        for name in names:
            super().add(name)
        self._change("add", names)

    def remove(self, class_name: str) -> None:
        """Remove a class (or several); one that is absent is warned about on the console."""
        present = []
        for name in _names(class_name):
            if name in self:
                super().remove(name)
                present.append(name)
            else:
                _runtime.current().window.console.warn(
                    f"Class '{name}' not found in element classes.")
        if present:
            self._change("remove", present)

    def discard(self, class_name: Any) -> None:
        names = _names(class_name)
        for name in names:
            super().discard(name)
        self._change("remove", names)  # (removing an absent class does nothing)

    def clear(self) -> None:
        super().clear()
        self._change("clear", [])


def _described_classes(element: Any) -> list[str] | None:
    """The class list of `element`'s description (in a worker, before it is made), or None: it
    is made, or its description sets ``className`` itself (after the classes: made first)."""
    spec = element._spec
    return None if spec is None or "className" in spec[1] else spec[2]


class Style(dict):  # type: ignore[type-arg]
    """An element's inline style as a dict of CSS names (``"background-color"``); setting or
    deleting a key sets or removes the property (in the element's description while it is
    one). Reading gives what was set through it."""

    def __init__(self, element: Any, known: Any = None) -> None:
        """`known`: properties the element was made with (already set in the DOM)."""
        self._element = element
        self._declaration: Any = None  # the DOM's, read on first change
        super().__init__()
        self.known(known or {})

    def known(self, properties: dict[str, Any]) -> None:
        """`properties` were set in the DOM (or the description): the dict has them too."""
        for key, value in properties.items():
            super().__setitem__(key, value)

    def _css(self) -> Any:
        if self._declaration is None:
            self._declaration = self._element._dom_element.style
        return self._declaration

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        spec = self._element._spec
        if spec is not None:
            spec[3][key] = value
        else:
            self._css().setProperty(key, str(value))

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        spec = self._element._spec
        if spec is not None:
            spec[3].pop(key, None)
        else:
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
