// @ts-check
// PyScript's page API on pyscript-ffi: a page that loads this module instead of PyScript's
// core.js runs unchanged.
//
//   <script type="module" src="/_ffi/core.js"></script>
//   <script type="py" src="main.py" config="pyscript.toml"></script>     <!-- the page's thread -->
//   <script type="mpy" worker name="calc">__export__ = [...]</script>    <!-- a worker, by name -->
//
// Every <script type="py"> (Pyodide) and <script type="mpy"> (MicroPython) runs, those added
// later too. Scripts on the page's thread share one interpreter per type and run one after the
// other in document order (top-level `await` allowed); each `worker` tag starts its own worker
// at once. Errors show in a <div class="py-error"> box, as PyScript shows them, and the console.
// A tag's `terminal` attribute gives it an xterm.js terminal (tag-terminal.js); the editor tags
// <script type="py-editor"> and "mpy-editor" become CodeMirror editors (tag-editor.js); both
// modules, and what they load, load only on a page that uses them.
//
// This module only wires the parts, one job each: tag-discovery.js finds the tags,
// tag-page-thread.js and tag-worker.js run them, tag-registry.js is what Python reaches
// (`pyscriptFfiCore`), tag-errors.js the error box, tag-element.js what one tag says,
// tag-events.js the `py-click="handler"` attributes.

import { publishModuleCalls } from "./js-modules.js";
import { publishDomCalls } from "./pyscript-dom.js";
import { publishStorageCalls } from "./pyscript-storage.js";
import { TagDiscovery } from "./tag-discovery.js";
import { EventAttributes } from "./tag-events.js";
import { showError, showUncaughtPythonErrors } from "./tag-errors.js";
import { typeOf } from "./tag-element.js";
import { PageThreadTags } from "./tag-page-thread.js";
import { TagRegistry } from "./tag-registry.js";
import { pyWorkerFor, WorkerTags } from "./tag-worker.js";

const registry = new TagRegistry();
const pageThread = new PageThreadTags();
const workers = new WorkerTags(registry);
registry.publish({ pyWorker: pyWorkerFor(workers) });
publishDomCalls();
publishStorageCalls();
publishModuleCalls();

const EDITORS = 'script[type="py-editor"], script[type="mpy-editor"]';

/** The editor's module, imported on the first editor tag. One promise for every tag, so they
 * start in the order they were found (the promises of separate import() calls of one module
 * may settle in any order, and an env's config is taken from its first tag). */
const editorModule = (() => {
  /** @type {Promise<typeof import("./tag-editor.js")> | null} */
  let loading = null;
  return () => (loading ??= import("./tag-editor.js"));
})();

/** Make an editor tag an editor. */
function startEditor(/** @type {Element} */ script) {
  editorModule().then(
    ({ startEditor }) => startEditor(script),
    (e) => showError(`pyscript-ffi: the editor's module could not load: ${e?.message ?? e}`),
  );
}

/** Run a tag found in the page, in a worker or on the page's thread by its `worker` attribute. */
function run(/** @type {Element} */ script) {
  const type = typeOf(script);
  const running = script.hasAttribute("worker") ? workers.run(script, type) : pageThread.run(/** @type {HTMLScriptElement} */ (script), type);
  registry.track(running);
}

function start() {
  // PyScript's core.css hides config tags; a page may still link PyScript's copy, unreachable here
  const style = document.createElement("style");
  style.textContent = "py-config, mpy-config, py-script, mpy-script { display: none; }";
  document.head.append(style);
  showUncaughtPythonErrors();
  new TagDiscovery(run).watch(document);
  new TagDiscovery(startEditor, EDITORS).watch(document);
  // after the tags: the page's-thread tags found at load are queued, so their controls wait
  new EventAttributes(pageThread).watch(document);
  // the tags in the page at load: later ones are not waited for, as in PyScript
  registry.settled().then(() => globalThis.dispatchEvent(new Event("py:all-done")));
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start, { once: true });
else start();
