// The error box's tracebacks (js_glue/tag-errors.js): the frames above the user's first one are
// left out, the user's frames and everything below them stay, each traceback of a chain is
// trimmed on its own, and a traceback with no frame of the user's is kept whole.
import { test } from "node:test";
import assert from "node:assert/strict";
import { userTraceback } from "../../js_glue/tag-errors.js";

const PYODIDE = `Traceback (most recent call last):
  File "/lib/pyscript_ffi/pyscript_ffi/_pyodide.py", line 148, in run
    await eval_code_async(code, namespace, filename=filename)
  File "/lib/python314.zip/_pyodide/_base.py", line 619, in eval_code_async
    await CodeRunner(
    ...<10 lines>...
    .run_async(globals, locals)
  File "/page.html#py-0", line 7, in <module>
    fails.outer()
    ~~~~~~~~~~~^^
  File "/lib/python314.zip/json/__init__.py", line 1, in loads
    inner()
  File "/home/pyodide/fails.py", line 2, in inner
    raise ValueError("x")
ValueError: x`;

test("the frames above the user's first one are left out, those below stay", () => {
  assert.equal(userTraceback(PYODIDE), `Traceback (most recent call last):
  File "/page.html#py-0", line 7, in <module>
    fails.outer()
    ~~~~~~~~~~~^^
  File "/lib/python314.zip/json/__init__.py", line 1, in loads
    inner()
  File "/home/pyodide/fails.py", line 2, in inner
    raise ValueError("x")
ValueError: x`);
});

test("MicroPython's frames (no source lines), and text before the traceback", () => {
  const message = `<script> failed:
Traceback (most recent call last):
  File "/lib/pyscript_ffi/_micro.py", line 66, in run
  File "<stdin>", line 2, in <module>
ValueError: y`;
  assert.equal(userTraceback(message), `<script> failed:
Traceback (most recent call last):
  File "<stdin>", line 2, in <module>
ValueError: y`);
});

test("each traceback of a chain is trimmed on its own", () => {
  const message = `Traceback (most recent call last):
  File "/lib/python314.zip/_pyodide/_base.py", line 1, in run
  File "app.py", line 3, in f
KeyError: 'a'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/lib/python314.zip/_pyodide/_base.py", line 1, in run
  File "app.py", line 5, in f
TypeError: b`;
  assert.equal(userTraceback(message), `Traceback (most recent call last):
  File "app.py", line 3, in f
KeyError: 'a'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "app.py", line 5, in f
TypeError: b`);
});

test("no frame of the user's: the machinery's error is kept whole; plain text unchanged", () => {
  const message = `Traceback (most recent call last):
  File "/lib/pyscript_ffi/_micro.py", line 66, in run
RuntimeError: internal`;
  assert.equal(userTraceback(message), message);
  assert.equal(userTraceback("pyscript-ffi: could not load x.py: HTTP 404"), "pyscript-ffi: could not load x.py: HTTP 404");
});
