// @ts-check
// Frames on the wire, JavaScript side: msgpack (msgpackr) bytes in and out, with the
// protocol's ext types. Twin of broker/wire.py; tests/vectors/ holds bytes both must produce.
//
// Request frames are decoded here, at the edge, into frozen `Request` records (with the shape
// checks of broker/wire.py), and `Reply` records encoded; nothing else indexes a frame by
// position. (The page never decodes a reply: the worker's codec does, broker/wire.py.)
//
// msgpackr is used with standard msgpack only (no records, no bundled strings). It is fed
// values whose numbers went through `wireNumber` (values.js does it), which fixes the two places
// where msgpackr's choice of format differs from Python's msgpack (and would change a value):
// -0 (msgpackr writes int 0) and integral numbers beyond 32 bits (msgpackr writes float64,
// Python would get a float).

import { C1, Packr, Unpackr, addExtension } from "./vendor/msgpackr/index.js";
import { HandleError, ProtocolError, describe } from "./errors.js";
import { Ext, Op } from "./protocol.js";

/** A reference to an object the encoding side lends: encoded as a REMOTE ext. */
export class RemoteRef {
  /** @param {number} id @param {number} flags */
  constructor(id, flags) {
    this.id = id;
    this.flags = flags;
  }
}

/** A callback the decoding side lent, sent back to it: encoded as a CALLBACK ext. */
export class CallbackRef {
  /** @param {number} id */
  constructor(id) {
    this.id = id;
  }
}

/** An error record: encoded as an ERROR ext carrying [name, message, stack]. */
export class ErrorRecord {
  /** @param {string} name @param {string} message @param {string} stack */
  constructor(name, message, stack) {
    this.name = name;
    this.message = message;
    this.stack = stack;
  }
}

/** A 64-bit integer written in Python's canonical form: uint64 if >= 0, else int64. */
class Int64 {
  /** @param {bigint} value */
  constructor(value) {
    this.value = value;
  }
}

/** A float64 that msgpackr would otherwise write as an integer (only -0 needs it). */
class Float64 {
  /** @param {number} value */
  constructor(value) {
    this.value = value;
  }
}

/**
 * Decoders for REMOTE and CALLBACK payloads are set per decode call: msgpackr's extension table
 * is module-wide, but what an id means depends on the channel doing the decoding.
 * @type {{ remote: (id: number, flags: number) => any, callback: (id: number) => any } | null}
 */
let refs = null;

const view = (/** @type {Uint8Array} */ b) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/**
 * @param {any} Class
 * @param {number} size
 * @param {(target: DataView, pos: number, value: any) => void} write
 */
function rawExtension(Class, size, write) {
  // (msgpackr's types do not know that pack may take `allocate` and write raw bytes)
  addExtension(/** @type {any} */ ({
    Class,
    type: 0x7f, // never written: `pack` below writes raw bytes through `allocate`
    pack(/** @type {any} */ value, /** @type {(n: number) => any} */ allocate) {
      const { targetView, position } = allocate(size);
      write(targetView, position, value);
    },
  }));
}

rawExtension(Int64, 9, (t, p, v) => {
  if (v.value >= 0n) {
    t.setUint8(p, 0xcf);
    t.setBigUint64(p + 1, v.value);
  } else {
    t.setUint8(p, 0xd3);
    t.setBigInt64(p + 1, v.value);
  }
});
rawExtension(Float64, 9, (t, p, v) => {
  t.setUint8(p, 0xcb);
  t.setFloat64(p + 1, v.value);
});

addExtension({
  Class: RemoteRef,
  type: Ext.REMOTE,
  pack(/** @type {RemoteRef} */ ref) {
    const out = new Uint8Array(5);
    view(out).setUint32(0, ref.id);
    out[4] = ref.flags;
    return out;
  },
  unpack(/** @type {Uint8Array} */ data) {
    if (data.length !== 5) throw new ProtocolError(`REMOTE ext payload is ${data.length} bytes; expected 5`);
    if (!refs) throw new ProtocolError("REMOTE ext outside a channel decode");
    return refs.remote(view(data).getUint32(0), data[4]);
  },
});

