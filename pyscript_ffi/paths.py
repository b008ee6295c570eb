"""Query paths: ``document.body.children[0].id`` or ``a["b"][2]``, parsed into keys, never run.

A path is names joined by dots, and bracketed items: a non-negative integer or a quoted string
(single or double quotes; a backslash escapes the quote or itself).
"""

from __future__ import annotations

import re

_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_INDEX = re.compile(r"\[(\d+)\]")
_QUOTED = re.compile(r"""\[(["'])((?:\\.|(?!\1).)*)\1\]""")


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
            if match := _INDEX.match(path, pos):
                keys.append(int(match[1]))
            elif match := _QUOTED.match(path, pos):
                keys.append(re.sub(r"\\(.)", r"\1", match[2]))
            else:
                raise PathError(f"bad query path {path!r}: at position {pos} expected [integer] "
                                "or ['quoted key']")
        else:
            if keys:
                if path[pos] != ".":
                    raise PathError(f"bad query path {path!r}: at position {pos} expected '.' "
                                    f"or '[', found {path[pos]!r}")
                pos += 1
            match = _NAME.match(path, pos)
            if not match:
                raise PathError(f"bad query path {path!r}: at position {pos} expected a name")
            keys.append(match[0])
        pos = match.end()
    if not keys:
        raise PathError("a query path cannot be empty")
    return keys
