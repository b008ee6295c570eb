"""The names pyscript-ffi imports from typing, for MicroPython (annotations are never evaluated
there, so each name only has to exist)."""

TYPE_CHECKING = False


class Protocol:
    pass


def __getattr__(name):
    return object
