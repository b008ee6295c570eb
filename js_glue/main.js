// @ts-check
// The page-facing API: start Python in a Web Worker that calls this page synchronously.
//
//   import { PyWorker } from "/_ffi/main.js";
//   const w = PyWorker("./app.py", { type: "pyodide" });
//   await w.ready;                      // the worker's top-level code has finished
//   await w.sync.greet("you");          // a function the worker lists in __export__
//   w.terminate();                      // stops it and frees every handle it held
//
//   const m = PyMain("./main.py", { type: "pyodide" });   // Python on this page's own thread
//   await m.ready;                      // resolves to the Pyodide (or MicroPython) instance

import { bootMicroPython, bootPyodide, mark } from "./boot.js";
import { Channel } from "./channel.js";
import { chooseTransport, moduleWorkerProblem, startModuleWorker } from "./diagnose.js";
import { DATA_OFFSET, DEFAULT_BUFFER_BYTES, INTERRUPT_SIGNAL, Message, Slot } from "./protocol.js";
import { Server, hasWaitAsync } from "./serving.js";
import { checkStdio, lendStdio } from "./stdio.js";
import { direct } from "./values.js";
import { publishDomCalls } from "./pyscript-dom.js";
import { Relay, relayUrl, controlledWorkerScript } from "./relay.js";
import { keepWaiting, keepWhenIdle } from "./snapshot.js";
import { preloadBoot } from "./preload.js";

export { chooseTransport, diagnose, isolationProblem } from "./diagnose.js";

export { direct };

/**
 * @typedef {object} PyWorkerOptions
 * @property {"pyodide" | "micropython"} [type]  the interpreter (default "pyodide")
 * @property {number} [timeout]  ms a worker waits for one call's answer (default 30000)
 * @property {number} [bufferBytes]  size of the shared buffer (default 4 MiB); larger frames go in chunks
 * @property {number} [maxFrameBytes]  largest request frame the page accepts (default 256 MiB)
 * @property {string[]} [allow]  if given, the only globals the worker may reach; it never holds the global scope
 * @property {import("./environment.js").TagContext} [tag]  set by core.js for a PyScript tag: config, name, id
 * @property {"auto" | "shared" | "service-worker"} [transport]  how the worker's calls reach the
 *   page: "shared", a SharedArrayBuffer (needs a cross-origin isolated page); "service-worker",
 *   a synchronous request to our service worker (relay.js), for a page that cannot be isolated;
 *   "auto" (default), the first where the page has it (diagnose.js chooseTransport)
 * @property {boolean} [suspending]  "service-worker" transport, Pyodide: where the engine can
 *   suspend WebAssembly (JSPI), a call waits suspended for the page's reply over a MessagePort
 *   instead of in a synchronous request (relay-stub.js; default true). false: always the request
 * @property {"doorbell" | "post"} [wake]  how the worker wakes the page (default "doorbell" where
 *   Atomics.waitAsync exists, else "post"; serving.js). For measurement: leave it unset.
 * @property {(prompt: string) => any} [input]  answers the worker's input(prompt): a string or a
 *   Promise of one; null/undefined is end of input (EOFError). Default: window.prompt (stdio.js)
 * @property {(line: string) => any} [stdout]  each line the worker prints (default: the console)
 * @property {(line: string) => any} [stderr]  each line written to its sys.stderr (default: the console)
 * @property {boolean} [snapshot]  Pyodide: start from the origin's memory snapshot, and keep one
 *   after the first boot (default true; snapshot.js). false: always the long way, keep nothing
 */

/** The page's Servers, one per wake: every PyWorker's channel is served by one of them. */
/** @type {Map<string, Server>} */
const servers = new Map();

/**
 * The page's Server for `wake`, made on first use (also serves pyscript-plugin.js's channels).
 * @param {"doorbell" | "post"} wake
 */
export function serverFor(wake) {
  let server = servers.get(wake);
  if (!server) servers.set(wake, (server = new Server(wake)));
  return server;
}

/**
 * Start `src` (a Python file, relative to the page) in a worker.
 * @param {string} src
 * @param {PyWorkerOptions} [options]
 */
