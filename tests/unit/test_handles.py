"""The Python handle table: interning, lend counts, and clear errors for dead ids."""

from __future__ import annotations

import pytest

from broker.errors import HandleError
from broker.handles import HandleTable


def test_same_object_same_id_while_live():
    table = HandleTable()
    a, b = object(), object()
    assert table.lend(a) == table.lend(a) != table.lend(b)
    assert len(table) == 2


def test_entry_goes_when_every_lend_is_returned():
    table = HandleTable()
    obj = object()
    handle = table.lend(obj)
    table.lend(obj)
    table.drop(handle, 1)
    assert table.get(handle) is obj
    table.drop(handle, 1)
    assert handle not in table and len(table) == 0


def test_released_and_never_issued_ids_are_clear_errors():
    table = HandleTable()
    handle = table.lend(object())
    table.drop(handle)
    with pytest.raises(HandleError, match=f"handle {handle} is not live.*after release"):
        table.get(handle)
    with pytest.raises(HandleError, match="not live"):
        table.drop(handle)
    with pytest.raises(HandleError, match="99 is not live"):
        table.get(99)


def test_over_release_is_refused_and_loses_nothing():
    table = HandleTable()
    obj = object()
    handle = table.lend(obj)
    with pytest.raises(HandleError, match="lent 1 times, not 2: released twice"):
        table.drop(handle, 2)
    assert table.get(handle) is obj


def test_ids_are_not_reused_while_live_even_after_wrapping():
    table = HandleTable()
    live = table.lend("keep")
    table._next = live  # as if the counter wrapped around to a live id
    assert table.lend(object()) != live


def test_pinned_entries_survive_drops_and_clear():
    table = HandleTable()
    scope = object()
    table.pin(0, scope)
    table.drop(0, 5)
    table.lend(object())
    table.clear()
    assert table.get(0) is scope and len(table) == 0
