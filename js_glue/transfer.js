// @ts-check
// The chunked transfer over a channel's shared buffer, both ends, written once: the STATE
// machine of docs/protocol.md ("States and one call"). Twin of broker/shared.py.
//
// The two ends differ only in how they wait. The worker's stub blocks (Atomics.wait, after a
// short spin); the page's main thread must never block (Atomics.waitAsync). So each step here
// is a generator that yields the state it must wait out ("wait while STATE is s"); a driver
// waits its own way and resumes the generator with the state it saw last, which equals `s` only
// when the wait ran out of time (or the channel closed). Drivers: `Caller.roundtrip` in
// stub.js (sync), `Channel.poll` in channel.js (async, woken by the caller's ring).
//
// On the hot path (a frame that fits the buffer) the server's steps never yield, and the
// caller's yield once or twice: the generators cost well under a microsecond per round trip
// (measured: docs/benchmarks.md, "Design choices").

import { DATA_OFFSET, Failure, Slot, State } from "./protocol.js";
import { ProtocolError } from "./errors.js";

/**
 * Steps of a transfer: yields a State to wait out, is resumed with the state seen after the wait.
 * @template T @typedef {Generator<number, T, number>} Steps
 */

/** The views of one channel's shared buffer, and what the caller's end remembers between calls. */
export class Transfer {
  /**
   * @param {SharedArrayBuffer} buffer
   * @param {(() => void) | null} [ring] (caller) tells the page's Server that STATE changed,
   *   after each store: the doorbell, or a RING message (serving.js). Null: notify STATE only.
   */
  constructor(buffer, ring = null) {
    this.ring = ring;
    this.i32 = new Int32Array(buffer, 0, DATA_OFFSET / 4);
    this.data = new Uint8Array(buffer, DATA_OFFSET);
    /** (caller) the server still owes the reply to a call that timed out while BUSY or MORE */
    this.owed = false;
    /** (caller) ... and that call timed out before any of its reply came (BUSY) */
    this.owedWhole = false;
    /** (caller) the last reply that landed after its call gave up, whole: its lends go back */
    this.late = /** @type {Uint8Array | null} */ (null);
  }

  /** (server) Take the request now in the buffer: true if STATE was REQUEST and is now BUSY. */
  claim() {
    return Atomics.compareExchange(this.i32, Slot.STATE, State.REQUEST, State.BUSY) === State.REQUEST;
  }
}

/** @param {Transfer} t @param {number} state */
function store(t, state) {
  Atomics.store(t.i32, Slot.STATE, state);
  Atomics.notify(t.i32, Slot.STATE);
  t.ring?.();
}

/**
 * Put the next chunk of `frame` (from byte `sent`) in DATA and store `state`. Returns the bytes
 * sent so far. @param {Transfer} t @param {Uint8Array} frame @param {number} sent @param {number} state
 */
function putChunk(t, frame, sent, state) {
  const chunk = Math.min(t.data.length, frame.length - sent);
  const inPlace = frame.buffer === t.data.buffer && frame.byteOffset === t.data.byteOffset; // Caller.frameView
  if (!inPlace) t.data.set(sent === 0 && chunk === frame.length ? frame : frame.subarray(sent, sent + chunk));
  t.i32[Slot.CHUNK] = chunk;
  t.i32[Slot.OFFSET] = sent;
  store(t, state);
  return sent + chunk;
}

/**
 * Read the frame whose first chunk is in DATA, asking for the rest with MORE. A frame that fits
 * is returned as a view into the buffer (copy it before the buffer is written again), or as a
 * copy if `own`. Returns null if the writer did not send the next chunk in time.
 * Throws ProtocolError for a header or chunk that does not describe a frame, or a frame over
 * `limit` bytes (refused before the rest is pulled: the writer then reads the error reply).
 * @param {Transfer} t
 * @param {number} written the state the writer stores with each chunk (REQUEST or REPLY)
 * @param {boolean} claim store BUSY on taking each chunk (the server's end), by compare-and-swap
 * @param {number} limit the largest frame accepted
 * @param {boolean} own return a copy even of a frame that fits
 * @returns {Steps<Uint8Array | null>}
 */
