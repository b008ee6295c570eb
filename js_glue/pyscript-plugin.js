// @ts-check
// Keep PyScript, add one line: this plugin puts pyscript-ffi's channel under the workers of an
// unchanged PyScript 0.7 page (docs/pyscript.md). Placed before PyScript's own core.js:
//
//   <script type="module" src="/_ffi/pyscript-plugin.js"></script>
//   <script type="module" src="https://pyscript.net/releases/2026.7.3/core.js"></script>
//
// It finds that core.js among the page's module scripts, imports it (the same module the page
// then runs) and adds its hooks to PyScript's `hooks` (`accelerate`; a page that imports
// PyScript some other way calls that itself). For every worker PyScript starts (worker tags,
// named workers, PyWorker from JS or Python; Pyodide or MicroPython):
//
// - page (hooks.main.onWorker): takes the worker's ATTACH message before PyScript's listeners
//   see it, serves a Channel on the worker's buffer from the page's Server (main.js
//   `serverFor`), and sends it the page's doorbell;
// - worker (hooks.worker.onReady, source text run in the worker): loads pyscript-worker.js and
//   the modules it imports, which install our Python packages and attach the channel;
//   (onBeforeRunAsync) an async worker waits for the doorbell; (codeBeforeRun[Async], Python)
//   pyscript_ffi/_under_pyscript.py points `pyscript.window`, `pyscript.document`,
//   `js.document` and what PyScript builds on them at the channel.
//
// On a page that is not cross-origin isolated it steps aside with one console line: PyScript
// keeps its own channel there.

import { Channel } from "./channel.js";
import { serverFor } from "./main.js";
import { Message, Slot } from "./protocol.js";
import { hasWaitAsync } from "./serving.js";

/** The /_ffi/ folder this plugin was served from. */
const FFI = new URL(".", import.meta.url).href;
/** The worker's half, after the modules it imports, each after those it imports in turn. */
const WORKER_MODULES = ["protocol.js", "errors.js", "transfer.js", "stub.js", "scalar-frames.js", "micro.js", "python-stub.js", "pyscript-worker.js"];

/**
 * @typedef {object} PluginOptions
 * @property {number} [timeout]  ms a worker waits for one call's answer (default 30000)
 * @property {number} [maxFrameBytes]  largest request frame the page accepts (default 256 MiB)
 */

/**
 * What a worker runs before its interpreter runs any code (PyScript's worker `onReady` hook,
 * passed to the worker as source text: it holds nothing of this module but the values written
 * into it). A hook cannot await an import(), so it fetches the worker's modules synchronously
 * and runs them as one script: each module's `import` lines dropped (what they import is then
 * in the same scope, as WORKER_MODULES orders it) and its `export` keywords removed.
 * @param {string} ffi @param {number} timeoutMs @returns {Function}
 */
function workerHook(ffi, timeoutMs) {
  const source = `(wrap) => {
    const ffi = ${JSON.stringify(ffi)};
    const load = (path, type) => {
      const request = new XMLHttpRequest();
      request.open("GET", ffi + path, false);
      if (type) request.responseType = type;
      request.send();
      if (request.status !== 200) throw new Error("could not load " + ffi + path + ": HTTP " + request.status);
      return request.response;
    };
    try {
      const text = ${JSON.stringify(WORKER_MODULES)}
        .map((name) => load(name).replace(/^import .*$/gm, "").replace(/^export /gm, ""))
        .join("\\n");
      const { connect } = new Function('"use strict";\\n' + text + "\\nreturn { connect };")();
      connect(wrap, load, ${timeoutMs});
    } catch (e) {
      console.error("pyscript-ffi: this worker keeps PyScript's own channel to the page: " + (e && e.message || e));
    }
  }`;
  return Function(`return ${source}`)();
}

/** (worker, onBeforeRunAsync) An async worker's code starts once the page's doorbell came (bounded). */
async function awaitDoorbell() {
  await /** @type {any} */ (globalThis)[Symbol.for("pyscript-ffi.doorbell-heard")];
}

/** (worker, codeBeforeRun[Async]) Python: install the channel if the worker half attached it. */
const PYTHON_START = `
def _pyscript_ffi_start():
    try:
        import _pyscript_ffi_stub
    except ImportError:  # the worker's half failed to attach, and said why on the console
        return
    from pyscript_ffi._under_pyscript import start
    start(_pyscript_ffi_stub)
_pyscript_ffi_start()
del _pyscript_ffi_start
`;

/**
 * The page's side of every attached worker: its channel, for `statistics()`.
 * @type {{ channel: Channel, worker: any }[]}
 */
