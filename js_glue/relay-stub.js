// @ts-check
// The worker's end of the relay transport (relay.js): one synchronous round trip is one
// synchronous XMLHttpRequest to our service worker, which the page answers. It offers what
// stub.js's Caller offers (roundtrip, frameView, takeLate, pause, timeoutMs), so the Python above
// it is the same for both transports.
//
// Where the engine can suspend WebAssembly (JSPI: Chromium 137 and later, Firefox ESR here) and
// Pyodide's call stack allows it (`pyodide.ffi.can_run_sync()`), a call takes the suspending lane
// instead: the frame goes to the page over a MessagePort the page gave this worker, and Python's
// stack waits, suspended, for the reply (`run_sync`), a few hundred µs where the synchronous
// request takes over a millisecond (docs/benchmarks.md). While a call waits there the worker's
// event loop runs, so the page's calls into this worker and Pyodide's own scheduled callbacks
// (asyncio) are held until that Python has resumed (worker.js, `holding`): a call stays
// synchronous to the Python that makes it.
//
// What the platform allows: the page's interrupt() reaches this worker only when it next calls
// the page (that call raises KeyboardInterrupt); Python that runs without calling the page
// cannot be interrupted, since Pyodide's interrupt buffer needs shared memory.

import { Failure, PROTOCOL_VERSION } from "./protocol.js";
import { ProtocolError } from "./errors.js";
import { RELAY_HEADER, RELAY_REPLY_HEADER } from "./relay.js";
import { owned } from "./wire.js";

/** ms an XMLHttpRequest waits beyond the call's timeout (the service worker answers at the timeout) */
const MARGIN_MS = 2000;
/** @type {Set<string>} */
const FAILURES = new Set(Object.values(Failure));

/**
 * Times a request that the server answered, not our service worker, is sent again before that
 * is an error. WebKitGTK (2.50) sends a worker's request made just as a new version of the
 * service worker takes over to the network, at times after the old version handed it to the
 * page; sent again (with its `seq`), it reaches the new version, and the page answers a call it
 * ran already with the reply it made (relay.js, Relay.last), so no call runs twice. One resend
 * was enough each time it happened (docs/browsers.md).
 */
const RESENDS = 3;

/**
 * ms before a suspending call's timeout after which the page no longer takes it: its notice that
 * it took the call reaches this worker before the call gives up, so a call said UNCLAIMED never
 * ran (a quarter of the timeout, if that is less)
 */
const TAKEN_MARGIN_MS = 250;

/** Request bodies of at least this many bytes go as a Blob (see asBody). */
const BLOB_BYTES = 1 << 16;

/**
 * A request body Chromium sends quickly. A view is copied first: Chromium copies a view's whole
 * ArrayBuffer to send its part, and a view into Pyodide's memory (PinnedFrames) has tens of MB
 * behind it (measured: a call 23 ms through the view, 2 ms through a copy). A large body goes
 * as a Blob, which Chromium hands to the service worker whole, where an ArrayBuffer's bytes
 * cross in small pieces (measured, 1 MB up: 410 ms as an ArrayBuffer, 31 ms as a Blob).
 * @param {Uint8Array | null} body
 * @returns {any} what XMLHttpRequest.send takes
 */
function asBody(body) {
  if (body === null) return null;
  if (body.byteLength >= BLOB_BYTES) return new Blob([/** @type {Uint8Array<ArrayBuffer>} */ (body)]);
  return owned(body);
}