export function* readFrame(t, written, claim, limit, own) {
  const { i32, data } = t;
  const total = i32[Slot.TOTAL];
  let chunk = i32[Slot.CHUNK];
  if (total < 0 || chunk < 0 || chunk > data.length || chunk > total || (chunk === 0 && total > 0)) {
    throw new ProtocolError(
      `bad ${what(written)} header: TOTAL ${total}, CHUNK ${chunk} bytes in a buffer of ${data.length} data bytes`,
    );
  }
  if (chunk === total) return own ? data.slice(0, chunk) : data.subarray(0, chunk);
  if (total > limit) {
    throw new ProtocolError(
      `a ${what(written)} of ${total} bytes is over this page's limit of ${limit} bytes (PyWorker option maxFrameBytes)`,
    );
  }
  const frame = new Uint8Array(total);
  for (let filled = 0; ;) {
    frame.set(data.subarray(0, chunk), filled);
    filled += chunk;
    if (filled >= total) return frame;
    store(t, State.MORE);
    const state = yield State.MORE;
    if (state === State.MORE) return null; // the writer did not answer in time
    if (claim ? !t.claim() : state !== written) return null; // the writer gave up
    // the first chunk of another frame: the writer withdrew this one and wrote its next
    // request before this end took its turn (the frame read so far never runs)
    if (i32[Slot.OFFSET] === 0) return yield* readFrame(t, written, claim, limit, own);
    if (i32[Slot.OFFSET] !== filled) {
      throw new ProtocolError(`a ${what(written)} chunk at byte ${i32[Slot.OFFSET]} is out of place (${filled} of ${total} bytes in)`);
    }
    chunk = i32[Slot.CHUNK];
    if (chunk < 1 || chunk > data.length || filled + chunk > total) {
      throw new ProtocolError(
        `a ${what(written)} chunk of ${chunk} bytes does not fit the frame (${filled} of ${total} bytes in)`,
      );
    }
  }
}

/** @param {number} written */
const what = (written) => (written === State.REQUEST ? "request" : "reply");

/**
 * (server) Write `reply` for a claimed request, in chunks while the caller asks for MORE.
 * Returns false if the caller stopped asking (it gave up, or the wait ran out).
 * @param {Transfer} t @param {Uint8Array} reply @returns {Steps<boolean>}
 */
export function* writeReply(t, reply) {
  t.i32[Slot.TOTAL] = reply.length;
  for (let sent = 0; ;) {
    sent = putChunk(t, reply, sent, State.REPLY);
    if (sent >= reply.length) return true;
    if ((yield State.REPLY) !== State.MORE) return false;
  }
}

/**
 * (server) Serve the request just claimed: read it, `answer` it, write the reply. Returns false
 * if the caller went away mid-frame. `answer` gets the request's bytes (its own copy), or the
 * ProtocolError that refused them, and must return the reply's bytes without throwing.
 * @param {Transfer} t @param {number} limit
 * @param {(request: Uint8Array | ProtocolError) => Uint8Array} answer
 * @returns {Steps<boolean>}
 */
export function* serveRequest(t, limit, answer) {
  /** @type {Uint8Array | ProtocolError | null} */
  let request;
  try {
    request = yield* readFrame(t, State.REQUEST, true, limit, true);
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    request = e;
  }
  if (request === null) return false;
  return yield* writeReply(t, answer(request));
}

/**
 * (caller) One round trip: send `frame`, wait for the reply, read it. Returns the reply's bytes
 * (a view into the buffer if it fit: copy it before the next call) or a `Failure`.
 * @param {Transfer} t @param {Uint8Array} frame @returns {Steps<Uint8Array | string>}
 */
export function* roundtrip(t, frame) {
  if (t.owed) {
    // the previous call timed out while the server worked on it (BUSY) or on the next chunk of
    // its reply (MORE): let that land before writing over the buffer; a whole late reply is
    // kept (t.late) for the worker to return what it lent
    let state = Atomics.load(t.i32, Slot.STATE);
    while (state === State.BUSY || state === State.MORE) {
      const seen = yield state;
      if (seen === state) return Failure.BUSY;
      state = seen;
    }
    t.owed = false;
    if (state === State.REPLY && t.owedWhole) {
      t.owedWhole = false;
      const late = yield* readFrame(t, State.REPLY, false, Infinity, true);
      if (late === null) {
        t.owed = true;
        return Failure.BUSY;
      }
      t.late = late;
    }
    t.owedWhole = false;
  }
  t.i32[Slot.TOTAL] = frame.length;
  for (let sent = 0; ;) {
    sent = putChunk(t, frame, sent, State.REQUEST);
    const state = yield* awaitAnswer(t);
    if (typeof state === "string") return state;
    if (state === State.REPLY) break; // the whole request is in (or the server refused it)
    if (sent >= frame.length) {
      throw new ProtocolError("pyscript-ffi: channel out of step: the main thread asked for more than was sent");
    }
  }
  const reply = yield* readFrame(t, State.REPLY, false, Infinity, false);
  if (reply !== null) return reply;
  t.owed = true;
  return Failure.BUSY;
}

/**
 * (caller) After a request chunk: REPLY or MORE, or a Failure. A request still unclaimed at the
 * deadline is withdrawn (REQUEST -> REPLY), unless the server claims it that instant.
 * @param {Transfer} t @returns {Steps<number | string>}
 */
function* awaitAnswer(t) {
  let state = yield State.REQUEST;
  if (state === State.REQUEST) {
    state = Atomics.compareExchange(t.i32, Slot.STATE, State.REQUEST, State.REPLY);
    if (state === State.REQUEST) return Failure.UNCLAIMED;
  }
  if (state === State.BUSY) {
    state = yield State.BUSY;
    if (state === State.BUSY) {
      t.owed = t.owedWhole = true;
      return Failure.BUSY;
    }
  }
  return state; // REPLY or MORE
}
