"""MicroPython has no __future__ module; pyscript-ffi's files start with
``from __future__ import annotations``, which MicroPython needs nothing for (it never evaluates
annotations)."""

annotations = None
