// @ts-check
// Tags with `worker`: each starts its own PyWorker at once. Its `script.xworker` (set before the
// worker boots, as PyScript does) gives `sync`: the worker's exports to call
// (`xworker.sync.fn(...)`, a Promise), and the page's functions for the worker to call
// (`xworker.sync.fn = f`, read by `pyscript.sync` through the registry).

import { readConfig } from "./config.js";
import { PyWorker } from "./main.js";
import { announce, configParser, inlineSource, INTERPRETER, isCustomTag, pageConfig, targetOf } from "./tag-element.js";
import { showError } from "./tag-errors.js";

/** @typedef {import("./tag-terminal.js").TagTerminal} TagTerminal */

/** @typedef {import("./tag-element.js").TagType} TagType */
/** @typedef {import("./tag-registry.js").TagRegistry} TagRegistry */

/** ms a tag's worker waits for the page to take one call (and for a Promise the page's `sync`
 * function returns): long, as the page's own thread may be booting an interpreter for its
 * scripts meanwhile (PyScript's workers wait without a bound) */
const WORKER_CALL_TIMEOUT_MS = 120_000;
/** the same for a `terminal` tag's worker, whose input() waits for a person to type a line */
const TERMINAL_CALL_TIMEOUT_MS = 3_600_000;

export class WorkerTags {
  /** @type {TagRegistry} */
  #registry;
  /** numbers the ids given to worker tags without one: one count for py and mpy tags, as PyScript */
  #numbered = 0;

  constructor(/** @type {TagRegistry} */ registry) {
    this.#registry = registry;
  }

  /** The functions the page lends worker `id` (its `xworker.sync.name = f`). */
  lentTo(/** @type {string} */ id) {
    return this.#registry.lentTo(id);
  }

  /** Start `script` in a worker; resolves once it ran its file (or failed, shown in a box). */
  async run(/** @type {any} */ script, /** @type {TagType} */ type) {
    const name = script.getAttribute("name");
    /** @type {(w: ReturnType<typeof PyWorker>) => void} */
    let started = () => {};
    /** @type {Promise<ReturnType<typeof PyWorker>>} */
    const starting = new Promise((resolve) => (started = resolve));
    /** @type {Map<string, Function>} the functions the page sets on `xworker.sync` */
    const lent = new Map();
    const xworker = xworkerOf(starting, lent);
    Object.defineProperty(script, "xworker", { value: xworker, configurable: true });
    if (name) this.#registry.nameWorker(name, xworker.ready);
    /** @type {TagTerminal | null} the tag's terminal, if it has the `terminal` attribute */
    let terminal = null;
    try {
      const own = script.getAttribute("config");
      const config = own !== null ? { ...(await readConfig(own, document.baseURI, null, { parser: configParser(type), parseInline: false })), where: own } : await pageConfig(type);
      // As PyScript: a tag without an id gets `py-wN` / `mpy-wN` once its config is read (its
      // worker made), so a tag whose config is fetched counts after the tags without one;
      // `current_target()` is then `${id}-target`.
      const id = script.id || (script.id = `${type}-w${this.#numbered++}`);
      this.#registry.lend(id, lent);
      if (script.hasAttribute("terminal")) terminal = await (await import("./tag-terminal.js")).TagTerminal.open(script);
      const src = script.getAttribute("src") ?? URL.createObjectURL(new Blob([inlineSource(script)], { type: "text/x-python" }));
      // as PyScript: a <py-script worker> is its own display target, emptied and shown now
      if (isCustomTag(script)) targetOf(script, id);
      const worker = PyWorker(src, {
        type: INTERPRETER[type],
        timeout: terminal ? TERMINAL_CALL_TIMEOUT_MS : WORKER_CALL_TIMEOUT_MS,
        tag: { id, type, name, config: config.value, baseURL: config.baseURL, terminal: terminal !== null },
        ...(terminal && { input: terminal.input, stdout: terminal.stdout, stderr: terminal.stderr }),
      });
      if (terminal) {
        terminal.onInterrupt = () => {
          try {
            worker.interrupt();
          } catch {
            // Ctrl-C before the worker started, or after it failed: nothing runs to interrupt
          }
        };
      }
      xworker.statistics = worker.statistics;
      started(worker);
      announce(script, "ready", true);
      await worker.ready;
    } catch (e) {
      const failed = Promise.reject(e); // for xworker.ready, if the worker never started
      failed.catch(() => {});
      started(/** @type {any} */ ({ ready: failed, sync: {}, terminate() {} }));
      const message = workerError(e?.message ?? String(e), type, script.id);
      if (terminal) terminal.stderr(message); // as PyScript: a terminal tag's error shows in it
      else showError(message);
    }
    announce(script, "done", true);
  }
}

