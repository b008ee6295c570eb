"""Query paths: ``document.body.children[0].id`` or ``a["b"][2]``, parsed into keys, never run.

A path is names joined by dots, and bracketed items: a non-negative integer or a quoted string
(single or double quotes; a backslash escapes the quote or itself).
"""

from __future__ import annotations

_NAME_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$")
_NAME_CHARS = _NAME_START | frozenset("0123456789")
_DIGITS = frozenset("0123456789")
# (a scanner, not regular expressions: MicroPython's re has no backreferences or lookahead)

#: Paths parsed so far, and their keys (a tuple: shared by every call that asks). The scanner
#: takes ~1.2 us a name natively and ~4 us under Pyodide, where the scanner and the walk of
#: arguments took ~45 of the ~50 us of Python before a gather of 10 was encoded
#: (docs/benchmarks.md, "Design choices"); a hit is one dict lookup. Bounded: emptied
#: when it holds KEYS_CACHED paths (a program that builds paths on the fly must not grow it).
KEYS_CACHED = 512
_keys: dict[str, tuple[str | int, ...]] = {}


def keys(path: str) -> tuple[str | int, ...]:
    """`parse(path)` as a tuple, cached. Raises PathError as `parse` does."""
    try:
        return _keys[path]
    except (KeyError, TypeError):  # (TypeError: an unhashable path, which parse refuses)
        found = tuple(parse(path))
    if len(_keys) >= KEYS_CACHED:
        _keys.clear()
    _keys[path] = found
    return found


def keys_of(paths: tuple[str, ...]) -> tuple[tuple[str | int, ...], ...]:
    """`keys` of each path. When all are cached, one pass in C (map of the dict's lookup):
    ~1 us for ten paths under Pyodide, against ~4.5 us calling `keys` ten times."""
    try:
        return tuple(map(_keys.__getitem__, paths))
    except (KeyError, TypeError):
        return tuple(map(keys, paths))


class PathError(ValueError):
    """A query path that does not parse; the message names the position and what was expected."""


def parse(path: str) -> list[str | int]:
    """The keys of `path`, in order. Raises PathError for anything that is not a path."""
    if not isinstance(path, str):
        raise PathError(f"a query path is a string like 'body.children[0].id', not {path!r}")
    keys: list[str | int] = []
    pos = 0
    while pos < len(path):
        if path[pos] == "[":
            pos, key = _item(path, pos)
            keys.append(key)
            continue
        if keys:
            if path[pos] != ".":
                raise PathError(f"bad query path {path!r}: at position {pos} expected '.' "
                                f"or '[', found {path[pos]!r}")
            pos += 1
        end = pos
        if end < len(path) and path[end] in _NAME_START:
            end += 1
            while end < len(path) and path[end] in _NAME_CHARS:
                end += 1
        if end == pos:
            raise PathError(f"bad query path {path!r}: at position {pos} expected a name")
        keys.append(path[pos:end])
        pos = end
    if not keys:
        raise PathError("a query path cannot be empty")
    return keys


def _item(path: str, start: int) -> tuple[int, str | int]:
    """The key of the bracketed item at `start` (``[2]`` or ``['key']``), and where it ends."""
    pos, n = start + 1, len(path)
    if pos < n and path[pos] in _DIGITS:
        end = pos
        while end < n and path[end] in _DIGITS:
            end += 1
        if end < n and path[end] == "]":
            return end + 1, int(path[pos:end])
    elif pos < n and path[pos] in "'\"":
        quote, pos, chars = path[pos], pos + 1, []
        while pos < n and path[pos] != quote:
            if path[pos] == "\\" and pos + 1 < n:
                pos += 1  # a backslash escapes the next character (the quote or itself)
            chars.append(path[pos])
            pos += 1
        if pos + 1 < n and path[pos + 1] == "]":
            return pos + 2, "".join(chars)
    raise PathError(f"bad query path {path!r}: at position {start} expected [integer] "
                    "or ['quoted key']")
