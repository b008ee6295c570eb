"""Query paths are parsed into keys, never run; a bad path names its position."""

from __future__ import annotations

import pytest

from pyscript_ffi import paths
from pyscript_ffi.paths import KEYS_CACHED, PathError, keys, keys_of, parse


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


@pytest.mark.parametrize("path", ["title", "document.body.children[0].id", 'a["b"][2]', "$el._x"])
def test_cached_keys_are_the_parsed_keys(path):
    assert keys(path) == tuple(parse(path))
    assert keys(path) == tuple(parse(path))  # the second time, from the cache
    assert keys_of((path, "title")) == (tuple(parse(path)), ("title",))


@pytest.mark.parametrize("path", ["a..b", "", None, 5, ["title"]])
def test_cached_keys_refuse_bad_paths_every_time(path):
    for _ in range(2):
        with pytest.raises(PathError):
            keys(path)
        with pytest.raises(PathError):
            keys_of(("title", path))


def test_key_cache_is_bounded():
    for i in range(KEYS_CACHED + 10):
        assert keys(f"p{i}.q") == (f"p{i}", "q")
    assert len(paths._keys) <= KEYS_CACHED
