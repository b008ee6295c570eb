// @ts-check
// The main thread's end of one worker's channel: it serves the worker's synchronous requests
// from the shared buffer, and carries the page's calls into the worker (exports, callbacks).
//
// Serving never blocks the main thread: it parks in Atomics.waitAsync on the STATE word, and
// wakes when the worker stores REQUEST and notifies (see the state diagram in docs/protocol.md).

import { DATA_OFFSET, Op, PROTOCOL_VERSION, Slot, State, Status } from "./protocol.js";
import { HANDLERS, MissingProperty, describe } from "./dispatch.js";
import { HandleError, HandleTable } from "./handles.js";
import { PermissionDenied, Policy } from "./policy.js";
import { CallbackRef, ErrorRecord, ProtocolError, decode, encode, wireNumber } from "./wire.js";

const MAX_COPY_DEPTH = 100;
/** The reply sent when even an error reply cannot be encoded: [INTERNAL, nil]. */
const FALLBACK_REPLY = encode([Status.INTERNAL, new ErrorRecord("InternalError", "reply could not be encoded", "")]);

/** @param {unknown} e */
function errorRecord(e) {
  if (e instanceof Error) return new ErrorRecord(e.name, e.message, e.stack ?? "");
  return new ErrorRecord("Error", `a non-Error value was thrown: ${describe(e)}`, "");
}

/** @param {unknown} e */
function statusOf(e) {
  if (e instanceof HandleError) return Status.BAD_HANDLE;
  if (e instanceof ProtocolError) return Status.BAD_REQUEST;
  if (e instanceof MissingProperty) return Status.MISSING;
  if (e instanceof PermissionDenied) return Status.DENIED;
  return Status.THROWN;
}

export class Channel {
  /**
   * @param {SharedArrayBuffer} buffer
   * @param {{ post: (message: any) => void, timeoutMs: number, maxFrameBytes: number, allow?: string[] | null }} options
   */
  constructor(buffer, { post, timeoutMs, maxFrameBytes, allow = null }) {
    this.i32 = new Int32Array(buffer, 0, DATA_OFFSET / 4);
    this.data = new Uint8Array(buffer, DATA_OFFSET);
    this.i32[Slot.VERSION] = PROTOCOL_VERSION;
    this.post = post;
    this.timeoutMs = timeoutMs;
    this.maxFrameBytes = maxFrameBytes;
    this.handles = new HandleTable(globalThis);
    this.policy = new Policy(allow);
    /** JS functions standing for the worker's callbacks (held weakly), and back. */
    this.callbacks = new Map();
    this.callbackIds = new WeakMap();
    this.collected = new FinalizationRegistry((/** @type {number} */ id) => {
      if (this.callbacks.get(id)?.deref()) return; // a newer function for the same id
      this.callbacks.delete(id);
      if (!this.closed) this.post({ kind: "forget", id });
    });
    /** Page-to-worker calls waiting for their answer. */
    this.pending = new Map();
    this.nextCall = 1;
    this.closed = false;
    this.stats = { calls: 0, errors: 0, badDrops: 0, bytesIn: 0, bytesOut: 0 };
    this.refs = {
      remote: (/** @type {number} */ id) => this.handles.get(id),
      callback: (/** @type {number} */ id) => this.callbackFunction(id),
    };
    /** @type {import("./dispatch.js").Context} */
    this.ctx = {
      out: (v) => this.out(v),
      copy: (v) => this.copy(v, 0, new Set()),
      scope: () => this.handles.lend(globalThis),
    };
  }

  // -- values ---------------------------------------------------------------------------------

  /** A result value for the wire: primitives by value, everything else lent as a handle. */
  out(/** @type {any} */ v) {
    switch (typeof v) {
      case "number":
      case "bigint":
        return wireNumber(v);
      case "string":
      case "boolean":
      case "undefined":
        return v;
      case "function": {
        const id = this.callbackIds.get(v);
        return id === undefined ? this.handles.lend(v) : new CallbackRef(id);
      }
      default:
        if (v === null) return null;
        this.policy.checkOut(v);
        return directs.has(v) ? this.copy(v, 0, new Set()) : this.handles.lend(v);
    }
  }

  /** A deep copy by value: arrays, plain objects and byte buffers; anything else is lent. */
  copy(/** @type {any} */ v, /** @type {number} */ depth, /** @type {Set<any>} */ path) {
    if (typeof v !== "object" || v === null) return this.out(v);
    if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice();
    if (v instanceof ArrayBuffer) return new Uint8Array(v.slice(0));
    const proto = Object.getPrototypeOf(v);
    const plain = Array.isArray(v) || proto === Object.prototype || proto === null || directs.has(v);
    if (!plain) return this.out(v);
    if (path.has(v)) throw new TypeError("cannot copy a circular structure by value");
    if (depth >= MAX_COPY_DEPTH) throw new RangeError(`cannot copy deeper than ${MAX_COPY_DEPTH} levels`);
    path.add(v);
    let result;
    if (Array.isArray(v)) {
      result = v.map((x) => this.copy(x, depth + 1, path));
    } else {
      result = {};
      for (const k of Object.keys(v)) result[k] = this.copy(v[k], depth + 1, path);
    }
    path.delete(v);
    return result;
  }

