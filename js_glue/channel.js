// @ts-check
// The main thread's end of one worker's channel: it serves the worker's synchronous requests
// from the shared buffer, and carries the page's calls into the worker (calls.js).
//
// Serving never blocks the main thread: the page's Server (serving.js) calls poll when a worker
// rings, and poll serves the request waiting in the buffer; a transfer in chunks (transfer.js)
// goes on as its own task, woken by later rings. One request: receive, decode (wire.js), policy
// (policy.js), handler (dispatch.js), encode, send.

import { DATA_OFFSET, PROTOCOL_VERSION, Op, Slot, State, Status } from "./protocol.js";
import { HANDLERS } from "./dispatch.js";
import { HandleError, ProtocolError, describe, statusOf } from "./errors.js";
import { Policy } from "./policy.js";
import { Transfer, serveRequest } from "./transfer.js";
import { Values } from "./values.js";
import { WorkerCalls } from "./calls.js";
import { ErrorRecord, RemoteRef, Reply, decodeRequest, encodeReply } from "./wire.js";

/** REMOTE and CALLBACK ids read as placeholders: to find a refused request's drops. */
const INERT_REFS = { remote: () => null, callback: () => null };

/** The reply sent when even an error reply cannot be encoded. */
const FALLBACK_REPLY = encodeReply(
  new Reply(Status.INTERNAL, new ErrorRecord("InternalError", "reply could not be encoded", "")),
);

/** @param {unknown} e */
function errorRecord(e) {
  if (e instanceof Error) return new ErrorRecord(e.name, e.message, e.stack ?? "");
  return new ErrorRecord("Error", `a non-Error value was thrown: ${describe(e)}`, "");
}

export class Channel {
  /**
   * @param {SharedArrayBuffer | null} buffer null: the worker's requests come through the relay
   *   (relay.js), which hands each to `answer`; poll has nothing to serve
   * @param {{ post: (message: any) => void, timeoutMs: number, maxFrameBytes: number, allow?: string[] | null }} options
   */
  constructor(buffer, { post, timeoutMs, maxFrameBytes, allow = null }) {
    // no shared buffer: a header of its own that never holds a request (poll finds none)
    this.transfer = new Transfer(buffer ?? /** @type {any} */ (new ArrayBuffer(DATA_OFFSET)));
    this.i32 = this.transfer.i32;
    this.i32[Slot.VERSION] = PROTOCOL_VERSION;
    this.timeoutMs = timeoutMs;
    this.maxFrameBytes = maxFrameBytes;
    this.policy = new Policy(allow);
    this.values = new Values(this.policy);
    this.handles = this.values.handles;
    /** @type {import("./wire.js").Refs} */
    this.refs = {
      remote: (id) => this.handles.get(id),
      callback: (id) => this.calls.callbackFunction(id),
    };
    this.calls = new WorkerCalls({ post, values: this.values, refs: this.refs });
    this.closed = false;
    this.stats = { calls: 0, errors: 0, badDrops: 0, bytesIn: 0, bytesOut: 0 };
    /** @type {import("./dispatch.js").Context} */
    this.ctx = {
      out: (v) => this.#lent(this.values.out(v)),
      copy: (v) => this.#lent(this.values.copy(v)),
      scope: () => this.values.scope(),
    };
    this.answer = this.#answer.bind(this);
    /** a transfer in chunks is under way (its own task, see poll) */
    this.moving = false;
    /** told when the channel closes (its Server stops serving it) */
    this.onClose = () => {};
  }

  /** ids lent into the answer being built (one lend each): returned if the answer fails */
  #lends = /** @type {number[]} */ ([]);

