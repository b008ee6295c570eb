"""The key grammar of the browser drivers' keyboard (pyscript_ffi/tools/browsers/base.py):
what `Page.press` and `Page.type` take, and the errors for what they do not."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.keys import Keys

from pyscript_ffi.tools.browsers.base import MODIFIERS, NAMED_KEYS, chord, printable
from pyscript_ffi.tools.browsers.webkit import SELENIUM_KEYS


@pytest.mark.parametrize(("keys", "parsed"), [
    ("Enter", ((), "Enter")),
    ("c", ((), "c")),
    ("Shift+Enter", (("Shift",), "Enter")),
    ("Control+c", (("Control",), "c")),
    ("Control+Shift+z", (("Control", "Shift"), "z")),
])
def test_a_chord_is_its_modifiers_and_its_key(keys, parsed):
    assert chord(keys) == parsed


@pytest.mark.parametrize(("keys", "message"), [
    ("Return", "unknown key 'Return'"),
    ("Ctrl+c", "bad modifiers ['Ctrl']"),
    ("Shift+Shift+a", "each at most once"),
    ("Control+", "unknown key ''"),
])
def test_a_bad_chord_is_refused_by_name(keys, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        chord(keys)


def test_type_takes_printable_text_only():
    assert printable("for i in range(3): é") == "for i in range(3): é"
    with pytest.raises(ValueError, match=r"'\\r' in 'a\\r' is not: press\('Enter'\)"):
        printable("a\r")


def test_webkit_names_every_key_and_modifier():
    assert set(SELENIUM_KEYS) == NAMED_KEYS | set(MODIFIERS)
    assert all(hasattr(Keys, name) for name in SELENIUM_KEYS.values())