export function PyWorker(src, options = {}) {
  const {
    type = "pyodide",
    timeout = 30000,
    bufferBytes = DEFAULT_BUFFER_BYTES,
    maxFrameBytes = 256 * 2 ** 20,
    allow = null,
    tag = undefined,
    wake = hasWaitAsync() ? "doorbell" : "post",
    snapshot = true,
    transport = "auto",
    suspending = true,
  } = options;
  if (type !== "pyodide" && type !== "micropython") {
    throw new TypeError(`PyWorker type ${JSON.stringify(type)} is not supported; use "pyodide" or "micropython"`);
  }
  if (!(bufferBytes > DATA_OFFSET + 1024)) throw new RangeError(`bufferBytes must be over ${DATA_OFFSET + 1024}`);
  checkStdio(options, "PyWorker");
  publishDomCalls(); // a worker's `pyscript.web` and `when` reach the page through these
  const url = new URL(src, document.baseURI).href;
  preloadBoot(type);
  let worker = /** @type {Worker | null} */ (null);
  let channel = /** @type {Channel | null} */ (null);
  let buffer = /** @type {SharedArrayBuffer | null} */ (null);
  let terminated = false;
  /** @type {string[]} */
  let exported = [];
  /** how Pyodide started (boot.js SnapshotUse); "off" for MicroPython */
  let snapshotUse = "off";
  /** @type {import("./diagnose.js").Chosen | null} the transport, once chosen */
  let chosen = null;
  /** @type {Relay | null} the page's end of the "service-worker" transport */
  let relay = null;
  /** lets another worker start from this one's copy of worker.js's URL (controlledWorkerScript) */
  let freeCopy = () => {};

  /** @type {((e: Error) => void) | null} fails `ready` (terminate() before the worker is ready) */
  let stopBoot = null;
  const notReady = () => new Error(`${src} was terminated before it was ready`);
  mark("PyWorker");
  const ready = (async () => {
    // every reason this page cannot run one, before it starts
    chosen = await chooseTransport(transport);
    mark("transport");
    const problem = moduleWorkerProblem();
    if (problem) throw new Error(problem);
    if (terminated) throw notReady();
    const shared = chosen.kind === "shared";
    if (shared) buffer = new SharedArrayBuffer(bufferBytes);
    const script = new URL("./worker.js", import.meta.url);
    // a worker must be controlled by the page's service worker, the relay's (for its requests)
    // or a built site's (for its script's isolation headers): in WebKit, one started at the same
    // time as another from the same URL, or from a URL the page used before, may not be
    // (controlledWorkerScript)
    const controlled = Boolean(navigator.serviceWorker?.controller);
    const start = shared && !controlled ? null : controlledWorkerScript(script, { fresh: controlled });
    if (start) freeCopy = start.started;
    try {
      worker = startModuleWorker(start ? start.url : script, url);
    } catch (e) {
      start?.started();
      throw e;
    }
    mark("started");
    const post = worker.postMessage.bind(worker);
    channel = new Channel(buffer, { post, timeoutMs: timeout, maxFrameBytes, allow });
    const server = shared ? serverFor(wake) : null;
    const key = shared ? "" : crypto.randomUUID();
    if (server) server.add(channel);
    else relay = new Relay(channel, key, /** @type {ServiceWorkerRegistration} */ (chosen.registration), start?.started);
    const started = new Promise((resolve, reject) => {
      stopBoot = reject;
      /** @type {Worker} */ (worker).onmessage = ({ data }) => {
        if (data.kind === Message.RING) server?.ring();
        else if (data.kind === Message.SETTLE) channel?.settle(data);
        else if (data.kind === Message.KEEP) keepWhenIdle(data.key, data.bytes);
        else if (data.kind === Message.READY) {
          freeCopy();
          snapshotUse = data.snapshot;
          resolve(data.exports);
        }
        else if (data.kind === Message.FAILED) {
          freeCopy();
          reject(new Error(`${src} failed to start:\n${data.error}`));
        }
      };
      /** @type {Worker} */ (worker).onerror = (event) => {
        freeCopy();
        event.preventDefault();
        reject(new Error(`${src}: the worker failed: ${event.message}`));
      };
    });
    const doorbell = server ? server.doorbell : null;
    const io = lendStdio(channel.values, options, src);
    const boot = { type, buffer, doorbell, relay: shared ? null : relayUrl(key), src: url, timeoutMs: timeout, tag, io };
    if (type === "pyodide" && snapshot !== false) await keepWaiting(); // this page's snapshot still waiting to be kept: the worker looks for it
    const lane = relay && suspending ? [relay.workerPort()] : [];
    worker.postMessage({ kind: Message.BOOT, ...boot, lane: lane[0] ?? null, snapshot: snapshot !== false }, lane);
    mark("posted");
    exported = await started;
    stopBoot = null;
  })();

  const sync = new Proxy(
    {},
    {
      get(_, name) {
        if (typeof name !== "string" || name === "then") return undefined;
        return async (/** @type {any[]} */ ...args) => {
          await ready;
          if (!exported.includes(name)) {
            throw new Error(`${src} exports no function ${JSON.stringify(name)}; its __export__ lists [${exported.join(", ")}]`);
          }
          return /** @type {Channel} */ (channel).callExport(name, args);
        };
      },
    },
  );

  return {
    ready,
    sync,
    /** Stop the worker and free every handle it held. */
    terminate() {
      terminated = true;
      stopBoot?.(notReady());
      worker?.terminate();
      channel?.close("the worker was terminated");
      relay?.close();
      freeCopy();
    },
    /**
     * Raise KeyboardInterrupt in the worker's running Python: at once in Pyodide (its interrupt
     * buffer), and in either interpreter while it waits for a call to this page. The worker
     * stays usable. Over the "service-worker" transport (no shared memory) only at the worker's
     * next call to this page. Throws if the worker was terminated or has not started. Returns
     * false if the worker had not yet taken the interrupt sent before: the two are raised as
     * one KeyboardInterrupt (as two Ctrl-C before Python looks); true otherwise.
     * @returns {boolean}
     */
    interrupt() {
      if (terminated) throw new Error(`pyscript-ffi: interrupt() on a terminated worker (${src}): start a new PyWorker`);
      if (relay) return relay.interrupt();
      if (buffer === null) throw new Error(`pyscript-ffi: interrupt() before ${src} started: await w.ready first`);
      const i32 = new Int32Array(buffer);
      const fresh = Atomics.exchange(i32, Slot.INTERRUPT, INTERRUPT_SIGNAL) === 0;
      Atomics.notify(i32, Slot.STATE); // wake a worker blocked in a call
      return fresh;
    },
    /**
     * Live handles, calls served, bytes moved; which transport carries its calls and why
     * (`transport`: {kind, why}); how the page serves it (`serving`: the Server's figures, or
     * the relay's); how Pyodide started (`snapshot`: "restored", "made" or "off", once ready).
     */
    statistics() {
      if (!channel) return null;
      const serving = relay ? relay.statistics() : serverFor(wake).statistics();
      const { kind, why } = /** @type {import("./diagnose.js").Chosen} */ (chosen);
      return { ...channel.statistics(), transport: { kind, why }, serving, snapshot: snapshotUse };
    },
    get worker() {
      return worker;
    },
  };
}

