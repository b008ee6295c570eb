"""PyScript's ``pyscript.web``: the page and its elements as Python objects, the same on Pyodide and
MicroPython, on the page's thread and in a worker.

    from pyscript import web
    web.page.append(web.div(web.h1("Title"), "<p>html</p>", id="box", classes=["card"]))
    for row in web.page.find(".row"):
        row.classes.add("seen")
    web.page["box"].style["color"] = "red"

``web.<tag>(...)`` makes an element (a class per HTML tag; ``input_``, ``del_``, ``map_`` and
``object_`` for the names Python reserves); ``Element``, ``ElementCollection``, ``Classes``,
``Style``, ``Options`` and ``Page`` behave as PyScript 0.7.31's.

In a worker an element made new (``web.div(...)``) is not sent at once: it is a description
until the page's DOM needs it, when it and every element made inside it (``web.tr(web.td(s))``)
are made together in one round trip, or in the round trip that appends them
(``page.append(table)``). Through the page's calls of js_glue/pyscript-dom.js
(pyscript/_dom_calls.py) each whole operation is one round trip: ``find`` (on an element or a
collection), ``children``, looking up an id, ``append``, a change of ``classes`` (and none while
the element is a description), ``update_all`` on a collection. The wrappers learn each element's
tag in the same trip. Reading or setting one attribute is one round trip, as any proxy's, and
so is reading an element's ``classes`` the first time.
"""

from __future__ import annotations

from typing import Any

from pyscript_ffi import _runtime

from ._dom_calls import dom_call
from ._web_parts import Classes, HasOptions, Options, Style
from .events import Event
from .ffi import create_proxy, is_none

__all__ = ["CONTAINER_TAGS", "VOID_TAGS", "Classes", "ContainerElement", "Element",
           "ElementCollection", "Event", "HasOptions", "Options", "Page", "Style", "page"]

#: Python names for the DOM's (trailing underscores aside)
_DOM_NAMES = {"for": "htmlFor", "class": "className"}


def _document() -> Any:
    return _runtime.current().document


def _dom_name(name: str) -> str:
    name = name[:-1] if name.endswith("_") else name
    return _DOM_NAMES.get(name, name)


def _wrap_tagged(tags: Any, elements: Any) -> list[Element]:
    return [Element.wrap_dom_element(elements[i], tags[i]) for i in range(len(tags))]


def _wrap_if_not_none(dom_element: Any) -> Element | None:
    return None if is_none(dom_element) else Element.wrap_dom_element(dom_element)


def _find_in_all(roots: list[Any], selector: str) -> ElementCollection | None:
    """What each of `roots` finds, in one round trip from a worker (None elsewhere)."""
    call = dom_call("findAll")
    return None if call is None else ElementCollection(_wrap_tagged(*call(roots, selector)))


def _find_and_wrap(root: Any, selector: str) -> ElementCollection:
    call = dom_call("find")
    if call is not None:
        return ElementCollection(_wrap_tagged(*call(root, selector)))
    return ElementCollection.wrap_dom_elements(root.querySelectorAll(selector))


def _find_by_id(root: Any, key: str) -> Element | None:
    element_id = key[1:] if key.startswith("#") else key
    call = dom_call("byId")
    if call is not None:
        found = call(root, element_id)
        return None if found is None else _wrap_tagged(*found)[0]
    css = _runtime.current().window.CSS
    return _wrap_if_not_none(root.querySelector("#" + css.escape(element_id)))


