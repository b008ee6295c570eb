// @ts-check
// The page's calls into its worker, by postMessage (the main thread never blocks): exports
// (`w.sync.NAME(...)`) and the JS functions standing for the worker's callbacks. Each call is
// pending until the worker's SETTLE message answers it.

import { Message } from "./protocol.js";
import { decode, encode, owned } from "./wire.js";
import { enforce } from "./events.js";

/**
 * @typedef {object} CallsOptions
 * @property {(message: any) => void} post   postMessage to the worker
 * @property {import("./values.js").Values} values  how arguments go to the worker
 * @property {import("./wire.js").Refs} refs   what REMOTE and CALLBACK ids in a result mean
 */

export class WorkerCalls {
  /** @param {CallsOptions} options */
  constructor({ post, values, refs }) {
    this.post = post;
    this.values = values;
    this.refs = refs;
    /** JS functions standing for the worker's callbacks, by id, held weakly. */
    this.callbacks = new Map();
    this.collected = new FinalizationRegistry((/** @type {number} */ id) => {
      if (this.callbacks.get(id)?.deref()) return; // a newer function for the same id
      this.callbacks.delete(id);
      if (!this.closed) this.post({ kind: Message.FORGET, id });
    });
    /** Page-to-worker calls waiting for their answer. */
    this.pending = new Map();
    this.nextCall = 1;
    this.closed = false;
  }

  /** Call the worker's exported function `name` with `args` (copied by value). @param {string} name @param {any[]} args */
  callExport(name, args) {
    return this.#call({ kind: Message.EXPORT, name }, args.map((a) => this.values.copy(a)));
  }

  /**
   * The JS function that calls the worker's callback `id`: one function per id while the page
   * holds it (so removeEventListener finds it), held weakly; when the page drops it, the worker
   * is told (FORGET), so a one-shot callback that was never called does not stay in its table.
   * @param {number} id
   */
  callbackFunction(id) {
    let fn = this.callbacks.get(id)?.deref();
    if (!fn) {
      const self = (/** @type {any[]} */ ...args) => {
        enforce(self, args[0]); // what the listener declared (events.js), while the event is live
        return this.#call({ kind: Message.CALLBACK, id }, args.map((a) => this.values.out(a)));
      };
      fn = self;
      this.callbacks.set(id, new WeakRef(fn));
      this.values.callbackIds.set(fn, id);
      this.collected.register(fn, id);
    }
    return fn;
  }

  /**
   * Ask the worker to run something; resolves to its result.
   * @param {Record<string, any>} message @param {any[]} args wire-ready arguments
   */
  #call(message, args) {
    if (this.closed) return Promise.reject(new Error("pyscript-ffi: the worker was terminated"));
    const call = this.nextCall++;
    return new Promise((resolve, reject) => {
      this.pending.set(call, { resolve, reject });
      this.post({ ...message, call, frame: owned(encode(args)) }); // posted: see owned
    });
  }

  /** The worker's SETTLE message: the answer to a call. @param {{ call: number, frame?: Uint8Array, error?: string }} message */
  settle({ call, frame, error }) {
    const waiter = this.pending.get(call);
    if (!waiter) return;
    this.pending.delete(call);
    if (error !== undefined) {
      waiter.reject(new Error(String(error)));
      return;
    }
    if (!(frame instanceof Uint8Array)) {
      // a forged or broken SETTLE: the call fails, saying so
      waiter.reject(new Error(`pyscript-ffi: the worker's answer to call ${call} carries neither a result frame nor an error`));
      return;
    }
    try {
      waiter.resolve(decode(/** @type {Uint8Array} */ (frame), this.refs));
    } catch (e) {
      waiter.reject(e);
    }
  }

  /** Fail every pending call with `why`, and make no more. @param {string} why */
  close(why) {
    this.closed = true;
    this.callbacks.clear();
    for (const { reject } of this.pending.values()) reject(new Error(`pyscript-ffi: ${why}`));
    this.pending.clear();
  }
}
