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
 * CPU from the main thread. The poll hints nothing to the CPU between loads (no Atomics.pause).
 * Both choices were measured (docs/benchmarks.md, "Design choices").
 */
const SPIN_MAX_MS = 0.1;
const SPIN_MIN_MS = 0.005;

/**
 * How a worker tells the page's Server that STATE changed: ring the doorbell, else `post`.
 * @param {SharedArrayBuffer | null} doorbell @param {(() => void) | null} post
 */
export function ringer(doorbell, post) {
  if (doorbell) {
    const bell = new Int32Array(doorbell);
    return () => {
      Atomics.add(bell, 0, 1);
      Atomics.notify(bell, 0);
    };
  }
  return post;
}

/**
 * Pyodide's interrupt buffer (`pyodide.setInterruptBuffer`) over the shared word `i32[0]`, made
 * so that no SIGINT the page stores is lost. Pyodide checks its buffer every 50 or so bytecodes
 * with two plain accesses, a read and then a write of 0 (`_Py_CheckEmscriptenSignals_Helper` in
 * pyodide.asm.mjs): a store by the page between the two is overwritten, and the interrupt never
 * reaches Python. Measured on a worker spinning in pure Python, idle machine: 5 of 1,500
 * interrupts lost (tests/browser/test_interrupts.py). Here the read is an atomic load and the
 * write a compare-exchange from what that read saw, so a store in between stays for the next
 * check. A read alone takes nothing, as before (`pyodide.checkInterrupt` peeks without the
 * GIL). A second store before Pyodide took the first is one with it, as the page's interrupt()
 * says.
 * @param {Int32Array} i32 a view of the one word
 * @returns {{ 0: number }}
 */
export function interruptBuffer(i32) {
  let seen = 0;
  return {
    get 0() {
      return (seen = Atomics.load(i32, 0));
    },
    set 0(value) {
      if (value !== seen) Atomics.compareExchange(i32, 0, seen, value);
    },
  };
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
    /** @type {Int32Array | null} the word pause() waits on */
    this.sleeper = null;
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
    const deadline = performance.now() + this.timeoutMs;
    const steps = roundtrip(this.transfer, frame);
    let step = steps.next();
    while (!step.done) step = steps.next(this.waitWhile(/** @type {number} */ (step.value), deadline));
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

  /** Block this worker for `ms` (Atomics.wait on a word of its own: the page runs on). */
  pause(/** @type {number} */ ms) {
    this.sleeper ??= new Int32Array(new SharedArrayBuffer(4));
    Atomics.wait(this.sleeper, 0, 0, ms);
  }

  /**
   * Block while STATE is `state`, until the deadline (a performance.now() time); returns the
   * state seen last, `state` itself if the deadline passed or the page interrupted.
   */
  waitWhile(/** @type {number} */ state, /** @type {number} */ deadline) {
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
   * @param {{ roundtrip: (frame: Uint8Array) => Uint8Array | string }} caller a Caller, or a
   *   RelayCaller (relay-stub.js)
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