addExtension({
  Class: CallbackRef,
  type: Ext.CALLBACK,
  pack(/** @type {CallbackRef} */ ref) {
    const out = new Uint8Array(4);
    view(out).setUint32(0, ref.id);
    return out;
  },
  unpack(/** @type {Uint8Array} */ data) {
    if (data.length !== 4) throw new ProtocolError(`CALLBACK ext payload is ${data.length} bytes; expected 4`);
    if (!refs) throw new ProtocolError("CALLBACK ext outside a channel decode");
    return refs.callback(view(data).getUint32(0));
  },
});

const plainPackr = new Packr({ useRecords: false, moreTypes: false });
// (int64AsType "auto" is msgpackr's; its type declarations lag behind it)
const plainUnpackr = new Unpackr(/** @type {any} */ ({ useRecords: false, mapsAsObjects: true, int64AsType: "auto" }));

addExtension({
  Class: ErrorRecord,
  type: Ext.ERROR,
  pack(/** @type {ErrorRecord} */ e) {
    return plainPackr.pack([e.name, e.message, e.stack]);
  },
  unpack(/** @type {Uint8Array} */ data) {
    const [name, message, stack] = plainUnpackr.unpack(data);
    return new ErrorRecord(String(name), String(message), String(stack ?? ""));
  },
});

// msgpackr decodes some ext codes of its own (Error, Set, RegExp, typed arrays, timestamps...).
// None is part of this protocol: a frame that carries one is refused, never turned into an object.
for (const code of [0x62, 0x65, 0x69, 0x70, 0x72, 0x73, 0x74, 0x78, 0x7f, 0xff]) {
  addExtension({
    type: code,
    unpack() {
      throw new ProtocolError(`unknown ext type ${code} in frame`);
    },
  });
}

// useBigIntExtension: a bigint beyond 64 bits becomes ext 0x42 (`wireNumber` sends every
// other bigint as Int64 first).
// variableMapSize: the smallest map header, as Python writes it (msgpackr defaults to map16).
const packr = new Packr({ useRecords: false, moreTypes: false, useBigIntExtension: true, variableMapSize: true });
const unpackr = new Unpackr(/** @type {any} */ ({ useRecords: false, mapsAsObjects: true, int64AsType: "auto" }));

const INT32_MIN = -0x80000000;
const UINT32_MAX = 0xffffffff;
const MAX_EXACT = 2 ** 53;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * A JS number or bigint in the form that encodes to Python's canonical bytes for that value.
 * @param {number | bigint} v
 * @returns {any}
 */
export function wireNumber(v) {
  if (typeof v === "number") {
    if (Number.isInteger(v)) {
      if (v === 0 && 1 / v < 0) return new Float64(v); // -0 stays a float
      if (v < INT32_MIN || v > UINT32_MAX) {
        // |v| <= 2**53 is an int (msgpackr decodes ints up to there as numbers); beyond, a float
        return Math.abs(v) <= MAX_EXACT ? new Int64(BigInt(v)) : v;
      }
    }
    return v;
  }
  if (v >= INT32_MIN && v <= UINT32_MAX) return Number(v);
  if (v >= INT64_MIN && v <= UINT64_MAX) return new Int64(v);
  return v; // beyond 64 bits: msgpackr writes ext 0x42
}

/**
 * Encode an already wire-shaped value (numbers through `wireNumber`, objects as refs).
 * @param {any} value
 * @returns {Uint8Array}
 */
export function encode(value) {
  return packr.pack(value);
}

/**
 * `frame`'s bytes in an ArrayBuffer of their own, for a frame that leaves by postMessage: an
 * encoded frame is a view into the encoder's chunk (msgpackr's: 8 KiB, or as large as the
 * largest frame since, 4 MiB after a 1 MB one), and postMessage copies a view's whole buffer
 * (measured, Chromium 156: after one 1 MB reply, each small reply sent on cost 5 ms).
 * @param {Uint8Array} frame
 */
