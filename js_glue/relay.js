// @ts-check
// The relay transport, the page's end: for a page that cannot share memory with its workers
// (not cross-origin isolated, or no SharedArrayBuffer), the same request and reply frames go
// through a service worker instead of a shared buffer. The worker's stub sends each frame in a
// synchronous XMLHttpRequest (relay-stub.js); our service worker (relay-serviceworker.js) hands
// it to this page over a MessagePort the page gave it for that worker (or, once the browser
// has restarted the service worker, over a BroadcastChannel named for the worker, on which the
// page gives it a new port), and answers the XMLHttpRequest with the reply. A frame travels
// whole (an XMLHttpRequest body has no fixed size), so the chunked transfer of transfer.js has
// no part here; the Channel answers it as any other
// (Channel.answer: decode, policy, handler, encode). A Pyodide worker whose engine can suspend
// WebAssembly sends its calls over a MessagePort of this page's instead (relay-stub.js, the
// suspending lane), answered here the same way.
//
// One service worker registration serves it: on a site made by `pyscript-ffi build`, the site's
// coi-serviceworker.js at its root (which loads the relay's script); elsewhere the relay's own
// script with the scope of this folder, which covers worker.js (a dedicated worker is
// controlled by the registration whose scope holds its script's URL).

import { Failure, PROTOCOL_VERSION } from "./protocol.js";
import { ProtocolError } from "./errors.js";
import { owned } from "./wire.js";

/** The words shared with relay-serviceworker.js (which, a classic script, keeps its own copy). */
export const RELAY_PATH = "relay/"; // under this folder (`_ffi/`)
export const RELAY_HEADER = "x-pyscript-ffi-relay";
/** a small reply frame, base64 (relay-serviceworker.js: a response body costs more in Chromium) */
export const RELAY_REPLY_HEADER = "x-pyscript-ffi-relay-reply";
export const RELAY_CHANNEL_PREFIX = "pyscript-ffi-relay:";

const RELAY_SCRIPT = "relay-serviceworker.js";
const SITE_SCRIPT = "coi-serviceworker.js"; // a built site's, one folder up (coi.js)
/** ms the service worker has to activate */
const ACTIVATE_MS = 10_000;

/** @returns {string | null} why this page cannot run the relay's service worker */
export function relayProblem() {
  if (location.protocol === "file:") return "it was opened from a file (file://), where no service worker runs";
  if (!window.isSecureContext) return `its origin ${location.origin} is not secure (http, not localhost), where no service worker runs`;
  if (!navigator.serviceWorker) return "this browser offers no service workers to this page (a private window, or turned off)";
  if (typeof BroadcastChannel !== "function") return "this browser has no BroadcastChannel";
  return null;
}

/**
 * Register the relay's service worker (again for each worker: it may have been unregistered
 * since; registering an active one again costs one update check) and resolve once it is
 * active, to its registration. Rejects with the cause if it cannot run.
 * @returns {Promise<ServiceWorkerRegistration>}
 */
export async function startRelay() {
  const site = new URL(`../${SITE_SCRIPT}`, import.meta.url);
  const built = await exists(site);
  const script = built ? site : new URL(`./${RELAY_SCRIPT}`, import.meta.url);
  const scope = new URL(built ? "../" : "./", import.meta.url);
  /** @type {ServiceWorkerRegistration} */
  let registration;
  try {
    registration = await navigator.serviceWorker.register(script, { scope: scope.href });
  } catch (e) {
    throw new Error(`its service worker ${script.href} could not be registered (${e instanceof Error ? e.message : e})`);
  }
  // the newest: registering again may have found a new version of the script (an update), and
  // a worker started while it takes over may get no service worker at all (Firefox)
  const sw = registration.installing ?? registration.waiting ?? registration.active;
  if (sw && sw.state !== "activated") {
    const active = new Promise((resolve) => {
      const check = () => sw.state === "activated" && resolve(undefined);
      sw.addEventListener("statechange", check);
      check();
    });
    let timer;
    const late = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`its service worker ${script.href} did not activate within ${ACTIVATE_MS / 1000} s`)), ACTIVATE_MS);
    });
    await Promise.race([active, late]).finally(() => clearTimeout(timer));
  }
  return registration;
}

/** @param {URL} url */
async function exists(url) {
  try {
    return (await fetch(url, { method: "HEAD", cache: "no-store" })).ok;
  } catch {
    return false;
  }
}

/** The copies of worker.js's URL (see controlledWorkerScript) whose workers have not started yet. */
/** @type {Set<number>} */
const starting = new Set();
/** The copies of worker.js's URL this page has started a worker from (see controlledWorkerScript). */
let used = 0;

/**
 * The URL to start a worker that a service worker must control from (`script`, worker.js), and
 * what to call once that worker has started (its script was loaded, under the service worker).
 * WebKitGTK (2.50) does not always put a dedicated worker under the service worker:
 * - A relay worker (the page is not controlled; the worker is, by the relay's service worker):
 *   of workers started at once from one URL, WebKitGTK loads the script once and controls only
 *   the first two or three; the others' requests go to the server (their hello: HTTP 404). So
 *   while other such workers are still starting, a worker starts from a copy of the URL that
 *   none of them has, `script?copy=n`; a worker started alone loads the one URL the cache keeps.
 * - A worker of a page a service worker controls (a built site, isolated by its
 *   coi-serviceworker.js, which carries the relay too; `fresh`): a worker started from a URL
 *   the page started one from before loads its script without the service worker, so without
 *   the isolation headers, and fails ("the worker failed: undefined"; 8 of 8 workers from
 *   reused URLs, every other one from one URL, none from new URLs, measured 2026-12-07). So
 *   each worker of the page starts from a copy never used before in this page (`copy=1`, `2`,
 *   ... after the first; a reload starts again).
 * A worker started alone, or from a URL of its own, is controlled (docs/browsers.md). The copies
 * are as many as workers start at once, or as the page starts, and the same on every page load,
 * so the browser's cache keeps them.
 * @param {URL} script
 * @param {{ fresh?: boolean }} [options]
 * @returns {{ url: URL, started: () => void }}
 */