class Element:
    """An HTML element: made new (``web.div(...)``) or wrapping one of the page's
    (``Element.wrap_dom_element(node)``). Attributes read and write the DOM element's (``for_``
    and ``class_`` for ``htmlFor`` and ``className``); ``on_<event>`` is an ``Event`` the DOM
    event triggers; ``classes`` is a set, ``style`` a dict, both kept in the DOM."""

    element_classes_by_tag_name: dict[str, type[Element]] = {}

    #: the DOM element (None while this is a description, in a worker: `_spec`)
    _dom: Any = None
    #: in a worker, until the page's DOM needs it: [tag, props, classes, style, children]
    #: (pyscript-dom.js's Spec; a child is another description's Element, a DOM element, a str
    #: of HTML or {"text": s}), made in one round trip with its children (`_materialize`)
    _spec: list[Any] | None = None
    #: the description whose children include this one, while both are descriptions
    _holder: Element | None = None

    @classmethod
    def get_tag_name(cls) -> str:
        return cls.__name__.replace("_", "")

    @classmethod
    def register_element_classes(cls, element_classes: list[type[Element]]) -> None:
        for element_class in element_classes:
            cls.element_classes_by_tag_name[element_class.get_tag_name()] = element_class

    @classmethod
    def unregister_element_classes(cls, element_classes: list[type[Element]]) -> None:
        for element_class in element_classes:
            cls.element_classes_by_tag_name.pop(element_class.get_tag_name(), None)

    @classmethod
    def wrap_dom_element(cls, dom_element: Any, tag: str | None = None) -> Element:
        """`dom_element` wrapped in its tag's class (`Element` for tags without one). `tag`, if
        known, saves reading the element's ``tagName``."""
        name = tag if tag is not None else str(dom_element.tagName).lower()
        return cls.element_classes_by_tag_name.get(name, cls)(dom_element=dom_element)

    def __init__(self, dom_element: Any = None, classes: Any = None, style: Any = None,
                 **kwargs: Any) -> None:
        self._on_events: dict[str, Event] = {}
        if is_none(dom_element):
            _create(self, classes, style, kwargs, [])
            self._made(style, kwargs)
            return
        self._dom = dom_element
        self.update(classes=classes, style=style, **kwargs)

    @property
    def _dom_element(self) -> Any:
        """The DOM element (a description is made first: `_materialize`)."""
        if self._spec is not None:
            _materialize(self)
        return self._dom

    def _made(self, style: Any, kwargs: dict[str, Any]) -> None:
        """After `_create`: the style it set remembered, the ``on_*`` keywords listened for."""
        if style:
            self._style = Style(self, style)
        for key, value in kwargs.items():
            if key.startswith("on_"):
                self.get_event(key).add_listener(value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Element) and other._dom_element == self._dom_element

    def __hash__(self) -> int:
        return id(self)

    def __getitem__(self, key: Any) -> Any:
        """An int or slice: its children's; a str: the element under it with that id (an
        optional leading ``#``), or None."""
        if isinstance(key, (int, slice)):
            return self.children[key]
        if isinstance(key, str):
            return _find_by_id(self._dom_element, key)
        raise TypeError(f"Element indices must be integers, slices, or strings, not "
                        f"{type(key).__name__}")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # a private name not set yet: not the DOM's
            raise AttributeError(name)
        if name.startswith("on_"):
            return self.get_event(name)
        return getattr(self._dom_element, _dom_name(name))

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "_dom_element":  # (the property has no setter: it is `_dom`)
            self._spec = self._holder = None
            object.__setattr__(self, "_dom", value)
        elif name.startswith("_"):
            object.__setattr__(self, name, value)
        elif name.startswith("on_"):
            self.get_event(name).add_listener(value)
        else:
            setattr(self._dom_element, _dom_name(name), value)

    def get_event(self, name: str) -> Event:
        """The ``Event`` that DOM event `name` (``on_click``: ``click``) of this element
        triggers, made and listened for on first use.

        Raises:
            ValueError: `name` does not start with ``on_``, or the element has no such event.
        """
        if not name.startswith("on_"):
            raise ValueError(f"Event names start with 'on_' (on_click, ...), not {name!r}")
        event = self._on_events.get(name)
        if event is None:
            event_name = name[3:]
            if not hasattr(self._dom_element, event_name) and not hasattr(
                    self._dom_element, "on" + event_name):
                raise ValueError(f"Element has no '{event_name}' event.")
            event = self._on_events[name] = Event()
            self._dom_element.addEventListener(event_name, create_proxy(event.trigger))
        return event

    @property
    def children(self) -> ElementCollection:
        call = dom_call("children")
        if call is not None:
            return ElementCollection(_wrap_tagged(*call(self._dom_element)))
        return ElementCollection.wrap_dom_elements(self._dom_element.children)

    _classes: Classes | None = None
    _style: Style | None = None

    @property
    def classes(self) -> Classes:
        if self._classes is None:
            self._classes = Classes(self)
        return self._classes

    @property
    def style(self) -> Style:
        if self._style is None:
            self._style = Style(self)
        return self._style

    @property
    def parent(self) -> Element | None:
        parent = self._dom_element.parentElement
        return None if is_none(parent) else Element.wrap_dom_element(parent)

    def append(self, *items: Any) -> None:
        """Append elements, collections, lists or tuples of them, DOM nodes, NodeLists, or
        str, int, float and bool (as text). In a worker one round trip, which makes the
        elements still descriptions too; none if this element is a description itself.

        Raises:
            TypeError: an item of another type.
        """
        call = dom_call("append")
        if call is None:
            nodes = _nodes(items)
            if nodes:
                self._dom_element.append(*nodes)
            return
        if self._spec is not None:  # a description: they join it (made with it)
            self._spec[4].extend(_entries(self, _flat(items), text=True))
            return
        entries = _entries(None, _flat(items), text=True)
        if entries:
            _settle([e for e in entries if isinstance(e, Element)],
                    call(self._dom_element, _encoded(entries)))

    def clone(self, clone_id: str | None = None) -> Element:
        clone = Element.wrap_dom_element(self._dom_element.cloneNode(True))
        clone.id = clone_id
        return clone

    def find(self, selector: str) -> ElementCollection:
        """Every descendant matching the CSS `selector` (one round trip from a worker)."""
        return _find_and_wrap(self._dom_element, selector)

    def show_me(self) -> None:
        self._dom_element.scrollIntoView()

    def update(self, classes: Any = None, style: Any = None, **kwargs: Any) -> None:
        """Add `classes` (a name, space-separated names, or a list), set `style` (a dict of CSS
        names), and set each keyword as an attribute."""
        if classes:
            for name in [classes] if isinstance(classes, str) else classes:
                self.classes.add(name)
        if style:
            for key, value in style.items():
                self.style[key] = value
        for name, value in kwargs.items():
            setattr(self, name, value)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} element>"


