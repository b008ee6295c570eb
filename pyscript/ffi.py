"""PyScript's ``pyscript.ffi``: the same functions, from `pyscript_ffi`."""

from __future__ import annotations

from pyscript_ffi import assign, create_proxy, direct, gather, is_none, query, to_js

__all__ = ["assign", "create_proxy", "direct", "gather", "is_none", "query", "to_js"]
