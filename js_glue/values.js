// @ts-check
// Value shaping on the page: how a JS value goes to the worker. Primitives by value (numbers
// through `wireNumber`), functions the worker lent back as its CALLBACK, everything else lent
// as a REMOTE handle, unless marked `direct` or asked for by COPY: then a deep copy.

import { GLOBAL_HANDLE, RemoteFlag } from "./protocol.js";
import { HandleTable } from "./handles.js";
import { lending, letGo } from "./outcomes.js";
import { CallbackRef, RemoteRef, wireNumber } from "./wire.js";

const MAX_COPY_DEPTH = 100;

/** Objects marked by `direct`: they cross to the worker by value, not as a handle. */
const directs = new WeakSet();

/**
 * Mark `value` to cross to the worker by value (a deep copy) instead of as a handle. Returns it.
 * @template T @param {T} value @returns {T}
 */
export function direct(value) {
  if (typeof value === "object" && value !== null) directs.add(value);
  return value;
}

/**
 * The flags a REMOTE handle carries, so the borrower knows without asking.
 * @param {any} obj
 */
export function remoteFlags(obj) {
  let flags = 0;
  if (typeof obj === "function") flags |= RemoteFlag.CALLABLE;
  if (typeof obj !== "symbol") {
    if (Symbol.iterator in obj) flags |= RemoteFlag.ITERABLE;
    if ("length" in obj || obj instanceof Map || obj instanceof Set) flags |= RemoteFlag.SIZED;
    if (Array.isArray(obj)) flags |= RemoteFlag.ARRAY;
    if (obj instanceof Promise || typeof obj.then === "function") flags |= RemoteFlag.THENABLE;
  }
  return flags;
}

/** The REMOTE ref of a handle table entry; the global scope carries no flags. @param {number} id @param {any} obj */
const remoteRef = (id, obj) => new RemoteRef(id, id === GLOBAL_HANDLE ? 0 : remoteFlags(obj));

export class Values {
  /** @param {{ checkOut: (value: any) => void }} policy asked before any object is lent */
  constructor(policy) {
    this.policy = policy;
    /** @type {HandleTable<RemoteRef>} what the page lends the worker */
    this.handles = new HandleTable(globalThis, remoteRef, letGo);
    /** @type {WeakMap<Function, number>} the page's functions standing for the worker's callbacks */
    this.callbackIds = new WeakMap();
  }

  /** A result value for the wire: primitives by value, everything else lent as a handle. */
  out(/** @type {any} */ v) {
    switch (typeof v) {
      case "number":
      case "bigint":
        return wireNumber(v);
      case "string":
      case "boolean":
      case "undefined":
        return v;
      case "function": {
        const id = this.callbackIds.get(v);
        return id === undefined ? this.handles.lend(v) : new CallbackRef(id);
      }
      default:
        if (v === null) return null;
        this.policy.checkOut(v);
        if (directs.has(v)) return this.copy(v);
        lending(v);
        return this.handles.lend(v);
    }
  }

  /**
   * A deep copy by value: arrays, plain objects and byte buffers; anything else is lent. A copy
   * that fails half-way (a getter threw) returns what it had lent. @param {any} v
   */
  copy(v) {
    /** @type {number[]} */
    const lent = [];
    try {
      return this.#copy(v, 0, new Set(), lent);
    } catch (e) {
      for (const id of lent) this.handles.drop(id, 1);
      throw e;
    }
  }

  /** The global scope's ref (HELLO: policies do not apply). */
  scope() {
    return this.handles.lend(globalThis);
  }

  /** @param {any} v @param {number} depth @param {Set<any>} path @param {number[]} lent */
  #copy(v, depth, path, lent) {
    if (typeof v !== "object" || v === null) return this.#out(v, lent);
    if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice();
    if (v instanceof ArrayBuffer) return new Uint8Array(v.slice(0));
    const proto = Object.getPrototypeOf(v);
    const plain = Array.isArray(v) || proto === Object.prototype || proto === null || directs.has(v);
    if (!plain) return this.#out(v, lent);
    if (path.has(v)) throw new TypeError("cannot copy a circular structure by value");
    if (depth >= MAX_COPY_DEPTH) throw new RangeError(`cannot copy deeper than ${MAX_COPY_DEPTH} levels`);
    path.add(v);
    let result;
    if (Array.isArray(v)) {
      result = v.map((x) => this.#copy(x, depth + 1, path, lent));
    } else {
      result = {};
      for (const k of Object.keys(v)) result[k] = this.#copy(v[k], depth + 1, path, lent);
    }
    path.delete(v);
    return result;
  }

  /** `out`, noting in `lent` the id of what it lent. @param {any} v @param {number[]} lent */
  #out(v, lent) {
    const out = this.out(v);
    if (out instanceof RemoteRef) lent.push(out.id);
    return out;
  }
}
