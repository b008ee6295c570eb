// @ts-check
// The main thread's handle table for one worker: objects it lends to the worker, by id.
// Twin of broker/handles.py. An object lent twice has one id while live (so the worker compares
// proxies without asking); every lend is counted, the worker returns counts in its drops, and
// the entry goes at zero. Ids are never reused while live. It knows ids and objects, not the
// wire: what a lend hands out (a REMOTE ref, in values.js) is made by the function it is given.

import { HandleError } from "./errors.js";
import { GLOBAL_HANDLE } from "./protocol.js";

const ID_LIMIT = 2 ** 32; // ids travel as u32
/** One counter for every table on the page, so one worker's ids are never live in another's. */
let nextId = 1;

/** @template Ref */
export class HandleTable {
  /** @type {Map<number, { obj: any, count: number, ref: Ref }>} */
  #entries = new Map();
  /** @type {Map<any, number>} */
  #ids = new Map();
  /** ids handed out over the table's life */
  issued = 0;

  /**
   * @param {any} globalScope pinned as GLOBAL_HANDLE
   * @param {(id: number, obj: any) => Ref} makeRef what a lend of `obj` under `id` hands out
   *   (made once per entry, so it must be immutable)
   * @param {(obj: any) => void} [freed] told of each object whose entry goes
   */
  constructor(globalScope, makeRef, freed = () => {}) {
    this.makeRef = makeRef;
    this.freed = freed;
    this.#entries.set(GLOBAL_HANDLE, { obj: globalScope, count: Infinity, ref: makeRef(GLOBAL_HANDLE, globalScope) });
    this.#ids.set(globalScope, GLOBAL_HANDLE);
  }

  /** The ref to `obj`, counting one more lend. @param {any} obj @returns {Ref} */
  lend(obj) {
    let id = this.#ids.get(obj);
    let entry = id === undefined ? undefined : this.#entries.get(id);
    if (id === undefined || !entry) {
      id = this.#freshId();
      entry = { obj, count: 0, ref: this.makeRef(id, obj) };
      this.#entries.set(id, entry);
      this.#ids.set(obj, id);
      this.issued++;
    }
    entry.count++;
    return entry.ref;
  }

  /** @param {number} id */
  get(id) {
    const entry = this.#entries.get(id);
    if (!entry) throw new HandleError(notLive(id));
    return entry.obj;
  }

  /** Return `count` lends of `id`; the entry goes when none are left. @param {number} id @param {number} count */
  drop(id, count) {
    const entry = this.#entries.get(id);
    if (!entry) throw new HandleError(notLive(id));
    if (!(count >= 1 && count <= entry.count)) {
      throw new HandleError(`handle ${id} was lent ${entry.count} times, not ${count}: released twice?`);
    }
    if (entry.count === Infinity) return; // the global scope is never released
    entry.count -= count;
    if (entry.count === 0) {
      this.#entries.delete(id);
      this.#ids.delete(entry.obj);
      this.freed(entry.obj);
    }
  }

  /** Forget every entry but the global scope (the worker is gone). */
  clear() {
    for (const [id, entry] of this.#entries) {
      if (id !== GLOBAL_HANDLE) {
        this.#entries.delete(id);
        this.#ids.delete(entry.obj);
        this.freed(entry.obj);
      }
    }
  }

  /** Live entries, not counting the global scope. */
  get size() {
    return this.#entries.size - 1;
  }

  #freshId() {
    while (nextId === GLOBAL_HANDLE || this.#entries.has(nextId)) nextId = (nextId + 1) % ID_LIMIT;
    const id = nextId;
    nextId = (nextId + 1) % ID_LIMIT;
    return id;
  }
}

/** @param {number} id */
const notLive = (id) =>
  `handle ${id} is not live (released or never issued): used after release, or passed from another worker?`;
