// @ts-check
// Why this page cannot run a PyWorker, found before any worker starts, and which transport it
// runs one on: each check names the cause and the fix, so `ready` rejects with a sentence a
// user can act on in every engine (WebKit's bare stack `@.../main.js:81:41` says neither).
//
//   const problem = await diagnose();     // null, or the first problem's message
//   const { kind, why } = await chooseTransport("auto");   // "shared" or "service-worker"
//   const worker = startModuleWorker(url, name);   // a module worker, or the same kind of message
//
// Transports: "shared", the shared buffer (channel.js, stub.js), which needs a cross-origin
// isolated page with SharedArrayBuffer; "service-worker", the relay (relay.js), for a page that
// cannot be isolated. "auto" takes the shared buffer where the page has it (a built site is
// isolated first by its service worker, coi.js), else the relay.

import { isolate } from "./coi.js";
import { relayProblem, startRelay } from "./relay.js";

const REQUIRED_HEADERS = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
};

/** The browser versions that run module workers (`new Worker(url, { type: "module" })`). */
export const MODULE_WORKER_BROWSERS = "Chrome/Edge 80+, Firefox 114+, Safari 15+";

/**
 * Why this page cannot share memory with a worker, naming the headers it lacks (read from a
 * HEAD request for the page itself).
 * @returns {Promise<string | null>} null if the page is cross-origin isolated
 */
export async function isolationProblem() {
  if (globalThis.crossOriginIsolated) return null;
  let missing = Object.entries(REQUIRED_HEADERS);
  try {
    const response = await fetch(location.href, { method: "HEAD", cache: "no-store" });
    missing = missing.filter(([name, value]) => response.headers.get(name)?.toLowerCase() !== value);
  } catch {
    // the page cannot read its own headers: name both
  }
  const wanted = missing.length ? missing : Object.entries(REQUIRED_HEADERS);
  return (
    "pyscript-ffi needs a cross-origin isolated page (SharedArrayBuffer), and this one is not. " +
    `Serve it with the header${wanted.length > 1 ? "s" : ""} ` +
    wanted.map(([name, value]) => `'${name}: ${value}'`).join(" and ") +
    " (and resources with 'Cross-Origin-Resource-Policy: same-origin'), e.g. with `python -m pyscript_ffi serve`."
  );
}

/** @returns {string | null} why SharedArrayBuffer is missing on an isolated page */
export function sharedMemoryProblem() {
  if (typeof globalThis.SharedArrayBuffer === "function") return null;
  return (
    "pyscript-ffi needs SharedArrayBuffer, and this browser does not provide it although the page " +
    "is cross-origin isolated. WebKitGTK and WPE (e.g. MiniBrowser, Epiphany) enable it only when " +
    "started with the environment variable JSC_useSharedArrayBuffer=1; other browsers: update to " +
    "a current version and check that SharedArrayBuffer is not turned off in its settings."
  );
}

// (No check for Atomics.waitAsync: where it is missing, as in Firefox before 145 and older
// Safari, the page serves on RING messages instead: serving.js.)

/** @returns {string | null} why this browser cannot start a module worker */
export function moduleWorkerProblem() {
  if (typeof globalThis.Worker !== "function") {
    return "pyscript-ffi needs Web Workers, and this page has no Worker: " +
      `use ${MODULE_WORKER_BROWSERS}.`;
  }
  // A browser that knows module workers reads `type` from the options before it rejects the URL
  // (no worker starts); one that does not ignores `type` and would run worker.js as a classic script.
  let readsType = false;
  const options = {
    get type() {
      readsType = true;
      return /** @type {const} */ ("module");
    },
  };
  try {
    new Worker("http://[", options).terminate();
  } catch {
    // the bad URL throws once the options were read
  }
  return readsType ? null : moduleWorkerMessage("it ignores { type: \"module\" }");
}

/** @param {string} detail */
function moduleWorkerMessage(detail) {
  return (
    `pyscript-ffi starts Python in a module worker, and this browser cannot start one (${detail}). ` +
    `Use ${MODULE_WORKER_BROWSERS}.`
  );
}

