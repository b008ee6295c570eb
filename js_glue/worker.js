// @ts-check
// A PyWorker's Web Worker: boots Pyodide from the locally served copy, installs pyscript-ffi on
// the shared buffer the page sent, runs the user's Python file, then carries the page's calls
// (exports, callbacks) into Python.
//
// Messages from the page:   { kind: "boot", buffer, src, timeoutMs }
//                           { kind: "export", name, call, frame } | { kind: "callback", id, call, frame }
// Messages to the page:     { kind: "ready", exports } | { kind: "failed", error }
//                           { kind: "settle", call, frame } | { kind: "settle", call, error }

import { Caller } from "./stub.js";

const here = new URL(".", import.meta.url);
const FFI_DIR = "/lib/pyscript_ffi";

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
  const [{ loadPyodide }, manifest, zip, code] = await Promise.all([
    import(new URL("./pyodide/pyodide.mjs", here).href),
    fetchOk(new URL("./manifest.json", here)).then((r) => r.json()),
    fetchOk(new URL("./python.zip", here)).then((r) => r.arrayBuffer()),
    fetchOk(new URL(src)).then((r) => r.text()),
  ]);
  const pyodide = await loadPyodide({ indexURL: new URL("./pyodide/", here).href });
  await pyodide.loadPackage(new URL(`./wheels/${manifest.msgpack_wheel}`, here).href, {
    messageCallback: () => {},
  });
  pyodide.unpackArchive(zip, "zip", { extractDir: FFI_DIR });
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
  pyodide.runPython(`import sys; sys.path.insert(0, ${JSON.stringify(FFI_DIR)})`);
  const start = pyodide.pyimport("pyscript_ffi._pyodide").start;
  const app = start();
  const exports = (await app.run(code, src)).toJs();
  runtime = app;
  self.postMessage({ kind: "ready", exports });
  for (const message of early.splice(0)) runtime.deliver(message);
}

/** @param {URL} url */
async function fetchOk(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`pyscript-ffi: could not load ${url.href}: HTTP ${response.status}`);
  return response;
}
