// @ts-check
// Pyodide's memory snapshot, kept in the origin's Cache Storage: the first boot on an origin
// starts Pyodide the long way (its Python initializes) and keeps a copy of its memory (about
// 31 MB); every later boot, in any page or worker of the origin, restores that copy instead,
// several times faster (measured: docs/benchmarks.md, "Design choices").
//
// The copy is taken right after Pyodide's own start, before msgpack or any code of ours or the
// user's is loaded, so it holds Pyodide's state only: a dynamically loaded library (msgpack's C
// extension) cannot be in a snapshot, and nothing of a page's or user's ends up shared. After a
// restore, `fresh` reseeds what the copy would otherwise repeat in every worker.

const CACHE = "pyscript-ffi";

/**
 * Where the snapshot of this Pyodide is kept: one entry per Pyodide version and origin
 * (Pyodide itself refuses a snapshot of another build).
 * @param {URL} indexURL  the served Pyodide's folder
 * @param {string} version  its version
 */
export function snapshotKey(indexURL, version) {
  return new URL(`pyscript-ffi-snapshot-${version}.bin`, indexURL).href;
}

/** Whether this context can keep a snapshot (Cache Storage: secure contexts only). */
export function canKeep() {
  return typeof caches !== "undefined";
}

/**
 * The kept snapshot, or null: none, or it could not be read (call only where `canKeep()`).
 * @param {string} key @returns {Promise<Uint8Array | null>}
 */
export async function readSnapshot(key) {
  try {
    const response = await (await caches.open(CACHE)).match(key);
    return response ? new Uint8Array(await response.arrayBuffer()) : null;
  } catch {
    return null; // storage disabled or evicted under us: boot the long way
  }
}

/**
 * Keep `bytes` for later boots. Never rejects: a failure (a full quota, private browsing) only
 * means the next boot takes the long way again. A worker hands its snapshot to the page to keep
 * (Message.KEEP): WebKit drops a worker's write to Cache Storage when the worker is terminated,
 * even one whose put() has resolved.
 * @param {string} key @param {Uint8Array} bytes @returns {Promise<void>}
 */
export async function keepSnapshot(key, bytes) {
  if (!canKeep()) return;
  try {
    if (await putFound(key, bytes)) return;
    // WebKitGTK 2.50, at times, after a page of the origin closed while its put() was under
    // way: a put() into the cache of that name resolves and keeps nothing, and the next boot's
    // again; the cache made anew under the name keeps it (docs/browsers.md)
    await caches.delete(CACHE);
    if (!(await putFound(key, bytes))) throw new Error("the write resolved, yet nothing was kept");
  } catch (e) {
    // said once a page: every boot until then takes the long way, and each would say it again
    if (!refused) {
      console.warn(
        `pyscript-ffi: Pyodide's memory snapshot (${bytes.length} bytes) could not be kept in Cache Storage (${e instanceof Error ? `${e.name}: ${e.message}` : e}): boots take the long way until there is room`,
      );
    }
    refused = true;
  }
}

/** Put `bytes` under `key` in the cache; whether it is there once the put resolved. */
async function putFound(/** @type {string} */ key, /** @type {Uint8Array} */ bytes) {
  const cache = await caches.open(CACHE);
  await cache.put(key, new Response(/** @type {Uint8Array<ArrayBuffer>} */ (bytes)));
  return (await cache.match(key)) !== undefined;
}

/** The longest a snapshot waits for an idle moment before it is kept anyway (ms). */
const IDLE_WAIT_MS = 2000;

/** @type {Set<() => Promise<void>>} the snapshots waiting for an idle moment to be kept */
const waiting = new Set();

/**
 * keepSnapshot once the thread is idle (requestIdleCallback where it exists, else the next
 * task): writing 31 MB to Cache Storage while the boot goes on would compete with it for the
 * machine's cores. A page closed before then keeps nothing (Cache Storage stores an entry
 * whole or not at all), and the origin's next boot makes a snapshot again. A boot that starts
 * before then keeps it first (keepWaiting), so that it finds it.
 * @param {string} key @param {Uint8Array} bytes @returns {Promise<void>}
 */
export function keepWhenIdle(key, bytes) {
  /** @type {Promise<void> | null} */
  let kept = null;
  const keep = () => {
    waiting.delete(keep);
    return (kept ??= keepSnapshot(key, bytes));
  };
  waiting.add(keep);
  return new Promise((resolve) => {
    const idle = () => keep().then(resolve);
    if (typeof requestIdleCallback === "function") requestIdleCallback(idle, { timeout: IDLE_WAIT_MS });
    else setTimeout(idle, 0);
  });
}

/**
 * Keep now every snapshot of this page still waiting for an idle moment: a boot about to look
 * for one (a worker's, or the page's own) would otherwise take the long way again, as Firefox's
 * idle callbacks can come seconds after a worker's `ready`.
 * @returns {Promise<void>}
 */
export async function keepWaiting() {
  if (!waiting.size) return;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const bound = new Promise((resolve) => (timer = setTimeout(resolve, KEEP_WAIT_MS)));
  await Promise.race([Promise.all([...waiting].map((keep) => keep())), bound]);
  clearTimeout(timer);
}

/** The longest a boot waits for the page's waiting snapshots to be kept (ms): past it, it boots
 * anyway (the long way, if the write is still going on). */
const KEEP_WAIT_MS = 5000;

let refused = false;

/** Drop a snapshot Pyodide refused (another build, damaged), so the next boot makes a new one. @param {string} key */
export async function forgetSnapshot(key) {
  await (await caches.open(CACHE)).delete(key).catch(() => false);
}

/**
 * Python run in a restored Pyodide: the snapshot carries the state of the boot that made it,
 * so `random`'s generator (seeded at Pyodide's start) would give every restored worker the
 * same numbers; and Pyodide's setup puts "" on sys.path again after a restore.
 */
export const AFTER_RESTORE = `
import random, sys
random.seed()
while sys.path[:2] == ["", ""]:
    del sys.path[0]
`;