/**
 * Run `src` (a Python file, relative to the page) on the page's own thread. pyscript_ffi there
 * gives the same API over the interpreter's own FFI (no channel, no copies). The page is busy
 * while Python runs: use a PyWorker for long work. Top-level `await` is allowed.
 * @param {string} src
 * @param {{ type?: "pyodide" | "micropython", snapshot?: boolean }} [options]  `snapshot`: as PyWorker's
 */
export function PyMain(src, options = {}) {
  const { type = "pyodide", snapshot = true } = options;
  if (type !== "pyodide" && type !== "micropython") {
    throw new TypeError(`PyMain type ${JSON.stringify(type)} is not supported; use "pyodide" or "micropython"`);
  }
  const url = new URL(src, document.baseURI).href;
  preloadBoot(type);
  const ready = (async () => {
    if (type === "micropython") return runMicroPythonMain(src, url);
    const { pyodide, code } = await bootPyodide(url, { snapshot: snapshot !== false });
    const app = pyodide.pyimport("pyscript_ffi._pyodide").start_local();
    try {
      await app.run(code, url);
    } catch (e) {
      throw new Error(`${src} failed:\n${e instanceof Error ? e.message : e}`);
    }
    return pyodide;
  })();
  return { ready };
}

/** PyMain's MicroPython: resolves to the MicroPython instance once `src` has run. */
async function runMicroPythonMain(/** @type {string} */ src, /** @type {string} */ url) {
  const { micropython, code } = await bootMicroPython(url);
  micropython.runPython("from pyscript_ffi import _runtime\nimport js\n_runtime.install_local(js)");
  try {
    await micropython.runPythonAsync(code);
  } catch (e) {
    throw new Error(`${src} failed:\n${e instanceof Error ? e.message : e}`);
  }
  return micropython;
}
