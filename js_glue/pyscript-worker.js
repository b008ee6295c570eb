// @ts-check
// pyscript-plugin.js's half in a worker that PyScript (polyscript) started and booted: our
// Python packages into its interpreter, a channel to the page, and the stub its Python calls.
// It runs from the plugin's worker hook (onReady), which cannot await: the plugin loads this
// module and the ones it imports as one script (see workerHook there), so each import below
// names what the modules before it define.
//
//   connect(wrap, load, timeoutMs)   wrap: the hook's first argument ({ interpreter, ... })
//
// The handshake (docs/protocol.md, "Page-to-worker calls"): the worker makes the channel's
// shared buffer and a MessageChannel, posts ATTACH with both to the page (whose plugin takes it
// before PyScript's listeners see it), and waits until the page's Channel has stamped the
// buffer with its protocol version. It rings the page with RING messages until the page's
// DOORBELL message, which comes at the worker's next turn of its event loop: a worker whose
// code runs async (PyScript's tags) waits for it first (the plugin's `awaitDoorbell` hook, at
// most DOORBELL_WAIT_MS), so it rings the doorbell from its first call.

import { DEFAULT_BUFFER_BYTES, Message, Slot } from "./protocol.js";
import { Caller, ringer } from "./stub.js";
import { toHex } from "./micro.js";
import { micropythonStub, pyodideStub } from "./python-stub.js";

/** Where the Pyodide worker unpacks python.zip (PyScript's own `pyscript` is in its cwd). */
const PYODIDE_DIR = "/lib/pyscript_ffi_plugin";
/** The global that tells the plugin's onBeforeRunAsync hook when the doorbell came. */
const DOORBELL_HEARD = Symbol.for("pyscript-ffi.doorbell-heard");
/** How long (ms) an async worker waits for the page's doorbell before it starts ringing by RING. */
const DOORBELL_WAIT_MS = 2000;

/**
 * A file of the page's /_ffi/ folder, fetched synchronously (a worker may).
 * @typedef {(path: string, type?: XMLHttpRequestResponseType) => any} Load
 */

/**
 * Install pyscript-ffi in this worker's interpreter and attach it to the page: Python's
 * `import _pyscript_ffi_stub` then finds the stub (pyscript_ffi/_under_pyscript.py).
 * @param {{ interpreter: any }} wrap @param {Load} load @param {number} timeoutMs
 */
export function connect({ interpreter }, load, timeoutMs) {
  const pyodide = typeof interpreter.unpackArchive === "function";
  if (pyodide) installPyodidePackages(interpreter, load);
  else installMicroPythonPackages(interpreter, load);

  const buffer = new SharedArrayBuffer(DEFAULT_BUFFER_BYTES);
  const { port1: port, port2 } = new MessageChannel();
  self.postMessage({ kind: Message.ATTACH, buffer, port: port2, timeoutMs }, [port2]);
  awaitVersion(new Int32Array(buffer, 0, Slot.VERSION + 1), timeoutMs);
  const ring = () => port.postMessage(RING);
  const caller = new Caller(buffer, timeoutMs, { post: ring });

  /** @type {((message: any) => void) | null} */
  let deliver = null;
  /** @type {any[]} page calls that came before Python adopted its runtime */
  const early = [];
  /** @type {(heard: boolean) => void} */
  let heard = () => {};
  /** @type {any} */ (globalThis)[DOORBELL_HEARD] = new Promise((resolve) => {
    heard = resolve;
    setTimeout(() => resolve(false), DOORBELL_WAIT_MS);
  });
  port.onmessage = ({ data }) => {
    if (data.kind === Message.DOORBELL) {
      if (data.doorbell) caller.transfer.ring = ringer(data.doorbell, null);
      heard(true);
    } else if (deliver) deliver(data);
    else early.push(data);
  };
  /** @param {(message: any) => void} to */
  const adopt = (to) => {
    deliver = to;
    for (const message of early.splice(0)) deliver(message);
  };
  const post = (/** @type {any} */ message) => port.postMessage(message);
  interpreter.registerJsModule("_pyscript_ffi_stub", stubFor(pyodide, caller, post, adopt));
}

/** The RING message: a request is waiting (until the page's doorbell arrives). */
const RING = Object.freeze({ kind: Message.RING });

/**
 * Block (bounded) until the page's Channel has stamped the buffer: its ATTACH was taken.
 * @param {Int32Array} i32 @param {number} timeoutMs
 */
function awaitVersion(i32, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  while (Atomics.load(i32, Slot.VERSION) === 0) {
    const left = deadline - performance.now();
    if (left <= 0) {
      throw new Error(
        `the page did not take this worker's channel within ${timeoutMs / 1000} s: ` +
          "is /_ffi/pyscript-plugin.js loaded on the page before PyScript's core.js?",
      );
    }
    Atomics.wait(i32, Slot.VERSION, 0, left);
  }
}

/**
 * python.zip (without its `pyscript` package: PyScript's is the one in use) and, when this
 * Pyodide is the one it was built for, Pyodide's msgpack wheel (else pyscript-ffi's pure-Python
 * codec serves).
 * @param {any} pyodide @param {Load} load
 */
function installPyodidePackages(pyodide, load) {
  pyodide.unpackArchive(load("python.zip", "arraybuffer"), "zip", { extractDir: PYODIDE_DIR });
  const manifest = JSON.parse(load("manifest.json"));
  if (manifest.pyodide_version === pyodide.version) {
    pyodide.unpackArchive(load(`wheels/${manifest.msgpack_wheel}`, "arraybuffer"), "wheel");
  }
  pyodide.runPython(
    `import shutil, sys\nshutil.rmtree(${JSON.stringify(`${PYODIDE_DIR}/pyscript`)})\n` +
      `sys.path.append(${JSON.stringify(PYODIDE_DIR)})\ndel shutil, sys`,
  );
}

/** python.json's files in /lib, but for the `pyscript` package. @param {any} micropython @param {Load} load */
function installMicroPythonPackages(micropython, load) {
  for (const [path, source] of Object.entries(JSON.parse(load("python.json")))) {
    if (path.startsWith("pyscript/")) continue;
    const file = `/lib/${path}`;
    micropython.FS.mkdirTree(file.slice(0, file.lastIndexOf("/")));
    micropython.FS.writeFile(file, source);
  }
}

/**
 * The interpreter's stub (python-stub.js) with `adopt(runtime)`: Python hands over the runtime
 * that answers the page's calls (pyscript_ffi/_under_pyscript.py).
 * @param {boolean} pyodide @param {Caller} caller @param {(message: any) => void} post
 * @param {(to: (message: any) => void) => void} adopt
 */
function stubFor(pyodide, caller, post, adopt) {
  if (pyodide) {
    // the runtime: a PyProxy of _pyodide.Runtime, whose deliver takes the message itself
    return { ...pyodideStub(caller, post), adopt: (/** @type {any} */ runtime) => adopt((m) => runtime.deliver(m)) };
  }
  return Object.assign(micropythonStub(caller, post), {
    /** @param {any} runtime _micro.Runtime: numbers and hex strings only cross MicroPython's FFI */
    adopt: (runtime) =>
      adopt((m) =>
        runtime.deliver(m.kind, m.call ?? 0, m.kind === Message.EXPORT ? m.name : m.id, m.frame ? toHex(m.frame) : ""),
      ),
  });
}