def _flat(items: Any) -> list[Any]:
    """`items` with lists, tuples and collections opened (DOM NodeLists too); str, int, float
    and bool as str.

    Raises:
        TypeError: an item of another type.
    """
    flat: list[Any] = []
    for item in items:
        if isinstance(item, Element):
            flat.append(item)
        elif isinstance(item, ElementCollection):
            flat.extend(item)
        elif isinstance(item, (list, tuple)):
            flat.extend(_flat(item))
        elif isinstance(item, (str, int, float, bool)):
            flat.append(str(item))
        elif hasattr(item, "tagName"):
            flat.append(item)
        elif hasattr(item, "length"):
            flat.extend(item)
        else:
            raise TypeError(f"Cannot append {type(item).__name__} to element: append elements, "
                            "DOM nodes or text")
    return flat


def _nodes(items: Any) -> list[Any]:
    """`items` (see `_flat`) as what a DOM element's ``append`` takes."""
    return [i._dom_element if isinstance(i, Element) else i for i in _flat(items)]


def _entries(holder: Element | None, children: list[Any], text: bool) -> list[Any]:
    """`children` (Elements, DOM elements, str) as a Spec's children or ``append``'s items: a
    description is held by `holder` (made with it; one held elsewhere is made first), an
    Element made is its DOM element, a str is HTML or, with `text`, ``{"text": s}``."""
    entries: list[Any] = []
    taken: set[int] = set()  # the descriptions taken here (one given twice moves, as in the DOM)
    for child in children:
        if isinstance(child, Element):
            if id(child) in taken:
                entries = [e for e in entries if e is not child] + [child]
            elif child._spec is not None and child._holder is None:
                child._holder = holder
                taken.add(id(child))
                entries.append(child)
            else:
                entries.append(child._dom_element)
        elif isinstance(child, str):
            entries.append({"text": child} if text else child)
        else:
            entries.append(child)
    return entries


def _encoded(entries: list[Any]) -> list[Any]:
    """Entries as they cross: a description as its Spec, its children encoded too."""
    return [_spec_of(e) if isinstance(e, Element) else e for e in entries]


def _spec_of(element: Element) -> list[Any]:
    tag, props, classes, style, children = element._spec  # type: ignore[misc]
    return [tag, props, classes, style, _encoded(children)]


def _descriptions(element: Element, out: list[Element]) -> list[Element]:
    """`element` and the descriptions it holds, depth-first (the order the page makes them)."""
    out.append(element)
    for child in element._spec[4]:  # type: ignore[index]
        if isinstance(child, Element):
            _descriptions(child, out)
    return out


def _settle(roots: list[Element], made: Any) -> None:
    """Give each description of `roots` (and those they hold) its DOM element from `made`, the
    page's elements in the same order."""
    described: list[Element] = []
    for root in roots:
        _descriptions(root, described)
    for index, element in enumerate(described):
        object.__setattr__(element, "_dom", made[index])
        element._spec = element._holder = None


def _materialize(element: Element) -> None:
    """Make `element`'s description in the page (one round trip), with the description holding
    it and everything that holds."""
    root = element
    while root._holder is not None:
        root = root._holder
    _settle([root], dom_call("build")(_spec_of(root)))