export function owned(frame) {
  // Uint8Array's slice, a copy (a Node Buffer's own slice is a view)
  return frame.byteLength === frame.buffer.byteLength ? frame : Uint8Array.prototype.slice.call(frame);
}

/**
 * Decode a frame. `resolve` says what REMOTE and CALLBACK ids mean for this channel.
 * @param {Uint8Array} bytes
 * @param {{ remote: (id: number, flags: number) => any, callback: (id: number) => any }} resolve
 */
export function decode(bytes, resolve) {
  try {
    // 0xC1 is msgpack's "never used" byte, which msgpackr decodes to an object of its own:
    // refused, as Python's msgpack refuses it. A frame holding that byte anywhere (in a string,
    // a number) is decoded once more first, its ids not looked up, to see where it fell.
    if (bytes.includes(0xc1)) {
      refs = INERT;
      refuseNeverUsed(unpackr.unpack(bytes), bytes.length);
    }
    refs = resolve;
    return unpackr.unpack(bytes);
  } catch (e) {
    if (e instanceof ProtocolError || e instanceof HandleError) throw e;
    throw new ProtocolError(`undecodable frame (${bytes.length} bytes): ${e instanceof Error ? e.message : e}`);
  } finally {
    refs = null;
  }
}

/** @type {Refs} */
const INERT = { remote: () => null, callback: () => null };

/**
 * Throw if msgpack's never-used byte 0xC1 decoded somewhere in `value` (a decoded frame: arrays,
 * plain objects and values only, no cycles). @param {any} value @param {number} size
 */
function refuseNeverUsed(value, size) {
  const stack = [value];
  while (stack.length) {
    const v = stack.pop();
    if (v === C1) throw new ProtocolError(`undecodable frame (${size} bytes): byte 0xC1 is never used in msgpack`);
    if (Array.isArray(v)) stack.push(...v);
    else if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) stack.push(...Object.values(v));
  }
}

/** @typedef {{ remote: (id: number, flags: number) => any, callback: (id: number) => any }} Refs */

const OPS = new Set(Object.values(Op));
/** A handle id or a drop count: a non-negative integer. @param {unknown} x */
const isCount = (x) => Number.isInteger(x) && /** @type {number} */ (x) >= 0;


/** One request, decoded: `op` on the object with handle id `target`; `drops` returns lends. */
export class Request {
  /**
   * @param {number} op @param {number} target @param {any} subject @param {any[]} args
   * @param {number[] | null} drops [id, count, ...], or null
   */
  constructor(op, target, subject, args, drops) {
    this.op = op;
    this.target = target;
    this.subject = subject;
    this.args = args;
    this.drops = drops;
    Object.freeze(this);
  }
}

/** One reply: a `Status` and, for OK, the result, else an ErrorRecord. */
export class Reply {
  /** @param {number} status @param {any} body */
  constructor(status, body) {
    this.status = status;
    this.body = body;
    Object.freeze(this);
  }
}

/**
 * A request frame as a `Request`; ProtocolError if it does not decode or has the wrong shape.
 * @param {Uint8Array} bytes @param {Refs} resolve @returns {Request}
 */
export function decodeRequest(bytes, resolve) {
  const frame = decode(bytes, resolve);
  if (!Array.isArray(frame) || frame.length < 4 || frame.length > 5) {
    throw new ProtocolError("a request must be [op, target, subject, args] (+ drops)");
  }
  const [op, target, subject, args, drops = null] = frame;
  if (!OPS.has(op)) throw new ProtocolError(`unknown op ${describe(op)}`);
  if (!Number.isInteger(target) || target < 0) {
    throw new ProtocolError(`request target must be a handle id, not ${describe(target)}`);
  }
  if (!Array.isArray(args)) throw new ProtocolError(`request args must be an array, not ${describe(args)}`);
  if (drops !== null && (!Array.isArray(drops) || drops.length % 2 || !drops.every(isCount))) {
    throw new ProtocolError("request drops must be an array of [id, count] integer pairs");
  }
  return new Request(op, target, subject, args, drops);
}

/** @param {Reply} reply @returns {Uint8Array} */
export function encodeReply(reply) {
  return packr.pack([reply.status, reply.body]);
}
