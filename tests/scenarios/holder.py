"""Holds many main-thread objects, to prove terminate() frees them all."""

from pyscript_ffi import js

held = [js.Object.new() for _ in range(100)]


def hold():
    return len(held)


__export__ = ["hold"]