  /**
   * The JS function that calls the worker's callback `id`: one function per id while the page
   * holds it (so removeEventListener finds it), held weakly; when the page drops it, the worker
   * is told, so a one-shot callback that was never called does not stay in its table.
   * @param {number} id
   */
  callbackFunction(id) {
    let fn = this.callbacks.get(id)?.deref();
    if (!fn) {
      fn = (/** @type {any[]} */ ...args) => this.callWorker({ kind: "callback", id }, args.map((a) => this.out(a)));
      this.callbacks.set(id, new WeakRef(fn));
      this.callbackIds.set(fn, id);
      this.collected.register(fn, id);
    }
    return fn;
  }

  // -- serving the worker's requests ----------------------------------------------------------

  /** Serve until closed. Never rejects. */
  async serve() {
    const i32 = this.i32;
    while (!this.closed) {
      const state = Atomics.load(i32, Slot.STATE);
      if (state === State.REQUEST) {
        if (Atomics.compareExchange(i32, Slot.STATE, State.REQUEST, State.BUSY) === State.REQUEST) {
          await this.serveOne();
        }
        continue;
      }
      const waiting = Atomics.waitAsync(i32, Slot.STATE, state);
      if (waiting.async) await waiting.value;
    }
  }

  /** Wait (without blocking) until STATE leaves `from`; false on timeout or close. */
  async stateChange(/** @type {number} */ from) {
    const waiting = Atomics.waitAsync(this.i32, Slot.STATE, from, this.timeoutMs);
    if (waiting.async && (await waiting.value) === "timed-out") return false;
    return !this.closed;
  }

  async serveOne() {
    const frame = await this.readRequest();
    if (frame === null) return; // the worker went away mid-frame
    this.stats.calls++;
    if (frame instanceof Uint8Array) this.stats.bytesIn += frame.length; // (not a refused header)
    const reply = this.handle(frame);
    this.stats.bytesOut += reply.length;
    await this.writeReply(reply);
  }

  /** The request frame now in the buffer, assembling chunks; null if abandoned. */
  async readRequest() {
    const i32 = this.i32;
    const total = i32[Slot.TOTAL];
    let chunk = i32[Slot.CHUNK];
    const bad = badHeader(total, chunk, this.data.length);
    if (bad) return bad;
    if (chunk === total) return this.data.slice(0, chunk);
    if (total > this.maxFrameBytes) {
      // refuse without pulling the rest: the worker reads this reply instead of sending more
      return oversize(total, this.maxFrameBytes);
    }
    const frame = new Uint8Array(total);
    let filled = 0;
    for (;;) {
      frame.set(this.data.subarray(0, chunk), filled);
      filled += chunk;
      if (filled >= total) return frame;
      Atomics.store(i32, Slot.STATE, State.MORE);
      Atomics.notify(i32, Slot.STATE);
      if (!(await this.stateChange(State.MORE))) return null;
      if (Atomics.compareExchange(i32, Slot.STATE, State.REQUEST, State.BUSY) !== State.REQUEST) return null;
      chunk = i32[Slot.CHUNK];
      if (chunk < 1 || chunk > this.data.length || filled + chunk > total) {
        return new ErrorRecord("ProtocolError", `a request chunk of ${chunk} bytes does not fit the frame (${filled} of ${total} bytes in)`, "");
      }
    }
  }

  async writeReply(/** @type {Uint8Array} */ reply) {
    const i32 = this.i32;
    const room = this.data.length;
    i32[Slot.TOTAL] = reply.length;
    for (let sent = 0; ;) {
      const chunk = Math.min(room, reply.length - sent);
      this.data.set(reply.subarray(sent, sent + chunk));
      i32[Slot.CHUNK] = chunk;
      sent += chunk;
      Atomics.store(i32, Slot.STATE, State.REPLY);
      Atomics.notify(i32, Slot.STATE);
      if (sent >= reply.length) return;
      if (!(await this.stateChange(State.REPLY))) return;
      if (Atomics.load(i32, Slot.STATE) !== State.MORE) return; // the worker gave up on the rest
    }
  }

