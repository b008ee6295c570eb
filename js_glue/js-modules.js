// @ts-check
// PyScript's `js_modules` config key: `{"main": {URL: name}, "worker": {URL: name}}` makes each
// JavaScript module importable from Python as `from pyscript.js_modules import name`. A module
// listed under "main" loads on the page: the page's thread imports it before its first tag
// runs, and a worker reaches the page's copy (`pyscriptFfiModules.load`, published by core.js,
// called through the worker's channel on first use). A module under "worker" loads in each
// worker tag's own scope before its code runs. The Python side is pyscript/js_modules.py.

/**
 * Import the modules of one side of a config's `js_modules` (`{URL: name}`), URLs relative
 * to `baseURL`. Rejects naming the module that failed.
 * @param {Record<string, string> | undefined} table @param {string} baseURL
 * @returns {Promise<Record<string, any>>} name -> the module's namespace
 */
export async function importModules(table, baseURL) {
  /** @type {Record<string, any>} */
  const modules = Object.create(null);
  if (table === undefined) return modules;
  if (table === null || typeof table !== "object" || Array.isArray(table)) {
    throw new Error("pyscript-ffi: config `js_modules.main` and `js_modules.worker` must be tables of module URL = name");
  }
  await Promise.all(
    Object.entries(table).map(async ([url, name]) => {
      const href = new URL(url, baseURL).href;
      try {
        modules[name] = await import(href);
      } catch (e) {
        throw new Error(`pyscript-ffi: config \`js_modules\`: could not import ${href} as ${name}: ${/** @type {any} */ (e)?.message ?? e}`);
      }
    }),
  );
  return modules;
}

/** @type {Map<string, Promise<any>>} the page's modules loaded for workers, by URL */
const loaded = new Map();

/** Publish `globalThis.pyscriptFfiModules.load(url, baseURL)`: a promise of the module's
 * namespace, imported once on the page (a worker's "main" js_modules). */
export function publishModuleCalls() {
  if ("pyscriptFfiModules" in globalThis) return;
  const load = (/** @type {string} */ url, /** @type {string} */ baseURL) => {
    const href = new URL(url, baseURL).href;
    let module = loaded.get(href);
    if (!module) loaded.set(href, (module = import(href)));
    return module;
  };
  Object.defineProperty(globalThis, "pyscriptFfiModules", { value: Object.freeze({ load }) });
}
