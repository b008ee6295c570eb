// @ts-check
// The service worker of a site made by `pyscript-ffi build`, for static hosts that send no
// headers (GitHub Pages, `python -m http.server`): it re-serves the site's own responses with
// the cross-origin isolation headers, so that after one reload (coi.js) the page is
// crossOriginIsolated and may share memory with its workers. The build puts a copy at the
// site's root: a service worker controls only the pages under its own folder.
//
// Only same-origin responses are touched; a cross-origin resource must send its own
// Cross-Origin-Resource-Policy (or CORS) headers to load on an isolated page.

// The relay's service worker (relay-serviceworker.js) runs here too, for the pages that cannot
// be isolated after all: one service worker for the site's scope. Its fetch listener goes
// first (registered by this call) and takes only the relay's requests.
importScripts("./_ffi/relay-serviceworker.js");

const ISOLATION = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
};

const worker = /** @type {any} */ (self);

worker.addEventListener("install", () => worker.skipWaiting());
worker.addEventListener("activate", (/** @type {any} */ event) => event.waitUntil(worker.clients.claim()));

worker.addEventListener("fetch", (/** @type {any} */ event) => {
  /** @type {Request} */
  const request = event.request;
  if (new URL(request.url).origin !== worker.location.origin) return; // the network's answer, as is
  if (request.cache === "only-if-cached" && request.mode !== "same-origin") return; // a Chromium quirk
  event.respondWith(withIsolation(request));
});

/** @param {Request} request */
async function withIsolation(request) {
  const response = await fetch(request);
  if (response.status === 0) return response; // an opaque redirect: its headers cannot be set
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
