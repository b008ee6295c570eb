// @ts-check
// The page-side store of `pyscript.storage`: one IndexedDB database per store name, keys to
// the JSON text Python encoded. Published as `globalThis.pyscriptFfiStorage` by core.js; the
// page's thread and workers call the same functions (a worker through its channel), so every
// store lives in the page's origin. Writes are queued per store; `sync` resolves once the
// queue has reached the database.

import { direct } from "./values.js";

const ENTRIES = "entries";

/** @typedef {{ db: Promise<IDBDatabase>, pending: Promise<void> }} Store */
/** @type {Map<string, Store>} */
const stores = new Map();

/** @param {IDBRequest} request @returns {Promise<any>} */
const settled = (request) =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error("pyscript.storage: IndexedDB request failed"));
  });

/** @param {string} name @returns {Store} */
function storeOf(name) {
  let store = stores.get(name);
  if (!store) {
    const request = indexedDB.open(`pyscript-ffi/${name}`);
    request.onupgradeneeded = () => request.result.createObjectStore(ENTRIES);
    store = { db: settled(request), pending: Promise.resolve() };
    stores.set(name, store);
  }
  return store;
}

/** @param {string} name @param {IDBTransactionMode} mode @param {(s: IDBObjectStore) => IDBRequest} act */
async function transact(name, mode, act) {
  const db = await storeOf(name).db;
  return settled(act(db.transaction(ENTRIES, mode).objectStore(ENTRIES)));
}

/** Every key and value of store `name`, as one copy `[keys, values]`, once its writes are in.
 * @param {string} name */
async function entries(name) {
  await storeOf(name).pending;
  const keys = await transact(name, "readonly", (s) => s.getAllKeys());
  const values = await transact(name, "readonly", (s) => s.getAll());
  return direct([keys, values]);
}

/** Queue a write to store `name`: `set` (key, text), `delete` (key) or `clear`.
 * @param {string} name @param {"set" | "delete" | "clear"} op @param {string} [key] @param {string} [text] */
function write(name, op, key, text) {
  const store = storeOf(name);
  const act = op === "set" ? (/** @type {IDBObjectStore} */ s) => s.put(text, key)
    : op === "delete" ? (/** @type {IDBObjectStore} */ s) => s.delete(/** @type {string} */ (key))
    : (/** @type {IDBObjectStore} */ s) => s.clear();
  store.pending = store.pending.then(() => transact(name, "readwrite", act)).then(() => undefined);
}

/** Resolves once every write queued to store `name` is in the database (rejects if one failed,
 * then the queue carries on). @param {string} name */
function sync(name) {
  const store = storeOf(name);
  const done = store.pending;
  store.pending = done.catch(() => undefined);
  return done;
}

/** Publish the calls as `globalThis.pyscriptFfiStorage` (once). */
export function publishStorageCalls() {
  if ("pyscriptFfiStorage" in globalThis) return;
  Object.defineProperty(globalThis, "pyscriptFfiStorage", { value: Object.freeze({ entries, write, sync }) });
}
