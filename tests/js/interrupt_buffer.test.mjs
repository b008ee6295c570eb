// The interrupt buffer the worker hands Pyodide (stub.js's interruptBuffer), driven by Pyodide's
// own check of it: the function is taken from the installed pyodide.asm.mjs, so a Pyodide that
// checks its buffer some other way shows here. The page's store is put exactly between the
// check's read and its write, the place where a plain Int32Array loses it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { interruptBuffer } from "../../js_glue/stub.js";
import { INTERRUPT_SIGNAL } from "../../js_glue/protocol.js";

const ASM = new URL("../../node_modules/pyodide/pyodide.asm.mjs", import.meta.url);
const NAME = "_Py_CheckEmscriptenSignals_Helper";

/** Pyodide's check, bound to a Module whose interrupt buffer is `buffer`. */
function pyodideCheck(buffer) {
  const source = readFileSync(ASM, "utf8");
  const found = source.match(new RegExp(`function ${NAME}\\(\\)\\{.*?\\}${NAME}\\.sig`, "s"));
  assert.ok(found, `${NAME} is not in ${ASM.pathname}: Pyodide checks its interrupt buffer some other way now`);
  const body = found[0].slice(0, -`${NAME}.sig`.length);
  return new Function("Module", `${body}; return ${NAME};`)({ Py_EmscriptenSignalBuffer: buffer });
}

/** `buffer`, with the page storing SIGINT into `word` right after each read of index 0. */
function storeAfterRead(buffer, word) {
  return {
    get 0() {
      const value = buffer[0];
      Atomics.store(word, 0, INTERRUPT_SIGNAL);
      return value;
    },
    set 0(value) {
      buffer[0] = value;
    },
  };
}

const word = () => new Int32Array(new SharedArrayBuffer(4));

test("a plain Int32Array loses a store between the check's read and write (why the wrapper exists)", () => {
  const shared = word();
  const check = pyodideCheck(storeAfterRead(shared, shared));
  assert.equal(check(), 0);
  assert.equal(Atomics.load(shared, 0), 0, "the page's SIGINT was overwritten");
});

test("through interruptBuffer the store survives the check and is taken by the next", () => {
  const shared = word();
  const check = pyodideCheck(storeAfterRead(interruptBuffer(shared), shared));
  assert.equal(check(), 0);
  assert.equal(Atomics.load(shared, 0), INTERRUPT_SIGNAL, "the page's SIGINT is still there");
  assert.equal(pyodideCheck(interruptBuffer(shared))(), INTERRUPT_SIGNAL);
  assert.equal(Atomics.load(shared, 0), 0, "taken once");
});

test("a check takes a signal once, and finds none after", () => {
  const shared = word();
  const check = pyodideCheck(interruptBuffer(shared));
  assert.equal(check(), 0);
  Atomics.store(shared, 0, INTERRUPT_SIGNAL);
  assert.equal(check(), INTERRUPT_SIGNAL);
  assert.equal(check(), 0);
});

test("a read alone takes nothing (pyodide.checkInterrupt's peek)", () => {
  const shared = word();
  const buffer = interruptBuffer(shared);
  Atomics.store(shared, 0, INTERRUPT_SIGNAL);
  assert.equal(buffer[0], INTERRUPT_SIGNAL);
  assert.equal(Atomics.load(shared, 0), INTERRUPT_SIGNAL);
});

test("a second store before the check took the first is one with it (interrupt() returned false)", () => {
  const shared = word();
  Atomics.store(shared, 0, INTERRUPT_SIGNAL);
  const check = pyodideCheck(storeAfterRead(interruptBuffer(shared), shared));
  assert.equal(check(), INTERRUPT_SIGNAL);
  assert.equal(Atomics.load(shared, 0), 0);
});
