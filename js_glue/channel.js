// @ts-check
// The main thread's end of one worker's channel: it serves the worker's synchronous requests
// from the shared buffer, and carries the page's calls into the worker (calls.js).
//
// Serving never blocks the main thread: it parks in Atomics.waitAsync on the STATE word, and
// wakes when the worker stores REQUEST and notifies; the transfer's steps (transfer.js) wait
// the same way. One request: receive, decode (wire.js), policy (policy.js), handler
// (dispatch.js), encode, send.

import { PROTOCOL_VERSION, Op, Slot, State, Status } from "./protocol.js";
import { HANDLERS } from "./dispatch.js";
import { HandleError, MissingProperty, PermissionDenied, ProtocolError, describe } from "./errors.js";
import { Policy } from "./policy.js";
import { Transfer, serveRequest } from "./transfer.js";
import { Values } from "./values.js";
import { WorkerCalls } from "./calls.js";
import { ErrorRecord, Reply, decodeRequest, encodeReply } from "./wire.js";

/** The reply sent when even an error reply cannot be encoded. */
const FALLBACK_REPLY = encodeReply(
  new Reply(Status.INTERNAL, new ErrorRecord("InternalError", "reply could not be encoded", "")),
);

/** @param {unknown} e */
function errorRecord(e) {
  if (e instanceof Error) return new ErrorRecord(e.name, e.message, e.stack ?? "");
  return new ErrorRecord("Error", `a non-Error value was thrown: ${describe(e)}`, "");
}

/** The reply status for an exception. @param {unknown} e */
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
    this.transfer = new Transfer(buffer);
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
      out: (v) => this.values.out(v),
      copy: (v) => this.values.copy(v),
      scope: () => this.values.scope(),
    };
    /**
     * The bench's phase marks (null: off): performance.now() when a request's bytes are in
     * hand and when its reply is encoded, per request served.
     * @type {number[] | null}
     */
    this.marks = null;
    this.answer = this.#answer.bind(this);
  }

  // -- serving the worker's requests ----------------------------------------------------------

  /** Serve until closed. Never rejects. */
  async serve() {
    const { i32, transfer } = this;
    while (!this.closed) {
      const state = Atomics.load(i32, Slot.STATE);
      if (state === State.REQUEST) {
        if (transfer.claim()) {
          const steps = serveRequest(transfer, this.maxFrameBytes, this.answer);
          // a frame that fits the buffer takes no step: no await on the hot path
          for (let step = steps.next(); !step.done; ) step = steps.next(await this.#waitWhile(/** @type {number} */ (step.value)));
        }
        continue;
      }
      const waiting = Atomics.waitAsync(i32, Slot.STATE, state);
      if (waiting.async) await waiting.value;
    }
  }

  /** Wait (without blocking) while STATE is `state`: the state seen after, `state` itself on timeout or close. */
  async #waitWhile(/** @type {number} */ state) {
    const waiting = Atomics.waitAsync(this.i32, Slot.STATE, state, this.timeoutMs);
    if (waiting.async && (await waiting.value) === "timed-out") return state;
    return this.closed ? state : Atomics.load(this.i32, Slot.STATE);
  }

  /** The reply to one request frame (or its refusal), counted. @param {Uint8Array | ProtocolError} request */
  #answer(request) {
    const started = this.marks ? performance.now() : 0;
    this.stats.calls++;
    if (request instanceof Uint8Array) this.stats.bytesIn += request.length; // (not a refused header)
    const reply = this.handle(request);
    this.stats.bytesOut += reply.length;
    if (this.marks) this.marks.push(started, performance.now());
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
      let reply;
      try {
        reply = new Reply(Status.OK, this.run(decodeRequest(frame, this.refs)));
      } catch (e) {
        this.stats.errors++;
        reply = new Reply(statusOf(e), errorRecord(e));
      }
      return encodeReply(reply);
    } catch (e) {
      console.error("pyscript-ffi: could not encode a reply", e);
      return FALLBACK_REPLY;
    }
  }

  /** Policy, then the op's handler. @param {import("./wire.js").Request} request */
  run({ op, target, subject, args, drops }) {
    if (drops !== null) {
      const error = this.applyDrops(drops);
      // a bad drop fails only an explicit RELEASE; riding on another op, it must not fail that op
      if (error && op === Op.RELEASE) throw error;
    }
    if (op === Op.RELEASE) return undefined;
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
    Atomics.notify(this.i32, Slot.STATE); // wake a serve loop parked in waitAsync
    this.calls.close(why);
  }

  statistics() {
    return Object.freeze({ liveHandles: this.handles.size, handlesIssued: this.handles.issued, ...this.stats });
  }
}
