"""PyScript's ``pyscript.events``: ``Event``, a Python publish-subscribe event, and ``when``, which
connects a function to DOM events or to ``Event`` objects.

On the page's thread ``when`` uses the interpreter's own DOM. In a worker it registers the
handler on every matching element in **one** round trip, through the page's ``listen``
(pyscript/_dom_calls.py); without it, one call per element.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import TYPE_CHECKING, Any

from broker.interpreter import MICROPYTHON
from pyscript_ffi import _runtime

from ._dom_calls import dom_call
from .util import is_awaitable

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["Event", "when"]



class Event:
    """An event of your own: ``trigger(result)`` calls every listener with `result` (an async
    listener is scheduled as a task)."""

    def __init__(self) -> None:
        self._listeners: list[Callable[..., Any]] = []

    def trigger(self, result: Any) -> None:
        """Call each listener with `result`, in the order they were added. An exception from a
        plain listener propagates (the listeners after it are not called)."""
        for listener in self._listeners:
            if is_awaitable(listener):
                asyncio.create_task(listener(result))
            else:
                listener(result)

    def add_listener(self, listener: Callable[..., Any]) -> None:
        """Call `listener` on every trigger (once, however often it is added).

        Raises:
            ValueError: `listener` is not callable.
        """
        if not callable(listener):
            raise ValueError(f"Event listeners must be callable, not {type(listener).__name__}: "
                             "pass a function")
        if listener not in self._listeners:
            self._listeners.append(listener)

    def remove_listener(self, *listeners: Callable[..., Any]) -> None:
        """Stop calling `listeners` (those never added are ignored); with none, remove all."""
        if not listeners:
            self._listeners = []
            return
        for listener in listeners:
            if listener in self._listeners:
                self._listeners.remove(listener)


def when(event_type: Any, selector: Any = None, **options: Any) -> Callable[[Any], Any]:
    """Decorate a function to run on DOM event `event_type` (e.g. ``"click"``) of the elements
    `selector` names (a CSS selector, a ``pyscript.web`` element or collection, a DOM element or
    a list of them), or on an ``Event`` (or a list of them) given as `event_type`.

    The function may be async, and may take the event (its ``Event.trigger`` result) or nothing.
    `options` are addEventListener's (``capture``, ``once``, ``passive``, ``signal``; in a worker
    also ``invoke``), for DOM events only. Returns the wrapped function.

    Raises:
        ValueError: a DOM event without a selector, or a selector that matches no element.
    """
    if isinstance(event_type, str):
        if not selector:
            raise ValueError(f"when({event_type!r}) needs a selector: the CSS selector or the "
                             "elements whose events to handle")
        targets = _targets(selector)

    def decorator(func: Any) -> Any:
        wrapper = _wrapper(func)
        if isinstance(event_type, Event):
            event_type.add_listener(wrapper)
        elif isinstance(event_type, list) and all(isinstance(e, Event) for e in event_type):
            for event in event_type:
                event.add_listener(wrapper)
        elif isinstance(event_type, str):
            _listen(targets, event_type, wrapper, options, selector)
        else:
            raise TypeError(f"when() takes a DOM event name or Event objects, not "
                            f"{type(event_type).__name__}")
        return wrapper

    return decorator


def _targets(selector: Any) -> Any:
    """A CSS selector as it is; anything else as the list of DOM elements it stands for."""
    if isinstance(selector, str):
        return selector
    element = getattr(selector, "_dom_element", None)
    if element is not None:  # a pyscript.web Element
        return [element]
    if hasattr(selector, "_elements"):  # a pyscript.web ElementCollection
        return [e._dom_element for e in selector]
    if isinstance(selector, (list, tuple)):
        return [getattr(e, "_dom_element", e) for e in selector]
    return [selector]


def _listen(targets: Any, event_type: str, handler: Any, options: dict[str, Any],
            selector: Any) -> None:
    from .ffi import create_proxy, to_js

    installed = _runtime.current()
    proxy = create_proxy(handler)
    listen = dom_call("listen")
    if listen is not None:  # a worker: one round trip for every element
        found = listen(targets, event_type, proxy, options or False)
    else:
        elements = (list(installed.document.querySelectorAll(targets))
                    if isinstance(targets, str) else targets)
        js_options = to_js(options) if options else False
        for element in elements:
            element.addEventListener(event_type, proxy, js_options)
        found = len(elements)
    if not found:
        raise ValueError(f"when({event_type!r}, {selector!r}): no element matches the selector: "
                         "check it, or register once the elements exist")


class _Handler:
    """A function `@when` decorated, as a handler: called with the event (or the ``Event``'s
    result) if the function takes an argument, without if not. A coroutine it returns is
    scheduled as a task (the task is returned), so async functions work as DOM handlers on both
    interpreters. Stacked ``@when`` decorators wrap the same function once each."""

    def __init__(self, func: Any) -> None:
        self.__wrapped__ = func
        self._takes_event = isinstance(func, _Handler) or _takes_arguments(func)
        self.__name__ = getattr(func, "__name__", type(func).__name__)
        self.__doc__ = getattr(func, "__doc__", None)

    def __call__(self, *args: Any) -> Any:
        func = self.__wrapped__
        result = func(*args[:1]) if self._takes_event else func()
        if _is_coroutine(result):  # run as a task; the page gets None, not a Python task
            asyncio.create_task(result)
            return None
        return result

    def __repr__(self) -> str:
        return f"<when handler {self.__name__}>"


def _wrapper(func: Any) -> _Handler:
    if not callable(func):
        raise TypeError(f"@when decorates a function, not {type(func).__name__}")
    return _Handler(func)


def _is_coroutine(value: object) -> bool:
    if MICROPYTHON:  # MicroPython's coroutines are generators
        return type(value).__name__ == "generator"
    return inspect.iscoroutine(value)


def _takes_arguments(func: Any) -> bool:
    try:
        return bool(inspect.signature(func).parameters)
    except (TypeError, ValueError, NotImplementedError):  # no signature (a builtin): give it
        # the event
        return True