  /** Note the handles lent in `value` (a handler's ctx.out or ctx.copy result). @param {any} value */
  #lent(value) {
    if (value instanceof RemoteRef) {
      this.#lends.push(value.id);
    } else if (Array.isArray(value)) {
      for (const item of value) this.#lent(item);
    } else if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
      for (const key of Object.keys(value)) this.#lent(value[key]);
    }
    return value;
  }

  /** @type {(() => void) | null} resumes the transfer's wait in #waitWhile */
  #resume = null;
  #waitedState = 0;

  // -- serving the worker's requests ----------------------------------------------------------

  /**
   * (Server.pass) Serve the request waiting in the buffer, if any: true if one was taken. A
   * frame that fits the buffer is answered here and now (no await on the hot path); a frame in
   * chunks goes on as its own task, which each later call of poll (a pass after the worker's
   * next ring) moves on. Never blocks, never throws.
   */
  poll() {
    if (this.moving) {
      if (this.#resume !== null && Atomics.load(this.i32, Slot.STATE) !== this.#waitedState) this.#resume();
      return false;
    }
    if (this.closed || Atomics.load(this.i32, Slot.STATE) !== State.REQUEST || !this.transfer.claim()) return false;
    const steps = serveRequest(this.transfer, this.maxFrameBytes, this.answer);
    const step = steps.next();
    if (!step.done) this.#continue(steps, /** @type {number} */ (step.value));
    return true;
  }

  /** The rest of a transfer in chunks. @param {import("./transfer.js").Steps<boolean>} steps @param {number} state */
  async #continue(steps, state) {
    this.moving = true;
    try {
      for (let step = steps.next(await this.#waitWhile(state)); !step.done; ) {
        step = steps.next(await this.#waitWhile(/** @type {number} */ (step.value)));
      }
    } catch (e) {
      console.error("pyscript-ffi: a chunked transfer failed", e);
    } finally {
      this.moving = false;
    }
    this.poll(); // a request stored as this transfer ended: its ring found this channel moving
  }

  /**
   * Wait (without blocking) while STATE is `state`: woken by poll (the worker rings after each
   * store), bounded by timeoutMs. Resolves to the state seen after, `state` itself on timeout
   * or close. @param {number} state @returns {Promise<number>}
   */
  #waitWhile(state) {
    const now = Atomics.load(this.i32, Slot.STATE);
    if (this.closed || now !== state) return Promise.resolve(this.closed ? state : now);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#resume = null;
        resolve(this.closed ? state : Atomics.load(this.i32, Slot.STATE));
      };
      const timer = setTimeout(done, this.timeoutMs);
      this.#waitedState = state;
      this.#resume = done;
    });
  }

  /** The reply to one request frame (or its refusal), counted. @param {Uint8Array | ProtocolError} request */
  #answer(request) {
    this.stats.calls++;
    if (request instanceof Uint8Array) this.stats.bytesIn += request.length; // (not a refused header)
    const reply = this.handle(request);
    this.stats.bytesOut += reply.length;
    return reply;
  }

  /**
   * Decode, run and encode one request; a refused frame (ProtocolError from the transfer) gets
   * its BAD_REQUEST reply. Never throws. @param {Uint8Array | ProtocolError} frame
   */
  handle(frame) {
    try {
      if (frame instanceof ProtocolError) {
        return encodeReply(new Reply(Status.BAD_REQUEST, new ErrorRecord(frame.name, frame.message, "")));
      }
      this.#lends.length = 0;
      try {
        return encodeReply(new Reply(Status.OK, this.run(this.#decode(frame))));
      } catch (e) {
        // an answer that fails half-way strands nothing: what it lent goes back
        for (const id of this.#lends) this.handles.drop(id, 1);
        this.stats.errors++;
        return encodeReply(new Reply(statusOf(e), errorRecord(e)));
      } finally {
        this.#lends.length = 0;
      }
    } catch (e) {
      console.error("pyscript-ffi: could not encode a reply", e);
      return FALLBACK_REPLY;
    }
  }

  /**
   * The request in `frame`. One naming a handle that is not live is refused (HandleError), but
   * the drops it carried are applied first: the worker counts them as delivered.
   * @param {Uint8Array} frame
   */
  #decode(frame) {
    try {
      return decodeRequest(frame, this.refs);
    } catch (e) {
      if (e instanceof HandleError) {
        const { drops } = decodeRequest(frame, INERT_REFS);
        if (drops !== null) this.applyDrops(drops);
      }
      throw e;
    }
  }

  /** Policy, then the op's handler. @param {import("./wire.js").Request} request */
  run({ op, target, subject, args, drops }) {
    if (drops !== null) {
      const error = this.applyDrops(drops);
      // a bad drop fails only an explicit RELEASE; riding on another op, it must not fail that op
      if (error && op === Op.RELEASE) throw error;
    }
    const object = this.handles.get(target);
    this.policy.check(op, target, object, subject, args);
    return HANDLERS[op](this.ctx, object, subject, args);
  }

  /** Apply every drop it can; count and return the first bad one. @param {number[]} drops */
  applyDrops(drops) {
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

  // -- page-to-worker calls (calls.js) --------------------------------------------------------

  /** Call the worker's exported function `name`. @param {string} name @param {any[]} args */
  callExport(name, args) {
    return this.calls.callExport(name, args);
  }

  /** The worker's SETTLE message. @param {{ call: number, frame?: Uint8Array, error?: string }} message */
  settle(message) {
    this.calls.settle(message);
  }

  /** Stop serving, forget every handle the worker held, and fail its pending calls. */
  close(/** @type {string} */ why) {
    this.closed = true;
    this.handles.clear();
    this.#resume?.(); // end a transfer's wait
    this.onClose();
    this.calls.close(why);
  }

  statistics() {
    return Object.freeze({ liveHandles: this.handles.size, handlesIssued: this.handles.issued, ...this.stats });
  }
}