/** @param {string} text base64 @returns {ArrayBuffer} */
function fromBase64(text) {
  const native = /** @type {any} */ (Uint8Array).fromBase64;
  if (typeof native === "function") return native(text).buffer;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

/**
 * A call of the suspending lane, waiting for its reply.
 * @typedef {{ seq: number, taken: boolean, resolve: (reply: Uint8Array | string) => void, timer: ReturnType<typeof setTimeout> }} Waiting
 */

export class RelayCaller {
  /**
   * @param {string} url where this worker's requests go (relayUrl)
   * @param {number} timeoutMs
   * @param {MessagePort | null} [port] the page's port for the suspending lane (none: every call
   *   is a synchronous request)
   */
  constructor(url, timeoutMs, port = null) {
    this.url = url;
    this.timeoutMs = timeoutMs;
    this.pauseUrl = new URL("./pause", url).href;
    /** this worker's calls so far: each carries its number, so the page runs none twice */
    this.seq = 0;
    this.port = port;
    /** @type {Waiting | null} the suspending lane's call in flight */
    this.waiting = null;
    /** @type {Uint8Array | null} the reply to a suspending call that gave up, landed after (takeLate) */
    this.late = null;
    /**
     * A Python stack waits suspended in a call: from the call's start until Python has resumed
     * (`resumed`), which may be a task after the reply landed (Pyodide resumes it so)
     */
    this.suspended = false;
    /** replies landed so far (worker.js tells Pyodide's resuming of a stack from what was due before) */
    this.landings = 0;
    /** told when Python has resumed (worker.js lets what it held run) */
    this.onResumed = () => {};
    if (port) port.onmessage = ({ data }) => this.#answered(data);
    const said = this.#send("GET", `${url}/hello?timeout=${timeoutMs}`, null, timeoutMs);
    const version = said.kind.startsWith("version:") ? Number(said.kind.slice(8)) : null;
    if (version === null) {
      throw new ProtocolError(
        `pyscript-ffi: this worker's hello to the page through the service worker got ${JSON.stringify(said.kind)}: ` +
          "the page did not answer within the call timeout",
      );
    }
    if (version !== PROTOCOL_VERSION) {
      throw new ProtocolError(
        `pyscript-ffi: the page speaks protocol ${version}, this worker ${PROTOCOL_VERSION}: serve the same pyscript-ffi to both`,
      );
    }
  }

  /**
   * A request to our service worker; what it said it is (RELAY_HEADER) and the body. Sent again
   * if the server answered it instead (RESENDS); throws a ProtocolError naming the cause if no
   * service worker of ours answered it at all.
   * @param {string} method @param {string} url @param {Uint8Array | null} body @param {number} timeoutMs
   * @returns {{ kind: string, body: ArrayBuffer | null }}
   */
  #send(method, url, body, timeoutMs) {
    let status = 0;
    for (let sent = 0; sent <= RESENDS; sent++) {
      const said = this.#sendOnce(method, url, body, timeoutMs);
      if (typeof said !== "number") return said;
      status = said;
    }
    throw new ProtocolError(
      `pyscript-ffi: ${url} was answered by the server (HTTP ${status}), not by the relay's service worker, ${RESENDS + 1} times: ` +
        "the service worker does not control this worker (was it unregistered, or is the page's service worker another one? " +
        "Or a new version of it took over while this worker ran: Firefox then leaves the worker without one; start a new worker)",
    );
  }

  /**
   * One synchronous XMLHttpRequest: what #send returns, or the HTTP status if the server
   * answered it (no RELAY_HEADER).
   * @param {string} method @param {string} url @param {Uint8Array | null} body @param {number} timeoutMs
   * @returns {{ kind: string, body: ArrayBuffer | null } | number}
   */
  #sendOnce(method, url, body, timeoutMs) {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url, false);
    xhr.responseType = "arraybuffer";
    xhr.timeout = timeoutMs + MARGIN_MS;
    const started = performance.now();
    try {
      xhr.send(asBody(body));
    } catch {
      // no answer at all: the request outlived its bound, or the service worker was stopped
      // (or replaced, or unregistered) while it carried it; either way its fate is unknown
      return { kind: performance.now() - started >= timeoutMs ? Failure.BUSY : Failure.LOST, body: null };
    }
    const kind = xhr.getResponseHeader(RELAY_HEADER);
    if (kind === null) return xhr.status;
    const inHeader = xhr.getResponseHeader(RELAY_REPLY_HEADER);
    return { kind, body: inHeader === null ? xhr.response : fromBase64(inHeader) };
  }

  /**
   * One round trip: the reply's bytes, or a `Failure` string.
   * @param {Uint8Array} frame @returns {Uint8Array | string}
   */
  roundtrip(frame) {
    const url = `${this.url}?timeout=${this.timeoutMs}&seq=${++this.seq}`;
    const { kind, body } = this.#send("POST", url, frame, this.timeoutMs);
    if (kind === "reply" && body !== null) return new Uint8Array(body);
    if (FAILURES.has(kind)) return kind;
    throw new ProtocolError(`pyscript-ffi: the relay's service worker answered a call with ${JSON.stringify(kind)}`);
  }

  /** Whether the suspending lane is open: the page gave a port, and the engine has JSPI. */
  get suspends() {
    return this.port !== null && typeof (/** @type {any} */ (WebAssembly).Suspending) === "function";
  }

  /**
   * One round trip over the page's port, for Python's stack to wait on suspended (`run_sync`):
   * resolves to the reply's bytes, or a `Failure` string at the call timeout (UNCLAIMED if the
   * page had not taken it; else BUSY, and a reply that lands later is kept for takeLate). Calls
   * never overlap: the one Python stack that makes them waits for each.
   * @param {Uint8Array} frame @returns {Promise<Uint8Array | string>}
   */
  roundtripSuspending(frame) {
    if (this.waiting !== null) {
      return Promise.reject(new ProtocolError("pyscript-ffi: a call to the page while another waits suspended"));
    }
    const seq = ++this.seq;
    this.suspended = true;
    const body = owned(frame).buffer; // transferred to the page
    // the page takes the call only until `deadline`, a margin before this end gives up on it:
    // a call not taken by then is withdrawn (UNCLAIMED: nothing ran), else it may have run (BUSY)
    const deadline = Date.now() + this.timeoutMs - Math.min(TAKEN_MARGIN_MS, this.timeoutMs / 4);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#settle(/** @type {Waiting} */ (this.waiting).taken ? Failure.BUSY : Failure.UNCLAIMED);
      }, this.timeoutMs);
      this.waiting = { seq, taken: false, resolve, timer };
      /** @type {MessagePort} */ (this.port).postMessage({ id: seq, frame: body, seq, deadline }, [body]);
    });
  }

  /** @param {{ id: number, reply?: ArrayBuffer, failure?: string, taken?: boolean }} message */
  #answered({ id, reply, failure, taken }) {
    const waiting = this.waiting;
    if (waiting === null || id !== waiting.seq) {
      if (reply !== undefined) this.late = new Uint8Array(reply); // its call gave up: its lends go back
      return;
    }
    if (taken) waiting.taken = true;
    else if (reply !== undefined) this.#settle(new Uint8Array(reply));
    else if (failure !== undefined) this.#settle(failure);
  }

  /** End the waiting call with `outcome`. @param {Uint8Array | string} outcome */
  #settle(outcome) {
    const waiting = /** @type {Waiting} */ (this.waiting);
    clearTimeout(waiting.timer);
    this.waiting = null;
    this.landings++;
    waiting.resolve(outcome);
  }

  /** Python's stack that waited in a suspending call runs again (pyscript_ffi/_pyodide.py). */
  resumed() {
    this.suspended = false;
    this.onResumed();
  }

  /**
   * A reply that landed after its call gave up. Over the port, the page's late reply reaches
   * this worker, once. Over the service worker, never: the request that gave up was answered
   * (BUSY) by the service worker, so the page's late reply has no way back to this worker, and
   * what it lent stays lent until the worker ends (docs/reliability.md).
   * @returns {Uint8Array | undefined}
   */
  takeLate() {
    const late = this.late;
    this.late = null;
    return late ?? undefined;
  }

  /** No shared buffer to fill in place: the frame always goes as the request's body. */
  frameView(/** @type {number} */ _n) {
    return undefined;
  }

  /** Block this worker for `ms` (a request the service worker answers that much later). */
  pause(/** @type {number} */ ms) {
    this.#send("GET", `${this.pauseUrl}?ms=${Math.ceil(ms)}`, null, ms);
  }
}
