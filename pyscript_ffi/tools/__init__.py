"""Developer tools of pyscript-ffi: ``python -m pyscript_ffi bench`` and ``... stress``.

Not part of the runtime: the bundle that every worker unpacks (assets.python_zip and
assets.python_files) leaves this subpackage out.
"""