def _create(element: Element, classes: Any, style: Any, kwargs: dict[str, Any],
            children: list[Any]) -> None:
    """Make `element` new, with its classes, style, attributes and children (elements,
    collections, or anything else as HTML): in a worker a description (no round trip), on the
    page's thread at once. The caller listens for the ``on_*`` keywords."""
    tag = type(element).get_tag_name()
    names: list[str] = []
    if classes:
        for entry in [classes] if isinstance(classes, str) else classes:
            names.extend(n for n in entry.split() if n)
    props = {_dom_name(k): v for k, v in kwargs.items() if not k.startswith("on_")}
    given: list[Any] = []
    for child in children:
        if isinstance(child, ElementCollection):
            given.extend(child)
        else:
            given.append(child if isinstance(child, Element) else str(child))
    if dom_call("build") is not None:
        element._spec = [tag, props, names, dict(style or {}), []]
        element._spec[4] = _entries(element, given, text=False)
        return
    dom = _document().createElement(tag)
    for name in names:
        dom.classList.add(name)
    for key, value in (style or {}).items():
        dom.style.setProperty(key, str(value))
    for key, value in props.items():
        setattr(dom, key, value)
    for child in given:
        if isinstance(child, str):
            dom.insertAdjacentHTML("beforeend", child)
        else:
            dom.append(child._dom_element)
    element._dom = dom


class ContainerElement(Element):
    """An element that holds others: children given positionally or as ``children=[...]``
    (elements and collections appended, anything else inserted as HTML)."""

    def __init__(self, *args: Any, children: Any = None, dom_element: Any = None,
                 style: Any = None, classes: Any = None, **kwargs: Any) -> None:
        given = list(args) + list(children or [])
        if is_none(dom_element):
            self._on_events = {}
            _create(self, classes, style, kwargs, given)
            self._made(style, kwargs)
            return
        super().__init__(dom_element=dom_element, style=style, classes=classes, **kwargs)
        for child in given:
            if isinstance(child, (Element, ElementCollection)):
                self.append(child)
            else:
                self._dom_element.insertAdjacentHTML("beforeend", str(child))

    def __iter__(self) -> Any:
        yield from self.children


class ElementCollection:
    """A list of `Element`s: indexing (a slice gives a collection, a str an id), ``find``,
    ``update_all``."""

    @classmethod
    def wrap_dom_elements(cls, dom_elements: Any) -> ElementCollection:
        return cls([Element.wrap_dom_element(e) for e in dom_elements])

    def __init__(self, elements: list[Element]) -> None:
        self._elements = elements

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ElementCollection) and other._elements == self._elements

    def __hash__(self) -> int:
        return id(self)

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, int):
            return self._elements[key]
        if isinstance(key, slice):
            return ElementCollection(self._elements[key])
        if isinstance(key, str):
            element_id = key[1:] if key.startswith("#") else key
            for element in self._elements:
                if element.id == element_id:
                    return element
                found = _find_by_id(element._dom_element, element_id)
                if found is not None:
                    return found
            return None
        raise TypeError(f"Collection indices must be integers, slices, or strings, not "
                        f"{type(key).__name__}")

    def __iter__(self) -> Any:
        yield from self._elements

    def __len__(self) -> int:
        return len(self._elements)

    def __repr__(self) -> str:
        return f"{type(self).__name__} (length: {len(self._elements)}) {self._elements}"

    @property
    def elements(self) -> list[Element]:
        return self._elements

    def find(self, selector: str) -> ElementCollection:
        """What each element finds, in order (one round trip from a worker)."""
        together = _find_in_all([e._dom_element for e in self._elements], selector)
        if together is not None:
            return together
        found: list[Element] = []
        for element in self._elements:
            found.extend(_find_and_wrap(element._dom_element, selector))
        return ElementCollection(found)

    def update_all(self, classes: Any = None, style: Any = None, **kwargs: Any) -> None:
        """Each element's ``update``: one round trip from a worker for them all (unless a
        keyword is an ``on_*`` listener, added element by element)."""
        call = dom_call("updateAll")
        if call is None or any(k.startswith("on_") for k in kwargs):
            for element in self._elements:
                element.update(classes=classes, style=style, **kwargs)
            return
        names: list[str] = []
        for entry in ([classes] if isinstance(classes, str) else classes) if classes else []:
            names.extend(n for n in entry.split() if n)
        style = dict(style or {})
        call([e._dom_element for e in self._elements], names, style,
             {_dom_name(k): v for k, v in kwargs.items()})
        for element in self._elements:  # the Python sides kept as update() keeps them
            if element._classes is not None:
                element._classes.known(names)
            if style:
                element.style.known(style)


