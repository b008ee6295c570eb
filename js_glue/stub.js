// @ts-check
// The worker's end of a channel: write a request frame into the shared buffer, block in
// Atomics.wait until the main thread replies, return the reply bytes. Every wait is bounded.
// See the state diagram in docs/protocol.md.

import { DATA_OFFSET, PROTOCOL_VERSION, Slot, State } from "./protocol.js";

/** Why a round trip failed; the Python side raises the matching exception. */
export const Failure = Object.freeze({
  UNCLAIMED: "unclaimed", // the main thread never picked the request up (it was withdrawn)
  BUSY: "busy", // the main thread took the request but did not answer in time
});

/**
 * How long (ms) the worker polls STATE before it blocks in Atomics.wait. A reply usually lands
 * within 10-20 us, and the kernel wake-up after Atomics.wait costs about as much again.
 * Polling is adaptive: a wait that had to sleep halves the next one's polling (down to
 * SPIN_MIN_MS, a few us), a reply seen while polling restores it to SPIN_MAX_MS, so workers
 * whose replies are slow (many workers queueing at one main thread, on few cores) stop taking
 * CPU from the main thread. Measured A/B in one page, 3 rounds, 2 cores (docs/benchmarks.md):
 * one worker's document.title read, mean 19-37 us adaptive, 45-71 us polling a few us only,
 * 20-42 us always polling 0.1 ms; 4 workers at once, 40-53k calls/s in all adaptive, 37-57k
 * polling a few us, 24-32k always polling 0.1 ms.
 */
const SPIN_MAX_MS = 0.1;
const SPIN_MIN_MS = 0.005;

export class Caller {
  /** @param {SharedArrayBuffer} buffer @param {number} timeoutMs */
  constructor(buffer, timeoutMs) {
    this.i32 = new Int32Array(buffer, 0, DATA_OFFSET / 4);
    this.data = new Uint8Array(buffer, DATA_OFFSET);
    this.timeoutMs = timeoutMs;
    /** ms of Atomics.load polls before blocking in Atomics.wait (see SPIN_MAX_MS). */
    this.spinMs = SPIN_MAX_MS;
    /** the main thread still owes the reply to a call that timed out while BUSY */
    this.owed = false;
    const version = Atomics.load(this.i32, Slot.VERSION);
    if (version !== PROTOCOL_VERSION) {
      throw new Error(`pyscript-ffi: page speaks protocol ${version}, worker ${PROTOCOL_VERSION}`);
    }
  }

  /**
   * One synchronous round trip. Returns the reply bytes, or a `Failure` string. A reply that fit
   * the buffer is returned as a view into it: copy it before the next round trip.
   * @param {Uint8Array} frame
   * @returns {Uint8Array | string}
   */
  roundtrip(frame) {
    const i32 = this.i32;
    const deadline = performance.now() + this.timeoutMs;
    if (this.owed) {
      // the previous call timed out while the main thread worked on it (BUSY) or on the next
      // chunk of its reply (MORE): let that land (and discard it) before writing over the buffer
      for (let state = Atomics.load(i32, Slot.STATE); state === State.BUSY || state === State.MORE; ) {
        const seen = this.#waitWhile(state, deadline);
        if (seen === state) return Failure.BUSY;
        state = seen;
      }
      this.owed = false;
    }
    const room = this.data.length;
    i32[Slot.TOTAL] = frame.length;
    for (let sent = 0; ;) {
      const chunk = Math.min(room, frame.length - sent);
      this.data.set(frame.subarray(sent, sent + chunk));
      i32[Slot.CHUNK] = chunk;
      sent += chunk;
      Atomics.store(i32, Slot.STATE, State.REQUEST);
      Atomics.notify(i32, Slot.STATE);
      const state = this.#awaitAnswer(deadline);
      if (typeof state === "string") return state;
      if (state === State.REPLY) break; // the whole request is in (or the main thread refused it)
      if (sent >= frame.length) return this.#abandon("the main thread asked for more than was sent");
    }
    return this.#readReply(deadline);
  }

  /** Wait for REPLY or MORE after writing a request chunk; withdraw the request on timeout. */
  #awaitAnswer(/** @type {number} */ deadline) {
    const i32 = this.i32;
    for (;;) {
      const state = this.#waitWhile(State.REQUEST, deadline);
      if (state === State.REQUEST) {
        // not picked up in time: withdraw it, unless the main thread claims it this instant
        if (Atomics.compareExchange(i32, Slot.STATE, State.REQUEST, State.REPLY) === State.REQUEST) {
          return Failure.UNCLAIMED;
        }
        continue;
      }
      if (state === State.BUSY) {
        if (this.#waitWhile(State.BUSY, deadline) === State.BUSY) {
          this.owed = true;
          return Failure.BUSY;
        }
        continue;
      }
      return state; // REPLY or MORE
    }
  }

  /** @param {number} deadline */
  #readReply(deadline) {
    const i32 = this.i32;
    const total = i32[Slot.TOTAL];
    let chunk = i32[Slot.CHUNK];
    if (chunk === total) return this.data.subarray(0, chunk);
    const reply = new Uint8Array(total);
    for (let filled = 0; ;) {
      reply.set(this.data.subarray(0, chunk), filled);
      filled += chunk;
      if (filled >= total) return reply;
      Atomics.store(i32, Slot.STATE, State.MORE);
      Atomics.notify(i32, Slot.STATE);
      if (this.#waitWhile(State.MORE, deadline) === State.MORE) {
        this.owed = true;
        return Failure.BUSY;
      }
      chunk = i32[Slot.CHUNK];
    }
  }

  /** Block while STATE is `state`, until the deadline; returns the state seen last. */
  #waitWhile(/** @type {number} */ state, /** @type {number} */ deadline) {
    const i32 = this.i32;
    const spinUntil = performance.now() + this.spinMs;
    do {
      for (let i = 0; i < 64; i++) {
        const now = Atomics.load(i32, Slot.STATE);
        if (now !== state) {
          this.spinMs = SPIN_MAX_MS;
          return now;
        }
      }
    } while (performance.now() < spinUntil);
    this.spinMs = Math.max(SPIN_MIN_MS, this.spinMs / 2);
    for (;;) {
      const now = Atomics.load(i32, Slot.STATE);
      if (now !== state) return now;
      const left = deadline - performance.now();
      if (left <= 0) return now;
      Atomics.wait(i32, Slot.STATE, state, left);
    }
  }

  /** @param {string} why @returns {never} */
  #abandon(why) {
    throw new Error(`pyscript-ffi: channel out of step: ${why}`);
  }
}
