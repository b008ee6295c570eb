// @ts-check
// What the `pyscript` package needs in an interpreter that runs PyScript tags, on the page
// (core.js) or in a worker (worker.js): its context as the JS module `_pyscript_ffi_core`, the
// config applied (files, packages), and `pyscript` imported before the user's code, as PyScript
// does (so that in a worker `js.document` is the page's document).

import { applyConfig, warnUnknownKeys } from "./config.js";
import { importModules } from "./js-modules.js";

/**
 * @typedef {object} TagContext  what a worker started by a tag learns at boot (structured-cloned)
 * @property {string} id  the tag's id (its display target is created next to it)
 * @property {string} type  "py" or "mpy"
 * @property {string | null} name  the worker's name, if the tag has one
 * @property {Record<string, any>} config  the parsed config
 * @property {string} baseURL  where the config's relative URLs start
 * @property {boolean} [terminal]  the tag has a terminal (tag-terminal.js): `__terminal__` is set
 */

/**
 * Prepare `interpreter` for PyScript code.
 * @param {any} interpreter  Pyodide or MicroPython, with pyscript-ffi's packages importable
 * @param {"pyodide" | "micropython"} kind
 * @param {{ worker: boolean, config: Record<string, any>, baseURL: string, where: string } & Record<string, any>} context
 *   registered as `_pyscript_ffi_core` (getters stay live); `where` names the config in warnings
 */
export async function prepare(interpreter, kind, context) {
  warnUnknownKeys(context.config, context.where);
  // this side's js_modules, as `jsModules` (pyscript/js_modules.py)
  context.jsModules = await importModules(context.config.js_modules?.[context.worker ? "worker" : "main"], context.baseURL);
  interpreter.registerJsModule("_pyscript_ffi_core", context);
  await applyConfig(interpreter, kind, { value: context.config, baseURL: context.baseURL });
  interpreter.runPython(`import pyscript._core\npyscript._core.start(${context.worker ? "True" : "False"})`);
  if (context.terminal) exposeTerminal(interpreter, context.id);
}

/** As PyScript: `__terminal__` in the tag's Python is the xterm Terminal of tag `id` (from a
 * worker, a proxy of the page's). @param {any} interpreter @param {string} id */
export function exposeTerminal(interpreter, id) {
  interpreter.runPython(`import builtins, js\nbuiltins.__terminal__ = js.document.getElementById(${JSON.stringify(id)}).terminal`);
}