  /** Decode, run and encode one request. Never throws. @param {Uint8Array | ErrorRecord} frame */
  handle(frame) {
    try {
      if (frame instanceof ErrorRecord) return encode([Status.BAD_REQUEST, frame]);
      let request;
      try {
        request = decode(frame, this.refs);
      } catch (e) {
        this.stats.errors++;
        return encode([statusOf(e), errorRecord(e)]);
      }
      try {
        return encode([Status.OK, this.run(request)]);
      } catch (e) {
        this.stats.errors++;
        return encode([statusOf(e), errorRecord(e)]);
      }
    } catch (e) {
      console.error("pyscript-ffi: could not encode a reply", e);
      return FALLBACK_REPLY;
    }
  }

  /** @param {any} request */
  run(request) {
    if (!Array.isArray(request) || request.length < 4 || request.length > 5) {
      throw new ProtocolError("a request must be [op, target, subject, args] (+ drops)");
    }
    const [op, target, subject, args, drops] = request;
    if (drops !== undefined) {
      const error = this.applyDrops(drops);
      // a bad drop fails only an explicit RELEASE; riding on another op, it must not fail that op
      if (error && op === Op.RELEASE) throw error;
    }
    const handler = HANDLERS[op];
    if (handler === undefined) throw new ProtocolError(`unknown op ${describe(op)}`);
    if (!Array.isArray(args)) throw new ProtocolError(`request args must be an array, not ${describe(args)}`);
    if (!Number.isInteger(target)) throw new ProtocolError(`request target must be a handle id, not ${describe(target)}`);
    if (op === Op.RELEASE) return undefined;
    const object = this.handles.get(target);
    this.policy.check(op, target, object, subject, args);
    return handler(this.ctx, object, subject, args);
  }

  /** Apply every drop it can; count and return the first bad one. @param {any} drops */
  applyDrops(drops) {
    if (!Array.isArray(drops) || drops.length % 2) {
      throw new ProtocolError("request drops must be an array of [id, count] integer pairs");
    }
    let firstError = null;
    for (let i = 0; i < drops.length; i += 2) {
      try {
        this.handles.drop(drops[i], drops[i + 1]);
      } catch (e) {
        this.stats.badDrops++;
        firstError ??= e;
      }
    }
    return firstError;
  }

  // -- page-to-worker calls -------------------------------------------------------------------

  /**
   * Ask the worker to run something (an export or a callback); resolves to its result.
   * @param {Record<string, any>} message
   * @param {any[]} args wire-ready arguments
   */
  callWorker(message, args) {
    if (this.closed) return Promise.reject(new Error("pyscript-ffi: the worker was terminated"));
    const call = this.nextCall++;
    return new Promise((resolve, reject) => {
      this.pending.set(call, { resolve, reject });
      this.post({ ...message, call, frame: encode(args) });
    });
  }

  /** The worker's answer to `callWorker`. @param {{ call: number, frame?: Uint8Array, error?: string }} message */
  settle({ call, frame, error }) {
    const waiter = this.pending.get(call);
    if (!waiter) return;
    this.pending.delete(call);
    if (error !== undefined) {
      waiter.reject(new Error(error));
      return;
    }
    try {
      waiter.resolve(decode(/** @type {Uint8Array} */ (frame), this.refs));
    } catch (e) {
      waiter.reject(e);
    }
  }

  /** Stop serving, forget every handle the worker held, and fail its pending calls. */
  close(/** @type {string} */ why) {
    this.closed = true;
    this.handles.clear();
    this.callbacks.clear();
    Atomics.notify(this.i32, Slot.STATE); // wake a serve loop parked in waitAsync
    for (const { reject } of this.pending.values()) reject(new Error(`pyscript-ffi: ${why}`));
    this.pending.clear();
  }

  statistics() {
    return Object.freeze({ liveHandles: this.handles.size, handlesIssued: this.handles.issued, ...this.stats });
  }
}

/** Objects marked by `direct`: they cross to the worker by value, not as a handle. */
const directs = new WeakSet();

/**
 * Mark `value` to cross to the worker by value (a deep copy) instead of as a handle. Returns it.
 * @template T @param {T} value @returns {T}
 */
export function direct(value) {
  if (typeof value === "object" && value !== null) directs.add(value);
  return value;
}

/**
 * Why the TOTAL and CHUNK words cannot describe a request in a buffer of `room` data bytes.
 * @param {number} total @param {number} chunk @param {number} room
 */
function badHeader(total, chunk, room) {
  if (total < 0 || chunk < 0 || chunk > room || chunk > total || (chunk === 0 && total > 0)) {
    return new ErrorRecord(
      "ProtocolError",
      `bad request header: TOTAL ${total}, CHUNK ${chunk} bytes in a buffer of ${room} data bytes`,
      "",
    );
  }
  return null;
}

/** @param {number} total @param {number} limit */
function oversize(total, limit) {
  return new ErrorRecord(
    "ProtocolError",
    `a request of ${total} bytes is over this page's limit of ${limit} bytes (PyWorker option maxFrameBytes)`,
    "",
  );
}
