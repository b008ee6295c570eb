"""pyscript_ffi.interrupts: every interrupt the worker took is raised once, none merged into
another, and none inside a request's bookkeeping (the signal handler is called here as Pyodide
would call it at a bytecode boundary)."""

from __future__ import annotations

import signal

import pytest

from pyscript_ffi.interrupts import DeferredInterrupts


def _signal(interrupts: DeferredInterrupts) -> None:
    interrupts._on_signal(signal.SIGINT, None)


def test_outside_a_request_an_interrupt_raises_at_once():
    with pytest.raises(KeyboardInterrupt):
        _signal(DeferredInterrupts())


def test_an_interrupt_in_a_request_is_raised_as_it_returns():
    interrupts = DeferredInterrupts()
    interrupts.enter()
    _signal(interrupts)  # held: the request's bookkeeping goes on
    with pytest.raises(KeyboardInterrupt):
        interrupts.leave()
    assert interrupts.depth == 0 and interrupts.pending == 0 and interrupts.held == 1


def test_two_interrupts_held_in_one_request_are_two_keyboard_interrupts():
    interrupts = DeferredInterrupts()
    interrupts.enter()
    _signal(interrupts)
    _signal(interrupts)
    with pytest.raises(KeyboardInterrupt):
        interrupts.leave()
    with pytest.raises(KeyboardInterrupt, match="earlier call"):
        interrupts.enter()  # the next request raises the second before it takes anything
    assert interrupts.depth == 0 and interrupts.pending == 0
    interrupts.enter()  # and then requests go on
    interrupts.leave()


def test_a_held_interrupt_is_not_merged_into_one_the_request_raises_already():
    """Pyodide handed the handler one interrupt during the request's bookkeeping; the stub cut
    the request's wait for a second and the request raises KeyboardInterrupt for it: the held
    one must not replace it (two interrupts, one raised: the loss the chaos run saw)."""
    interrupts = DeferredInterrupts()
    interrupts.enter()
    _signal(interrupts)
    interrupts.leave(raising=True)  # the request's own KeyboardInterrupt goes on alone
    assert interrupts.pending == 1
    with pytest.raises(KeyboardInterrupt):
        interrupts.enter()


def test_nested_requests_raise_only_at_the_outermost_end():
    interrupts = DeferredInterrupts()
    interrupts.enter()
    interrupts.enter()  # a request resolving its arguments makes one of its own
    _signal(interrupts)
    interrupts.leave()
    assert interrupts.pending == 1
    with pytest.raises(KeyboardInterrupt):
        interrupts.leave()
