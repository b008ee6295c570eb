// @ts-check
// Preload hints for a worker's boot: the page asks for the interpreter's big files as soon as a
// PyWorker (or PyMain) is made, in parallel with the worker's own script, instead of one
// request after another as the worker's boot discovers them (worker.js, then pyodide.mjs, then
// what pyodide.mjs loads). The worker's requests then find the responses in the HTTP cache, or
// still arriving (the browser joins them). On a network with 40 ms of round trip, that is
// several round trips and pyodide.asm.mjs's download sooner for Pyodide's 9.6 MB of wasm.

const here = new URL(".", import.meta.url);

/** What each interpreter's boot fetches (boot.js; pyodide.mjs and micropython.mjs load the rest). */
const FILES = {
  pyodide: ["pyodide/pyodide.asm.wasm", "pyodide/pyodide.asm.mjs", "pyodide/python_stdlib.zip",
            "pyodide/pyodide-lock.json", "python.zip"],
  micropython: ["micropython/micropython.wasm", "python.json"],
};

/** @type {Set<string>} the interpreters this page has hinted already */
const hinted = new Set();

/**
 * Add `<link rel=preload as=fetch>` for `type`'s boot files to the page, once per page (nothing
 * where there is no document head, as in a worker).
 * @param {"pyodide" | "micropython"} type
 */
export function preloadBoot(type) {
  if (hinted.has(type) || typeof document === "undefined" || !document.head) return;
  hinted.add(type);
  for (const path of FILES[type]) {
    const link = document.createElement("link");
    link.rel = "preload";
    link.as = "fetch";
    link.crossOrigin = "anonymous"; // as the worker's fetch() asks: one cache entry for both
    link.href = new URL(path, here).href;
    link.dataset.pyscriptFfi = "preload";
    document.head.append(link);
  }
}
