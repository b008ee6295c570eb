// @ts-check
// The page's serving side: how the main thread learns that a worker's request is waiting, and
// which channel to serve. One Server per page serves every PyWorker's channel (channel.js).
//
// "doorbell" (where Atomics.waitAsync exists): the page makes one shared Int32 word, the
// doorbell, and hands it to every worker at boot. A worker's stub stores REQUEST (or MORE) in
// its channel's STATE, then adds 1 to the doorbell and notifies it (stub.js). The server makes
// one pass over its channels and serves every pending request in turn; when a pass finds none,
// it polls the doorbell a short while (POLL_MAX_MS) and then parks in one waitAsync on it. The
// doorbell's value is read before each pass, so a ring during the pass is never lost: the poll
// or the wait after it returns at once.
//
// "post" (the fallback where Atomics.waitAsync is missing, as in Firefox before 145 and older
// Safari): the worker posts a RING message after each store instead, and the page makes the
// same pass on each RING. Slower (a message per call) but every engine has it.
//
// One pass serves each channel at most once, in order, so no worker starves while others
// flood. A frame in chunks continues as its own task (Channel.poll), woken by later passes, so
// one worker's large transfer never stalls the others. One doorbell for the page, rather than
// one waitAsync per channel, keeps the page's throughput growing as workers are added (measured:
// docs/benchmarks.md, "Design choices").

/** @typedef {import("./channel.js").Channel} Channel */
/** @typedef {"doorbell" | "post"} Wake */

import { DOORBELL_BYTES } from "./protocol.js";

/** Whether this engine has Atomics.waitAsync (else the page serves on RING messages). */
export const hasWaitAsync = () => typeof Atomics.waitAsync === "function";

/** The longest wait on the doorbell (ms): a wait that runs out only makes another pass. */
const BELL_WAIT_MS = 1000;
/** After this long (ms) serving without a pause, give the page's other tasks a turn. */
const SLICE_MS = 8;
/**
 * How long (ms) the page polls the doorbell after a pass that found nothing, before it parks in
 * waitAsync. A worker's Python between two calls takes a few tens of us; a ring caught by
 * polling skips the wake-up of a parked main thread (the waitAsync task), which costs more than
 * the rest of the page's side together. Adaptive, as the worker's poll (stub.js): a poll that
 * runs out halves the next one, a ring that comes soon after parking restores it, so a page
 * whose workers call rarely polls for a few us only (measured: docs/benchmarks.md, "Design
 * choices").
 */
const POLL_MAX_MS = 0.05;
const POLL_MIN_MS = 0.002;

export class Server {
  /** @param {Wake} [wake] how workers wake this server (default: doorbell where waitAsync exists) */
  constructor(wake = hasWaitAsync() ? "doorbell" : "post") {
    if (wake === "doorbell" && !hasWaitAsync()) {
      throw new TypeError("pyscript-ffi: this engine has no Atomics.waitAsync: serve with wake 'post'");
    }
    if (wake !== "doorbell" && wake !== "post") {
      throw new TypeError(`pyscript-ffi: unknown wake ${JSON.stringify(wake)}; use "doorbell" or "post"`);
    }
    /** @type {Wake} */
    this.wake = wake;
    /** The doorbell the workers ring (hand it to each worker at boot), or null in "post". */
    this.doorbell = wake === "doorbell" ? new SharedArrayBuffer(DOORBELL_BYTES) : null;
    this.bell = this.doorbell ? new Int32Array(this.doorbell) : null;
    /** @type {Channel[]} */
    this.channels = [];
    this.running = false;
    /** ms the loop polls the doorbell before it parks (see POLL_MAX_MS) */
    this.pollMs = POLL_MAX_MS;
    this.stats = { passes: 0, served: 0, parks: 0 };
  }

  /** Serve `channel` from now on (until it closes or is removed). @param {Channel} channel */
  add(channel) {
    this.channels.push(channel);
    channel.onClose = () => this.remove(channel);
    if (this.bell && !this.running) {
      this.running = true;
      this.#loop();
    }
    this.pass(); // a request stored before the channel was added
  }

  /** Stop serving `channel`; the loop ends with the last one. @param {Channel} channel */
  remove(channel) {
    this.channels = this.channels.filter((c) => c !== channel);
    if (this.bell && this.channels.length === 0) {
      this.running = false;
      this.#ring(); // wake the loop so that it sees it is done
    }
  }

  /** A worker's RING message ("post"), or anyone who wants a pass made now. */
  ring() {
    if (this.bell) this.#ring();
    else this.pass();
  }

  #ring() {
    const bell = /** @type {Int32Array} */ (this.bell);
    Atomics.add(bell, 0, 1);
    Atomics.notify(bell, 0);
  }

  /** One pass: each channel serves its pending request, if any. Returns how many were served. */
  pass() {
    this.stats.passes++;
    let served = 0;
    for (const channel of this.channels) if (channel.poll()) served++;
    this.stats.served += served;
    return served;
  }

  /** ("doorbell") Pass, then park on the doorbell until a worker rings it. Never rejects. */
  async #loop() {
    const bell = /** @type {Int32Array} */ (this.bell);
    let sliceStart = performance.now();
    while (this.running) {
      const rung = Atomics.load(bell, 0); // before the pass: a ring during it is not lost
      if (this.pass() > 0 || this.#poll(bell, rung)) {
        if (performance.now() - sliceStart > SLICE_MS) {
          await yieldToPage(); // flooded: let the page's events run between passes
          sliceStart = performance.now();
        }
        continue;
      }
      const waiting = Atomics.waitAsync(bell, 0, rung, BELL_WAIT_MS);
      if (waiting.async) {
        const parked = performance.now();
        this.stats.parks++;
        await waiting.value;
        sliceStart = performance.now();
        // rung soon after parking: polling a little longer would have caught it
        if (sliceStart - parked < 2 * POLL_MAX_MS) this.pollMs = POLL_MAX_MS;
      }
    }
  }

  /** Poll the doorbell for up to pollMs; whether it was rung (else the next poll is shorter). */
  #poll(/** @type {Int32Array} */ bell, /** @type {number} */ rung) {
    const until = performance.now() + this.pollMs;
    do {
      for (let i = 0; i < 64; i++) {
        if (Atomics.load(bell, 0) !== rung) return true;
      }
    } while (performance.now() < until);
    this.pollMs = Math.max(POLL_MIN_MS, this.pollMs / 2);
    return false;
  }

  statistics() {
    return Object.freeze({
      wake: this.wake,
      channels: this.channels.length,
      pollMs: this.pollMs,
      ...this.stats,
    });
  }
}

/** A macrotask turn (MessageChannel: no 4 ms clamp as with nested setTimeout). */
function yieldToPage() {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve(undefined);
    };
    port2.postMessage(null);
  });
}
