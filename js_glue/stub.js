// @ts-check
// The worker's end of a channel: one synchronous round trip over the shared buffer (the steps
// in transfer.js), waiting by a short spin then Atomics.wait. Every wait is bounded.

import { Failure, PROTOCOL_VERSION, Slot } from "./protocol.js";
import { Transfer, roundtrip } from "./transfer.js";
import { ProtocolError } from "./errors.js";

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
/**
 * Whether polling hints the CPU with Atomics.pause (Chromium 133 on) between loads, as
 * PyScript's worker does. Measured A/B in one bench run (docs/benchmarks.md, "phases"): see there;
 * the bench flips `Caller.pause` per run.
 */
const PAUSE = false;
/** Atomics.pause, where the engine has it. */
const pause = /** @type {{ pause?: () => void }} */ (/** @type {unknown} */ (Atomics)).pause;

/** @param {SharedArrayBuffer | null} doorbell @param {(() => void) | null} post */
function ringer(doorbell, post) {
  if (doorbell) {
    const bell = new Int32Array(doorbell);
    return () => {
      Atomics.add(bell, 0, 1);
      Atomics.notify(bell, 0);
    };
  }
  return post;
}

export class Caller {
  /**
   * @param {SharedArrayBuffer} buffer this worker's channel
   * @param {number} timeoutMs
   * @param {{ doorbell?: SharedArrayBuffer | null, post?: (() => void) | null }} [wake] how this
   *   worker rings the page's Server after each store (serving.js): the page's doorbell word, or
   *   a RING message where the page has no Atomics.waitAsync. Neither: notify STATE only.
   */
  constructor(buffer, timeoutMs, { doorbell = null, post = null } = {}) {
    this.transfer = new Transfer(buffer, ringer(doorbell, post));
    this.i32 = this.transfer.i32;
    this.timeoutMs = timeoutMs;
    /** ms of Atomics.load polls before blocking in Atomics.wait (see SPIN_MAX_MS). */
    this.spinMs = SPIN_MAX_MS;
    /** Whether the poll loop hints the CPU with Atomics.pause between loads (see PAUSE). */
    this.pause = PAUSE && pause !== undefined;
    /**
     * The bench's phase marks (null: off, one property test per step): performance.now() on
     * entry, after the request is stored, when the reply is seen and on return, per call.
     * @type {number[] | null}
     */
    this.marks = null;
    /** (marks on) when the last wait saw STATE change */
    this.seen = 0;
    const version = Atomics.load(this.i32, Slot.VERSION);
    if (version !== PROTOCOL_VERSION) {
      throw new ProtocolError(
        `pyscript-ffi: the page speaks protocol ${version}, this worker ${PROTOCOL_VERSION}: serve the same pyscript-ffi to both`,
      );
    }
  }

  /**
   * One synchronous round trip. Returns the reply bytes, or a `Failure` string. A reply that fit
   * the buffer is returned as a view into it: copy it before the next round trip.
   * @param {Uint8Array} frame
   * @returns {Uint8Array | string}
   */
  roundtrip(frame) {
    const marks = this.marks;
    const entered = performance.now();
    const deadline = entered + this.timeoutMs;
    const steps = roundtrip(this.transfer, frame);
    let step = steps.next();
    if (marks) marks.push(entered, performance.now());
    while (!step.done) step = steps.next(this.#waitWhile(/** @type {number} */ (step.value), deadline));
    if (marks) marks.push(this.seen, performance.now());
    // a wait cut short by the page's interrupt() ends as a timeout would; say why (and whether
    // the request was withdrawn: nothing ran), and take the signal (Pyodide would otherwise
    // raise a second KeyboardInterrupt)
    if (typeof step.value === "string" && Atomics.exchange(this.i32, Slot.INTERRUPT, 0) !== 0) {
      return step.value === Failure.UNCLAIMED ? Failure.WITHDRAWN : Failure.INTERRUPTED;
    }
    return step.value;
  }

  /**
   * The reply that landed after its call had given up (a timeout or an interrupt while the page
   * ran it), once: undefined if none. Its worker returns what it lent.
   * @returns {Uint8Array | undefined}
   */
  takeLate() {
    const late = this.transfer.late;
    this.transfer.late = null;
    return late ?? undefined;
  }

  /**
   * A view of the buffer's DATA for a request of `n` bytes, for the caller to fill in place and
   * pass to `roundtrip` (which then copies nothing): undefined (Python's None; null would be
   * Pyodide's JsNull) if the frame does not fit, or the previous call's reply may still land in
   * DATA (see Transfer.owed).
   * @param {number} n @returns {Uint8Array | undefined}
   */
  frameView(n) {
    const { data, owed } = this.transfer;
    return owed || n > data.length ? undefined : data.subarray(0, n);
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
          if (this.marks) this.seen = performance.now();
          return now;
        }
        if (this.pause) /** @type {() => void} */ (pause)();
      }
    } while (performance.now() < spinUntil);
    this.spinMs = Math.max(SPIN_MIN_MS, this.spinMs / 2);
    for (;;) {
      const now = Atomics.load(i32, Slot.STATE);
      if (now !== state) {
        if (this.marks) this.seen = performance.now();
        return now;
      }
      const left = deadline - performance.now();
      if (left <= 0 || Atomics.load(i32, Slot.INTERRUPT) !== 0) return now; // (interrupt: see roundtrip)
      Atomics.wait(i32, Slot.STATE, state, left);
    }
  }
}

/**
 * Round trips whose frames pass through one Python bytearray that JS views in place (Pyodide's
 * PyProxy.getBuffer: a Uint8Array into wasm memory, taken once): Python writes its request into
 * the bytearray and passes only the length; the reply is copied into the bytearray and only its
 * length comes back. No Uint8Array is made (to_js) and no JsProxy crosses back (to_bytes) per
 * call. A reply larger than the bytearray is returned as `Caller.roundtrip` returns it.
 */
export class PinnedFrames {
  /**
   * @param {Caller} caller
   * @param {any} bytearray a PyProxy of a Python bytearray that outlives this object
   *   (create_proxy); its buffer stays exported, so Python cannot resize it
   */
  constructor(caller, bytearray) {
    this.caller = caller;
    this.bytearray = bytearray;
    /** @type {{ data: Uint8Array, release: () => void } | null} */
    this.exported = null;
    /** how many times the view was taken (once, and again after each growth of wasm memory) */
    this.takes = 0;
    this.view = this.#take();
  }

  /** A fresh view of the bytearray (the old one, if any, released). */
  #take() {
    this.exported?.release();
    this.exported = this.bytearray.getBuffer("u8");
    this.takes++;
    return /** @type {{ data: Uint8Array }} */ (this.exported).data;
  }

  /**
   * One round trip of the request in the bytearray's first `n` bytes. Returns the reply's length
   * once it is copied into the bytearray; a reply too large for it as `Caller.roundtrip` returns
   * it (a Uint8Array); or a `Failure` string.
   * @param {number} n @returns {number | Uint8Array | string}
   */
  roundtrip(n) {
    let view = this.view;
    // wasm memory grew since the view was taken: its old ArrayBuffer is detached, the view empty
    if (view.length === 0) view = this.view = this.#take();
    const reply = this.caller.roundtrip(view.subarray(0, n));
    if (typeof reply === "string" || reply.length > view.length) return reply;
    view.set(reply);
    return reply.length;
  }
}