const attached = [];

/**
 * Serve the channel of a worker's ATTACH message.
 * @param {any} xworker @param {{ buffer: SharedArrayBuffer, port: MessagePort, timeoutMs: number }} message
 * @param {number} maxFrameBytes
 */
function attach(xworker, { buffer, port, timeoutMs }, maxFrameBytes) {
  const post = (/** @type {any} */ message) => port.postMessage(message);
  const channel = new Channel(buffer, { post, timeoutMs, maxFrameBytes });
  Atomics.notify(channel.i32, Slot.VERSION); // the worker waits for the stamp (pyscript-worker.js)
  const server = serverFor(hasWaitAsync() ? "doorbell" : "post");
  server.add(channel);
  port.onmessage = ({ data }) => {
    if (data.kind === Message.RING) server.ring();
    else if (data.kind === Message.SETTLE) channel.settle(data);
  };
  port.postMessage({ kind: Message.DOORBELL, doorbell: server.doorbell });
  const entry = { channel, worker: xworker };
  attached.push(entry);
  const terminate = xworker.terminate.bind(xworker);
  xworker.terminate = () => {
    terminate();
    channel.close("the worker was terminated");
    attached.splice(attached.indexOf(entry), 1);
  };
}

/** PyScript `hooks` objects already given the plugin's hooks (a second call adds nothing). */
const accelerated = new WeakSet();

/**
 * Add the plugin's hooks to PyScript's `hooks` (exported by its core.js). Call it before
 * PyScript starts a worker; the plugin's script tag does it for the core.js it finds. Returns
 * false, having said why in one console line, where it steps aside: a page that is not
 * cross-origin isolated (PyScript's workers keep its own channel there).
 * @param {any} hooks @param {PluginOptions} [options] @returns {boolean}
 */
export function accelerate(hooks, { timeout = 30000, maxFrameBytes = 256 * 2 ** 20 } = {}) {
  if (!globalThis.crossOriginIsolated) {
    console.info(
      "pyscript-ffi: this page is not cross-origin isolated, so PyScript's workers keep its own " +
        "channel (serve it with 'Cross-Origin-Opener-Policy: same-origin' and " +
        "'Cross-Origin-Embedder-Policy: require-corp' to put them on pyscript-ffi's)",
    );
    return false;
  }
  if (accelerated.has(hooks)) return true;
  accelerated.add(hooks);
  hooks.main.onWorker.add((/** @type {any} */ _, /** @type {any} */ xworker) => {
    xworker.addEventListener("message", (/** @type {MessageEvent} */ event) => {
      const { data } = event;
      if (data?.kind !== Message.ATTACH || !(data.buffer instanceof SharedArrayBuffer)) return;
      event.stopImmediatePropagation(); // ours, not the page's or PyScript's
      attach(xworker, data, maxFrameBytes);
    });
  });
  hooks.worker.onReady.add(workerHook(FFI, timeout));
  hooks.worker.onBeforeRunAsync.add(awaitDoorbell);
  hooks.worker.codeBeforeRun.add(PYTHON_START);
  hooks.worker.codeBeforeRunAsync.add(PYTHON_START);
  return true;
}

/**
 * Each attached worker's channel statistics (channel.js), oldest first.
 * @returns {ReturnType<Channel["statistics"]>[]}
 */
export function statistics() {
  return attached.map(({ channel }) => channel.statistics());
}

/** The page's module scripts' URLs. */
function moduleScripts() {
  return Array.from(document.querySelectorAll('script[type="module"][src]'), (script) =>
    new URL(/** @type {HTMLScriptElement} */ (script).src, document.baseURI).href,
  );
}

/**
 * Loaded by a script tag: resolves to true once the hooks are in the page's PyScript core.js,
 * false if the plugin stepped aside (said why in one console line). Imported by a module
 * instead: false at once, and that module calls `accelerate` with PyScript's hooks.
 */
export const ready = (async () => {
  const scripts = moduleScripts();
  if (!scripts.includes(import.meta.url)) return false;
  const core = scripts.find((url) => url !== import.meta.url && /\/core(\.min)?\.js$/.test(new URL(url).pathname));
  if (core === undefined) {
    console.warn(
      "pyscript-ffi: no PyScript core.js among this page's <script type=\"module\" src> tags: " +
        "import its `hooks` and call accelerate(hooks) from /_ffi/pyscript-plugin.js",
    );
    return false;
  }
  if (!globalThis.crossOriginIsolated) return accelerate(null); // (says why, steps aside)
  return accelerate((await import(core)).hooks);
})();
