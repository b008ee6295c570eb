// @ts-check
// A PyWorker's Web Worker: boots Pyodide from the locally served copy, installs pyscript-ffi on
// the shared buffer the page sent, runs the user's Python file, then carries the page's calls
// (exports, callbacks) into Python.
//
// Messages from the page:   { kind: "boot", buffer, src, timeoutMs }
//                           { kind: "export", name, call, frame } | { kind: "callback", id, call, frame }
// Messages to the page:     { kind: "ready", exports } | { kind: "failed", error }
//                           { kind: "settle", call, frame } | { kind: "settle", call, error }

import { bootPyodide } from "./boot.js";
import { Caller } from "./stub.js";

/** @type {any} the Python runtime object, once booted */
let runtime = null;
/** @type {any[]} page calls that arrived before the runtime was ready */
const early = [];

self.onmessage = (event) => {
  const message = event.data;
  if (message.kind === "boot") {
    boot(message).catch((e) => self.postMessage({ kind: "failed", error: e?.message ?? String(e) }));
  } else if (runtime) {
    runtime.deliver(message);
  } else {
    early.push(message);
  }
};

/** @param {{ buffer: SharedArrayBuffer, src: string, timeoutMs: number }} options */
async function boot({ buffer, src, timeoutMs }) {
  const caller = new Caller(buffer, timeoutMs);
  const { pyodide, code } = await bootPyodide(src);
  pyodide.registerJsModule("_pyscript_ffi_stub", {
    caller,
    /** @param {any} message @param {any} frame a PyProxy of Python bytes, or undefined */
    post(message, frame) {
      const out = message.toJs({ dict_converter: Object.fromEntries });
      if (frame !== undefined) {
        const view = frame.getBuffer("u8");
        out.frame = view.data.slice();
        view.release();
      }
      self.postMessage(out);
    },
  });
  const app = pyodide.pyimport("pyscript_ffi._pyodide").start_worker();
  const exports = (await app.run(code, src)).toJs();
  runtime = app;
  self.postMessage({ kind: "ready", exports });
  for (const message of early.splice(0)) runtime.deliver(message);
}
