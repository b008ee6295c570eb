"""The pyscript-ffi broker: the wire protocol, the handle table and the serving side.

Nothing here imports `pyscript_ffi`; the layering is one-way.
"""