/** The page's-thread Python's `PyWorker(src, type=..., config=...)` (pyscript/context.py): a
 * worker run as a tag's is, without a tag: what PyScript returns, `sync` both ways (the worker's
 * exports to call, `sync.fn = f` to lend it a function, which its `pyscript.sync.fn` calls),
 * `ready` (resolves to the worker once its code ran) and `terminate()`. A failure shows in the
 * error box, as PyScript shows it. */
export function pyWorkerFor(/** @type {WorkerTags} */ tags) {
  let made = 0;
  return (/** @type {string} */ src, /** @type {"pyodide" | "micropython"} */ interpreter, /** @type {string | null} */ config) => {
    const type = interpreter === "micropython" ? "mpy" : "py";
    const id = `${type}-pyworker${made++}`;
    const url = new URL(src, document.baseURI).href;
    const starting = (async () => {
      const read = await readConfig(config, document.baseURI);
      return PyWorker(url, {
        type: interpreter,
        timeout: WORKER_CALL_TIMEOUT_MS,
        tag: { id, type, name: null, config: read.value, baseURL: read.baseURL, terminal: false },
      });
    })();
    const ready = starting.then((worker) => worker.ready);
    const xworker = xworkerOf(starting.catch(() => failedWorker(ready)), tags.lentTo(id));
    const worker = { sync: xworker.sync, ready: ready.then(() => worker), terminate: xworker.terminate };
    worker.ready.catch((/** @type {any} */ e) => showError(workerError(e?.message ?? String(e), type, id)));
    return worker;
  };
}

/** A stand-in for a worker that never started: its `ready` rejects with why. */
function failedWorker(/** @type {Promise<any>} */ ready) {
  return /** @type {any} */ ({ ready, sync: {}, terminate() {} });
}

/** What the error box says when worker tag `id` failed: a Python error of its code is its
 * traceback alone, as PyScript shows it (the frames of an inline tag's code, run from a blob:
 * URL, named as the page's-thread tags are: the page's path, `#`, the tag's id); any other
 * failure names the tag first. */
export function workerError(/** @type {string} */ message, /** @type {string} */ type, /** @type {string} */ id) {
  const named = message.replace(/blob:[^\s"]+/g, `${location.pathname}#${id}`);
  const traceback = /^\S+ failed to start:\n(Traceback \(most recent call last\):\n[^]*)$/.exec(named);
  if (traceback) return traceback[1];
  return message.replace(/^blob:\S+/, `<script type="${type}" worker> #${id}`);
}

/** A worker tag's `xworker`: `sync` reads the page's lent functions first, else calls the
 * worker's export once it started; setting `sync.name` lends a function to the worker. */
function xworkerOf(/** @type {Promise<ReturnType<typeof PyWorker>>} */ starting, /** @type {Map<string, Function>} */ lent) {
  const sync = new Proxy(
    {},
    {
      get: (_, key) => {
        if (typeof key !== "string" || key === "then") return undefined;
        if (lent.has(key)) return lent.get(key);
        return async (/** @type {any[]} */ ...args) => /** @type {any} */ ((await starting).sync)[key](...args);
      },
      set: (_, key, value) => (typeof key === "string" && lent.set(key, value), true),
    },
  );
  const ready = starting.then((worker) => worker.ready).then(() => sync);
  ready.catch(() => {}); // shown in the tag's error box, not as an unhandled rejection
  return {
    sync,
    ready,
    terminate: () => starting.then((worker) => worker.terminate()),
    /** @type {() => any} */
    statistics: () => null,
  };
}
