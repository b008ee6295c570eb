// @ts-check
// What Python reaches of the page's tags, as `window.pyscriptFfiCore` (`js.pyscriptFfiCore` on
// the page's thread; a worker reaches it through its channel like any page object): named
// workers' exports, the functions the page lends a worker tag through `xworker.sync`, a worker
// tag's display target, and (for tests and pages) a promise that every tag found so far ran.

import { targetOf } from "./tag-element.js";

/** @typedef {{ promise: Promise<any>, resolve: (v: any) => void }} Named */

export class TagRegistry {
  /** @type {Map<string, Named>} worker name -> the promise of its `sync` */
  #named = new Map();
  /** @type {Map<string, Map<string, Function>>} worker tag id -> functions the page set on its xworker.sync */
  #lent = new Map();
  /** @type {Set<Promise<void>>} every tag's run, started or finished */
  #runs = new Set();

  /** Publish the Python-facing calls as `globalThis.pyscriptFfiCore`. Each is a plain function
   * (no `this`), so it works however an interpreter's FFI calls it; `more` adds others. */
  publish(/** @type {Record<string, Function>} */ more = {}) {
    const surface = Object.freeze({
      ...more,
      /** A promise of the named worker's `sync` (its exports), once it is ready. */
      named: (/** @type {string} */ name) => this.#entry(name).promise,
      /** The function the page set as `xworker.sync[name]` on worker tag `id`, or null. */
      pageFunction: (/** @type {string} */ id, /** @type {string} */ name) => {
        const fn = this.#lent.get(id)?.get(name);
        return typeof fn === "function" ? fn : null;
      },
      /** The id of a worker tag's display target, created after the tag on first use. */
      workerTarget: (/** @type {string} */ id) => {
        const script = document.getElementById(id);
        if (!script && /-pyworker\d+$/.test(id)) throw new Error("pyscript-ffi: a PyWorker started from Python has no tag to display next to: pass display() a target");
        if (!script) throw new Error(`pyscript-ffi: the worker tag #${id} is no longer in the page`);
        return targetOf(script, `${id}-target`).id;
      },
      /** Resolves once every tag found so far has run (or failed). */
      settled: () => this.settled(),
    });
    Object.defineProperty(globalThis, "pyscriptFfiCore", { value: surface });
  }

  /** `lent` holds the functions the page lends worker tag `id` (its `xworker.sync.name = f`). */
  lend(/** @type {string} */ id, /** @type {Map<string, Function>} */ lent) {
    this.#lent.set(id, lent);
  }

  /** The functions lent to worker `id`, a new empty map the first time it is asked for. */
  lentTo(/** @type {string} */ id) {
    let lent = this.#lent.get(id);
    if (!lent) this.#lent.set(id, (lent = new Map()));
    return lent;
  }

  /** Worker `name` is `ready` (a promise of its `sync`, which may reject: its tag shows why). */
  nameWorker(/** @type {string} */ name, /** @type {Promise<any>} */ ready) {
    this.#entry(name).resolve(ready);
  }

  /** Count `run` (one tag's) in `settled()`. */
  track(/** @type {Promise<void>} */ run) {
    this.#runs.add(run);
  }

  /** Resolves once every tag tracked so far has run (or failed). */
  settled() {
    return Promise.allSettled([...this.#runs]);
  }

  /** @param {string} name @returns {Named} */
  #entry(name) {
    let found = this.#named.get(name);
    if (!found) {
      /** @type {(v: any) => void} */
      let resolve = () => {};
      const promise = new Promise((ok) => (resolve = ok));
      promise.catch(() => {}); // a failed worker shows its own error box
      this.#named.set(name, (found = { promise, resolve }));
    }
    return found;
  }
}
