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

import { bootMicroPython, bootPyodide } from "./boot.js";
import { readConfig } from "./config.js";
import { prepare } from "./environment.js";
import { PyWorker } from "./main.js";

/** @typedef {"py" | "mpy"} TagType */
/** @type {Record<TagType, "pyodide" | "micropython">} */
const INTERPRETER = { py: "pyodide", mpy: "micropython" };
const SELECTOR = 'script[type="py"], script[type="mpy"]';
/** ms a tag's worker waits for the page to take one call: long, as the page's own thread may be
 * booting an interpreter for its scripts meanwhile (PyScript's workers wait without a bound) */
const WORKER_CALL_TIMEOUT_MS = 120_000;

/** @type {WeakSet<Element>} tags already started */
const seen = new WeakSet();
/** @type {Map<string, { promise: Promise<any>, resolve: (v: any) => void, reject: (e: any) => void }>} */
const named = new Map();
/** @type {Map<string, Map<string, Function>>} worker tag id -> functions the page set on xworker.sync */
const pageSync = new Map();
/** @type {Map<number, [string, any]>} settled results of page sync calls that returned a Promise */
const pending = new Map();
let nextTicket = 1;
let nextId = 0;

/** The registry Python reaches (as `js.pyscriptFfiCore`, or `window.` of it from a worker). */
const registry = {
  /** A promise of the named worker's `sync` (its exports), once it is ready. @param {string} name */
  named(name) {
    return entry(name).promise;
  },
  /** Call the page's `xworker.sync[name]` for worker `id`: ["value", v] now, ["ticket", n] to poll, or ["missing", why]. */
  callSync(/** @type {string} */ id, /** @type {string} */ name, /** @type {any[]} */ ...args) {
    const fn = pageSync.get(id)?.get(name);
    if (typeof fn !== "function") {
      return ["missing", `the page set no function sync.${name} for this worker: on the page, set xworker.sync.${name} = a function`];
    }
    const value = fn(...args);
    if (!value || typeof value.then !== "function") return ["value", value];
    const ticket = nextTicket++;
    value.then(
      (/** @type {any} */ v) => pending.set(ticket, ["value", v]),
      (/** @type {any} */ e) => pending.set(ticket, ["error", e?.message ?? String(e)]),
    );
    return ["ticket", ticket];
  },
  /** The outcome of a ticket, ["value", v] or ["error", message], once settled (then forgotten); undefined while pending. */
  poll(/** @type {number} */ ticket) {
    const outcome = pending.get(ticket);
    pending.delete(ticket);
    return outcome;
  },
  /** The id of a worker tag's display target, created after the tag on first use. */
  workerTarget(/** @type {string} */ id) {
    const script = document.getElementById(id);
    if (!script) throw new Error(`pyscript-ffi: the worker tag #${id} is no longer in the page`);
    return targetOf(/** @type {any} */ (script), `${id}-target`).id;
  },
  /** Resolves once every tag found so far has run (or failed). */
  settled: () => Promise.allSettled([...runs]),
};
/** @type {Set<Promise<void>>} */
const runs = new Set();
Object.defineProperty(globalThis, "pyscriptFfiCore", { value: registry });

/** @param {string} name */
function entry(name) {
  let found = named.get(name);
  if (!found) {
    /** @type {any} */
    const resolvers = {};
    resolvers.promise = new Promise((resolve, reject) => Object.assign(resolvers, { resolve, reject }));
    resolvers.promise.catch(() => {}); // a failed worker shows its own error box
    named.set(name, (found = resolvers));
  }
  return /** @type {any} */ (found);
}

/** Show `message` in a box on the page, as PyScript does, and in the console. */
export function showError(/** @type {string} */ message) {
  console.error(message);
  const box = document.createElement("div");
  box.className = "py-error";
  box.textContent = message;
  box.style.cssText =
    "border: 1px solid red; background: #ffdddd; color: black; font-family: courier, monospace;" +
    "white-space: pre; overflow-x: auto; padding: 8px; margin-top: 8px;";
  document.body.append(box);
}

/** Remove the common indentation of `code`, as PyScript does for inline scripts. */
function dedent(/** @type {string} */ code) {
  const lines = code.replace(/^\s*\n/, "").split("\n");
  const indent = /^[ \t]*/.exec(lines.find((l) => l.trim()) ?? "")?.[0] ?? "";
  return lines.map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l)).join("\n");
}