export function controlledWorkerScript(script, { fresh = false } = {}) {
  let copy = 0;
  if (fresh) copy = used;
  else while (starting.has(copy)) copy++;
  used = Math.max(used, copy + 1);
  starting.add(copy);
  const url = new URL(script);
  if (copy > 0) url.searchParams.set("copy", String(copy));
  let done = false; // once: after it, another worker may hold the same copy
  const started = () => {
    if (!done) starting.delete(copy);
    done = true;
  };
  return { url, started };
}

/** The URL a worker's stub sends its requests to, for the worker `key`. @param {string} key */
export function relayUrl(key) {
  return new URL(`./${RELAY_PATH}${key}`, import.meta.url).href;
}

/**
 * One worker's relay: answers the frames the service worker brings for `key` with `channel`.
 */
export class Relay {
  /**
   * @param {import("./channel.js").Channel} channel
   * @param {string} key
   * @param {ServiceWorkerRegistration} registration the relay's (startRelay)
   * @param {() => void} [started] called on the worker's hello, and on close (controlledWorkerScript)
   */
  constructor(channel, key, registration, started = () => {}) {
    this.channel = channel;
    this.key = key;
    this.started = started;
    this.interrupted = false;
    this.registration = registration;
    this.stats = { expired: 0, interrupts: 0, repeats: 0, ports: 0, suspending: 0 };
    /**
     * The worker's last call (its `seq`) and the reply to it: a browser that stops the service
     * worker while it carries a call sends the same request again to a new one (Chromium), and
     * that repeat gets this reply instead of running the call twice.
     */
    this.last = { seq: 0, reply: /** @type {Uint8Array | null} */ (null) };
    this.broadcast = new BroadcastChannel(RELAY_CHANNEL_PREFIX + key);
    this.broadcast.onmessage = ({ data }) => {
      this.#givePort(); // the service worker lost the port this page gave it: it was restarted
      this.#serve(data, this.broadcast);
    };
    /** @type {MessagePort | null} */
    this.port = null;
    this.#givePort();
    const lane = new MessageChannel();
    /** the suspending lane's end here; its other end goes to the worker (workerPort) */
    this.lane = lane.port1;
    this.lane.onmessage = ({ data }) => {
      this.stats.suspending++;
      this.#serve(data, this.lane);
    };
    /** @type {MessagePort | null} */
    this.workerEnd = lane.port2;
  }

  /** The port the worker sends its suspending calls to, once (BOOT transfers it). */
  workerPort() {
    const port = /** @type {MessagePort} */ (this.workerEnd);
    this.workerEnd = null;
    return port;
  }

  /** Give the service worker a new MessagePort to this page's end, for the worker's `key`. */
  #givePort() {
    this.port?.close();
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    port1.onmessage = ({ data }) => this.#serve(data, port1);
    this.stats.ports++;
    // the active service worker of the registration: a new one if the browser replaced it
    this.registration.active?.postMessage({ relay: this.key, port: port2 }, [port2]);
  }

  /**
   * @param {{ id: number, frame: ArrayBuffer | null, seq: number, deadline: number }} message
   * @param {MessagePort | BroadcastChannel} out where the answer goes (where the request came
   *   from: the service worker, or the worker itself over the suspending lane)
   */
  #serve({ id, frame, seq, deadline }, out) {
    const channel = this.channel;
    if (channel.closed) return;
    if (frame === null) {
      this.started();
      out.postMessage({ id, version: PROTOCOL_VERSION });
      return;
    }
    if (seq === this.last.seq && this.last.reply !== null) {
      this.stats.repeats++;
      out.postMessage({ id, reply: this.last.reply });
      return;
    }
    if (Date.now() > deadline) {
      // the service worker answered "unclaimed" already: the worker went on without it
      this.stats.expired++;
      return;
    }
    if (this.interrupted) {
      this.interrupted = false;
      this.stats.interrupts++;
      out.postMessage({ id, failure: Failure.INTERRUPTED });
      return;
    }
    out.postMessage({ id, taken: true }); // the service worker then says "busy", not "unclaimed", at the timeout
    const bytes = new Uint8Array(frame);
    const reply = channel.answer(
      bytes.length > channel.maxFrameBytes
        ? new ProtocolError(
            `a request of ${bytes.length} bytes is over this page's limit of ${channel.maxFrameBytes} bytes (PyWorker option maxFrameBytes)`,
          )
        : bytes,
    );
    this.last = { seq, reply: owned(reply) };
    out.postMessage({ id, reply: this.last.reply });
  }

  /**
   * The worker's next call (or the one it waits in, not yet served) ends in KeyboardInterrupt.
   * False if one sent before was not raised yet (the two are raised as one).
   */
  interrupt() {
    const fresh = !this.interrupted;
    this.interrupted = true;
    return fresh;
  }

  close() {
    this.started(); // a worker terminated before its hello frees its copy of the URL
    this.broadcast.postMessage({ closed: true });
    this.broadcast.close();
    this.port?.close();
    this.lane.close();
  }

  statistics() {
    return Object.freeze({ ...this.stats });
  }
}
