// @ts-check
// Cross-origin isolation for a site on a static host that sends no headers. A site made by
// `pyscript-ffi build` has coi-serviceworker.js at its root (one folder above this module);
// when the page is not isolated, isolate() registers it and reloads the page once, and the
// reloaded page comes through the service worker with the headers. Where no service worker can
// run, it rejects with the cause and the fix: never a silent hang.

const SCRIPT = "coi-serviceworker.js";
/** sessionStorage key: when this tab last reloaded for isolation (the guard against a loop) */
const RELOADED_AT = "pyscript-ffi:coi-reload";
const LOOP_MS = 10_000;
const ACTIVATE_MS = 10_000;
const FIX =
  "Serve the site from a host that sends the headers (`pyscript-ffi build` writes them to _headers " +
  "for Netlify and Cloudflare Pages and to vercel.json for Vercel; `pyscript-ffi serve` sends them), " +
  "or open it in a normal browser window over https or localhost, where service workers run.";

/**
 * Resolves once the page is cross-origin isolated, or at once if it is not a built site (no
 * service worker beside it: the caller names the missing headers). Reloads the page (and never
 * resolves) to let the service worker in. Rejects with the cause and the fix if it cannot.
 * @returns {Promise<void>}
 */
export async function isolate() {
  if (globalThis.crossOriginIsolated) {
    forgetReload();
    watchUpdates();
    await keepRegistered();
    return;
  }
  const script = new URL(`../${SCRIPT}`, import.meta.url);
  const fail = (/** @type {string} */ cause) =>
    new Error(`pyscript-ffi: this page is not cross-origin isolated (it needs SharedArrayBuffer), and ${cause}. ${FIX}`);
  if (location.protocol === "file:") {
    throw fail("it was opened from a file (file://), where no service worker runs: serve its folder over http, e.g. `python -m http.server` in it");
  }
  if (!(await exists(script))) return;
  if (!window.isSecureContext) throw fail(`its origin ${location.origin} is not secure (http, not localhost), so its service worker cannot run`);
  if (!navigator.serviceWorker) throw fail("this browser offers no service workers to this page (a private window, or turned off)");
  let last;
  try {
    last = Number(sessionStorage.getItem(RELOADED_AT) || 0);
  } catch {
    throw fail("the browser keeps no session storage here, without which the one reload could loop");
  }
  if (Date.now() - last < LOOP_MS) {
    forgetReload();
    throw fail(
      navigator.serviceWorker.controller
        ? `its service worker ${script.href} serves it, yet the browser did not isolate it (does the host send a conflicting Cross-Origin-Opener-Policy or Cross-Origin-Embedder-Policy?)`
        : `its service worker ${script.href} did not take the page over after a reload (a hard reload bypasses it: reload normally)`,
    );
  }
  try {
    await navigator.serviceWorker.register(script, { scope: new URL("../", import.meta.url).href });
  } catch (e) {
    throw fail(`its service worker ${script.href} could not be registered (${e instanceof Error ? e.message : e})`);
  }
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(fail(`its service worker ${script.href} did not activate within ${ACTIVATE_MS / 1000} s`)), ACTIVATE_MS);
  });
  await Promise.race([navigator.serviceWorker.ready, late]).finally(() => clearTimeout(timer));
  sessionStorage.setItem(RELOADED_AT, String(Date.now()));
  location.reload();
  await new Promise(() => {}); // the page is going away
}

let watching = false;

/**
 * Say once when the site's service worker is replaced while the page runs (a new version of
 * coi-serviceworker.js deployed: it takes over at once). Nothing else changes: the page was
 * isolated when it loaded and stays so, and its workers run on. (One unregistered sends the
 * page nothing: see keepRegistered.)
 */
function watchUpdates() {
  const container = navigator.serviceWorker;
  if (watching || !ours(container?.controller)) return;
  watching = true;
  container.addEventListener("controllerchange", () => {
    console.info(
      "pyscript-ffi: a new version of this site's service worker took over; this page stays cross-origin isolated and its workers run on",
    );
  }, { once: true });
}

/**
 * A page isolated by the site's service worker whose registration is gone (unregistered while
 * the page ran: by the site's code, the browser's settings or devtools) registers it again,
 * saying so. The page stays controlled by the old one until it unloads, but a worker started
 * now would not be: its scripts would come without the isolation headers, and Chromium refuses
 * such a worker on an isolated page. The new registration takes the page over at once
 * (clients.claim), and then its new workers start.
 */
async function keepRegistered() {
  const container = navigator.serviceWorker;
  if (!ours(container?.controller)) return; // isolated by its host's headers, not by ours
  const scope = new URL("../", import.meta.url).href;
  if (await container.getRegistration(scope).catch(() => true)) return;
  const script = new URL(`../${SCRIPT}`, import.meta.url);
  console.warn(
    `pyscript-ffi: this site's service worker ${script.href} was unregistered while the page ran; registering it again so that new workers start isolated`,
  );
  const changed = new Promise((resolve) => {
    container.addEventListener("controllerchange", resolve, { once: true });
    setTimeout(resolve, ACTIVATE_MS);
  });
  try {
    await container.register(script, { scope });
  } catch (e) {
    console.warn(`pyscript-ffi: registering ${script.href} again failed (${e instanceof Error ? e.message : e}): reload the page`);
    return;
  }
  await changed;
}

/** Whether `worker` is the built site's service worker. @param {ServiceWorker | null | undefined} worker */
function ours(worker) {
  return worker?.scriptURL === new URL(`../${SCRIPT}`, import.meta.url).href;
}

function forgetReload() {
  try {
    sessionStorage.removeItem(RELOADED_AT);
  } catch {
    // no storage: nothing was remembered
  }
}

/** @param {URL} url */
async function exists(url) {
  try {
    return (await fetch(url, { method: "HEAD", cache: "no-store" })).ok;
  } catch {
    return false;
  }
}