class canvas(ContainerElement):  # noqa: N801 (PyScript's names are the tags')
    """A ``<canvas>`` that can ``download`` its picture and ``draw`` an image source."""

    def download(self, filename: str = "snapped.png") -> None:
        link = Element.element_classes_by_tag_name["a"](
            download=filename, href=self._dom_element.toDataURL())
        self.append(link)
        link._dom_element.click()

    def draw(self, what: Any, width: Any = None, height: Any = None) -> None:
        if isinstance(what, Element):
            what = what._dom_element
        context = self._dom_element.getContext("2d")
        if width or height:
            context.drawImage(what, 0, 0, width, height)
        else:
            context.drawImage(what, 0, 0)


class video(ContainerElement):  # noqa: N801
    """A ``<video>`` that can ``snap`` a frame to a canvas."""

    def snap(self, to: Any = None, width: Any = None, height: Any = None) -> canvas:
        """Draw the current frame on `to` (a canvas element, a DOM canvas, a selector, or a
        new canvas) and return it.

        Raises:
            TypeError: `to` is not a canvas, or the selector matches nothing.
        """
        width = width if width else self.videoWidth
        height = height if height else self.videoHeight
        if is_none(to):
            to = canvas(width=width, height=height)
        elif isinstance(to, Element):
            if to.tagName.lower() != "canvas":
                raise TypeError("Element to snap to must be a canvas.")
        elif getattr(to, "tagName", "") == "CANVAS":
            to = canvas(dom_element=to)
        elif isinstance(to, str):
            found = _find_and_wrap(_document(), to)
            if not len(found):
                raise TypeError(f"No element with selector {to} to snap to.")
            if found[0].tagName != "CANVAS":
                raise TypeError("Element to snap to must be a canvas.")
            to = canvas(dom_element=found[0]._dom_element)
        to.draw(self, width, height)
        return to  # type: ignore[no-any-return]


class datalist(ContainerElement, HasOptions):  # noqa: N801
    """A ``<datalist>`` with ``options``."""


class optgroup(ContainerElement, HasOptions):  # noqa: N801
    """An ``<optgroup>`` with ``options``."""


class select(ContainerElement, HasOptions):  # noqa: N801
    """A ``<select>`` with ``options``."""


CONTAINER_TAGS = (
    "a abbr address article aside audio b blockquote body button caption cite code colgroup "
    "data dd del details dialog div dl dt em fieldset figcaption figure footer form h1 h2 h3 "
    "h4 h5 h6 head header hgroup html i iframe ins kbd label legend li main map mark menu meta "
    "meter nav object ol option output p param picture pre progress q s script section small "
    "span strong style sub summary sup table tbody td template textarea tfoot th thead time "
    "title tr u ul var wbr").split()
VOID_TAGS = "area base br col embed hr img input link source track".split()
_RESERVED = ("del", "map", "object", "input")  # Python's names: their classes end with "_"


def _element_classes() -> list[type[Element]]:
    made: list[type[Element]] = [canvas, video, datalist, optgroup, select]
    for tags, base in ((CONTAINER_TAGS, ContainerElement), (VOID_TAGS, Element)):
        for tag in tags:
            name = tag + "_" if tag in _RESERVED else tag
            made.append(type(name, (base,), {"__doc__": f"An HTML <{tag}> element."}))
            globals()[name] = made[-1]
    return made


Element.register_element_classes(_element_classes())
Options.option_class = Element.element_classes_by_tag_name["option"]


class Page:
    """The page: ``html``, ``head``, ``body``, ``title``, ``find``, ``append`` (to the body) and
    ``page["id"]``."""

    def __init__(self) -> None:
        self._roots: dict[str, Element] = {}

    def _root(self, name: str) -> Element:
        """The document's `name` element, wrapped on first use (importing pyscript.web costs no
        round trip)."""
        cached = self._roots.get(name)
        if cached is None:
            cached = self._roots[name] = Element.wrap_dom_element(
                getattr(_document(), name), {"documentElement": "html"}.get(name, name))
        return cached

    @property
    def html(self) -> Element:
        return self._root("documentElement")

    @property
    def head(self) -> Element:
        return self._root("head")

    @property
    def body(self) -> Element:
        return self._root("body")

    def __getitem__(self, key: str) -> Element | None:
        return _find_by_id(_document(), key)

    @property
    def title(self) -> str:
        return str(_document().title)

    @title.setter
    def title(self, value: str) -> None:
        _document().title = value

    def append(self, *items: Any) -> None:
        self.body.append(*items)

    def find(self, selector: str) -> ElementCollection:
        return _find_and_wrap(_document(), selector)


page = Page()
"""The page this code runs for (in a worker, the page that started it)."""