/** The element a script displays into: its `target` attribute's, or one made next to it. */
function targetOf(/** @type {any} */ script, /** @type {string} */ id, tagName = "script-py") {
  if (script.target) return script.target;
  const wanted = script.getAttribute("target");
  let target = wanted && (document.getElementById(wanted) ?? document.querySelector(wanted));
  if (wanted && !target) throw new Error(`pyscript-ffi: the target ${JSON.stringify(wanted)} of a <script type="${script.type}"> is not in the page`);
  if (!target) {
    target = document.createElement(tagName);
    if (document.head.contains(script)) document.body.append(target);
    else script.after(target);
  }
  if (!target.id) target.id = id;
  Object.defineProperty(script, "target", { value: target, configurable: true });
  return target;
}

/** @param {Element} element @param {string} what */
function dispatch(element, what, worker = false) {
  element.dispatchEvent(new CustomEvent(`${element.getAttribute("type")}:${what}`, { bubbles: true, detail: { worker } }));
}

// ---- the page's own thread: one interpreter per type, its scripts in a queue ----

/** @type {Map<TagType, { queue: Promise<void>, interpreter: Promise<any>, current: string }>} */
const mains = new Map();

/** The config of `type`'s scripts on this thread: <py-config>, or their `config` attribute. */
async function mainConfig(/** @type {TagType} */ type) {
  const tags = document.querySelectorAll(`${type}-config`);
  const attributes = Array.from(document.querySelectorAll(`script[type="${type}"][config]:not([worker])`)).map((s) => s.getAttribute("config"));
  if (tags.length > 1) throw new Error(`pyscript-ffi: too many <${type}-config> tags: keep one`);
  if (tags.length && attributes.length) throw new Error(`pyscript-ffi: ambiguous config: a <${type}-config> tag and a config attribute on a <script type="${type}">; keep one`);
  if (new Set(attributes).size > 1) throw new Error(`pyscript-ffi: the <script type="${type}"> tags on the page's thread name different configs; they share one interpreter, so give them one config`);
  if (tags.length) {
    const tag = tags[0];
    const kind = /** @type {any} */ (tag.getAttribute("type"));
    return { ...(await readConfig(tag.getAttribute("src") || tag.textContent, document.baseURI, kind)), where: `<${type}-config>` };
  }
  return { ...(await readConfig(attributes[0] ?? null, document.baseURI)), where: attributes[0] ?? "the page" };
}

/** @param {TagType} type */
function mainFor(type) {
  let main = mains.get(type);
  if (!main) {
    const state = { queue: Promise.resolve(), interpreter: Promise.resolve(), current: "" };
    state.interpreter = (async () => {
      const [config, booted] = await Promise.all([
        mainConfig(type),
        type === "py" ? bootPyodide(null).then((b) => b.pyodide) : bootMicroPython(null).then((b) => b.micropython),
      ]);
      await prepare(booted, INTERPRETER[type], {
        ...config,
        config: config.value,
        worker: false,
        type,
        get target() {
          return state.current;
        },
      });
      return booted;
    })();
    mains.set(type, (main = state));
  }
  return main;
}

/** Run `script` on the page's thread, after the scripts of its type before it. */
function runMain(/** @type {HTMLScriptElement} */ script, /** @type {TagType} */ type) {
  const main = mainFor(type);
  const run = main.queue.then(async () => {
    try {
      const interpreter = await main.interpreter;
      const code = await sourceOf(script);
      main.current = targetOf(script, `${type}-${nextId++}`).id;
      dispatch(script, "ready");
      Object.defineProperty(document, "currentScript", { configurable: true, get: () => script });
      try {
        const filename = script.src || `${location.pathname}#${main.current}`;
        const options = type === "py" ? { filename } : undefined;
        if (/^(false|0|no)$/i.test(script.getAttribute("async") ?? "")) interpreter.runPython(code, options);
        else await interpreter.runPythonAsync(code, options);
      } finally {
        delete (/** @type {any} */ (document).currentScript);
      }
    } catch (e) {
      showError(e?.message ?? String(e));
    }
    dispatch(script, "done");
  });
  main.queue = run;
  return run;
}