/**
 * Every reason, in the order a user must fix them, why a PyWorker cannot run on this page over
 * `transport` (with "auto": over neither).
 * @param {Transport} [transport]
 * @returns {Promise<string | null>} the first problem's message, or null if the page can run one
 */
export async function diagnose(transport = "auto") {
  checkTransport(transport);
  const shared = transport === "service-worker" ? null : (await isolationProblem()) ?? sharedMemoryProblem();
  const relay = transport === "shared" ? null : relayProblem();
  if (transport === "shared" && shared) return shared;
  if (transport === "service-worker" && relay) return relayMessage(relay);
  if (shared && relay) return bothMessage(shared, relay);
  return moduleWorkerProblem();
}

/** @typedef {"auto" | "shared" | "service-worker"} Transport */
/**
 * @typedef {{ kind: "shared" | "service-worker", why: string, registration?: ServiceWorkerRegistration }} Chosen
 *   (registration: the relay's service worker registration, for "service-worker")
 */

/** @param {unknown} transport */
function checkTransport(transport) {
  if (transport !== "auto" && transport !== "shared" && transport !== "service-worker") {
    throw new TypeError(`pyscript-ffi: unknown transport ${JSON.stringify(transport)}; use "auto", "shared" or "service-worker"`);
  }
}

/** @param {string} cause */
const relayMessage = (cause) =>
  `pyscript-ffi cannot serve this page's workers through its service worker (transport "service-worker"): ${cause}. ` +
  "Open the page over https or from localhost in a normal browser window, or serve it cross-origin isolated " +
  "(transport \"shared\", e.g. with `python -m pyscript_ffi serve`).";

/** @param {string} shared @param {string} relay */
const bothMessage = (shared, relay) =>
  `${shared} Nor can it serve its workers through a service worker instead (the "service-worker" transport): ${relay}.`;

/**
 * Which transport this page's PyWorkers run on, and why; readies it (isolates a built site,
 * which reloads the page; registers the relay's service worker). Throws with every missing
 * piece named if `transport` cannot run here.
 * @param {Transport} [transport]
 * @returns {Promise<Chosen>}
 */
export async function chooseTransport(transport = "auto") {
  checkTransport(transport);
  if (transport !== "service-worker") {
    let shared = null;
    try {
      await isolate(); // a built site on a host without headers: its service worker, one reload
      shared = (await isolationProblem()) ?? sharedMemoryProblem();
    } catch (e) {
      if (transport === "shared") throw e;
      shared = e instanceof Error ? e.message : String(e);
    }
    if (shared === null) {
      const why = transport === "shared" ? "asked for (transport \"shared\")" : "the page is cross-origin isolated and has SharedArrayBuffer";
      return { kind: "shared", why };
    }
    if (transport === "shared") throw new Error(shared);
    const relay = relayProblem();
    if (relay) throw new Error(bothMessage(shared, relay));
    const registration = await startRelay().catch((e) => {
      throw new Error(bothMessage(shared, e.message));
    });
    const missing = globalThis.crossOriginIsolated ? "it has no SharedArrayBuffer" : "the page is not cross-origin isolated";
    return { kind: "service-worker", why: `${missing}, so its workers wait on the service worker instead of shared memory`, registration };
  }
  const relay = relayProblem();
  if (relay) throw new Error(relayMessage(relay));
  const registration = await startRelay().catch((e) => {
    throw new Error(relayMessage(e.message));
  });
  return { kind: "service-worker", why: "asked for (transport \"service-worker\")", registration };
}

/**
 * Start `url` as a module worker named `name`; if the browser refuses, throw an Error that says
 * why and what to do (a browser may know `type: "module"` and still refuse to start one).
 * @param {URL} url
 * @param {string} name
 * @returns {Worker}
 */
export function startModuleWorker(url, name) {
  try {
    return new Worker(url, { type: "module", name });
  } catch (e) {
    throw new Error(moduleWorkerMessage(`new Worker(..., { type: "module" }) threw ${e}`));
  }
}
