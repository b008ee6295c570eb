// @ts-check
// Why this page cannot run a PyWorker, found before any worker starts: each check names the
// cause and the fix, so `ready` rejects with a sentence a user can act on in every engine
// (WebKit's bare stack `@.../main.js:81:41` says neither).
//
//   const problem = await diagnose();     // null, or the first problem's message
//   const worker = startModuleWorker(url, name);   // a module worker, or the same kind of message

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
 * Every reason, in the order a user must fix them, why a PyWorker cannot run on this page.
 * @returns {Promise<string | null>} the first problem's message, or null if the page can run one
 */
export async function diagnose() {
  const isolation = await isolationProblem();
  if (isolation) return isolation;
  return sharedMemoryProblem() ?? moduleWorkerProblem();
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