/** @param {HTMLScriptElement} script */
async function sourceOf(script) {
  if (!script.hasAttribute("src")) return dedent(script.textContent ?? "");
  const url = new URL(/** @type {string} */ (script.getAttribute("src")), document.baseURI);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`pyscript-ffi: could not load ${url.href}: HTTP ${response.status}`);
  return response.text();
}

// ---- workers: each tag its own ----

/** Start `script` in a worker. Its `xworker` (set at once, as PyScript does) gives `sync`: the
 * worker's exports to call, and the page's functions for it to call (`xworker.sync.fn = f`). */
async function runWorker(/** @type {any} */ script, /** @type {TagType} */ type) {
  const id = script.id || (script.id = `${type}-w${nextId++}`);
  const name = script.getAttribute("name");
  /** @type {Map<string, Function>} */
  const fromPage = new Map();
  pageSync.set(id, fromPage);
  /** @type {(w: ReturnType<typeof PyWorker>) => void} */
  let started = () => {};
  /** @type {Promise<ReturnType<typeof PyWorker>>} */
  const starting = new Promise((resolve) => (started = resolve));
  const sync = new Proxy(
    {},
    {
      get: (_, key) => {
        if (typeof key !== "string" || key === "then") return undefined;
        if (fromPage.has(key)) return fromPage.get(key);
        return async (/** @type {any[]} */ ...args) => /** @type {any} */ ((await starting).sync)[key](...args);
      },
      set: (_, key, value) => (typeof key === "string" && fromPage.set(key, value), true),
    },
  );
  const ready = starting.then((worker) => worker.ready).then(() => sync);
  ready.catch(() => {}); // shown in an error box below, not as an unhandled rejection
  const xworker = {
    sync,
    ready,
    terminate: () => starting.then((worker) => worker.terminate()),
    statistics: () => null,
  };
  Object.defineProperty(script, "xworker", { value: xworker, configurable: true });
  if (name) entry(name).resolve(ready);
  try {
    const own = script.getAttribute("config");
    const config = own !== null ? { ...(await readConfig(own, document.baseURI)), where: own } : await mainConfig(type);
    const src = script.getAttribute("src") ?? URL.createObjectURL(new Blob([dedent(script.textContent ?? "")], { type: "text/x-python" }));
    const worker = PyWorker(src, {
      type: INTERPRETER[type],
      timeout: WORKER_CALL_TIMEOUT_MS,
      tag: { id, type, name, config: config.value, baseURL: config.baseURL },
    });
    xworker.statistics = worker.statistics;
    started(worker);
    dispatch(script, "ready", true);
    await worker.ready;
  } catch (e) {
    const failed = Promise.reject(e); // for xworker.ready, if the worker never started
    failed.catch(() => {});
    started(/** @type {any} */ ({ ready: failed, sync: {}, terminate() {} }));
    const message = e?.message ?? String(e);
    // an inline tag's code runs from a blob: URL; name the tag instead
    showError(message.replace(/^blob:\S+/, `<script type="${type}" worker> #${id}`));
  }
  dispatch(script, "done", true);
}

// ---- finding tags ----

/** Start `script` if it is a PyScript tag not yet started. @param {Element} script */
function handle(script) {
  if (seen.has(script) || !script.matches(SELECTOR)) return;
  seen.add(script);
  const type = /** @type {TagType} */ (script.getAttribute("type"));
  const run = script.hasAttribute("worker") ? runWorker(script, type) : runMain(/** @type {HTMLScriptElement} */ (script), type);
  runs.add(run);
}

function start() {
  // PyScript's core.css hides config tags; a page may still link PyScript's copy, unreachable here
  const style = document.createElement("style");
  style.textContent = "py-config, mpy-config, py-script, mpy-script { display: none; }";
  document.head.append(style);
  // as PyScript: a Python error raised later (in an event handler) shows in a box too
  globalThis.addEventListener("error", ({ message }) => {
    if (/PythonError|Traceback/.test(message ?? "")) showError(message);
  });
  const initial = Array.from(document.querySelectorAll(SELECTOR));
  initial.forEach(handle);
  Promise.allSettled([...runs]).then(() => globalThis.dispatchEvent(new Event("py:all-done")));
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of Array.from(record.addedNodes)) {
        if (!(node instanceof Element)) continue;
        handle(node);
        node.querySelectorAll(SELECTOR).forEach(handle);
      }
    }
  }).observe(document, { childList: true, subtree: true });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start, { once: true });
else start();
