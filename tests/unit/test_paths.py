"""Query paths are parsed into keys, never run; a bad path names its position."""

from __future__ import annotations

import pytest

from pyscript_ffi.paths import PathError, parse


@pytest.mark.parametrize(
    ("path", "keys"),
    [
        ("title", ["title"]),
        ("document.body.children[0].id", ["document", "body", "children", 0, "id"]),
        ('a["b"][2]', ["a", "b", 2]),
        ("x['it\\'s']", ["x", "it's"]),
        ('m["a.b"].c', ["m", "a.b", "c"]),
        ("$el._private", ["$el", "_private"]),
        ("[0][1]", [0, 1]),
    ],
)
def test_paths_parse_into_keys(path, keys):
    assert parse(path) == keys


@pytest.mark.parametrize(
    ("path", "where"),
    [
        ("a..b", "position 2"),
        ("a[x]", "position 1"),
        ("a.", "position 2"),
        ("a b", "position 1"),
        ("1a", "position 0"),
        ('a["b]', "position 1"),
        ("alert('x')", "position 5"),
        ("a[-1]", "position 1"),
    ],
)
def test_bad_paths_name_the_position(path, where):
    with pytest.raises(PathError, match=where):
        parse(path)


@pytest.mark.parametrize("path", ["", None, 5])
def test_empty_and_non_string_paths_are_refused(path):
    with pytest.raises(PathError):
        parse(path)
