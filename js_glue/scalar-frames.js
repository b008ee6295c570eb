// @ts-check
// MicroPython's common requests, coded in JavaScript (micro.js `request`). Python's minipack
// (broker/minipack.py) takes ~16 us of a MicroPython worker's read to code the request and
// decode the reply; here the same bytes take well under 1 us. Only what both sides give exactly
// is coded here: a request whose subject and arguments are JS scalars (null, booleans, numbers,
// strings), page objects' handles (`RemoteRef`: `el.appendChild(child)`), bytes (read where
// they lie in MicroPython's memory) or lists of scalars (gather's key lists), and a reply that is one value MicroPython's FFI turns into the same
// Python value the Python codec would make, or a list of such values whose JSON text
// MicroPython's json.loads reads back exactly. Anything else is left to Python, unchanged.

/** A page object's handle id, sent as the REMOTE reference to it (a method call's `this`, or an argument). */
export class RemoteRef {
  constructor(/** @type {number} */ id) {
    this.id = id;
  }
}

/** What decodeScalarReply returns for a reply Python must decode. */
export const NOT_SCALAR = Symbol("not a scalar reply");

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });
/** Requests are coded into this buffer, replaced by a larger one when a string needs it. */
let scratch = new Uint8Array(256);
/** The largest scratch kept once a smaller frame follows (a 1 MB argument's is let go). */
const KEPT_SCRATCH_BYTES = 64 * 1024;
const scratchView = () => new DataView(scratch.buffer);
let view = scratchView();

/**
 * The msgpack frame `[op, target, subject, args]`, plus `drops` when there are any, as
 * broker/wire.py `Codec.encode_request` frames it. `subject` and `args` are scalars: a number
 * that is a 32-bit integer packs as an int (MicroPython's FFI gives a Python int as one, and a
 * Python float with an integral value too: the page sees the same JS number either way), any
 * other number as a float64.
 * @param {number} op @param {number} target
 * @param {null | boolean | number | string | RemoteRef} subject
 * @param {(Scalar | RemoteRef | Uint8Array | Scalar[])[]} args (bytes as a Uint8Array, sent
 *   as bin; a list: its scalars, as an array)
 * @param {number[]} drops
 * @returns {Uint8Array} a view of the scratch buffer, valid until the next call
 */
export function encodeScalarRequest(op, target, subject, args, drops) {
  let bound = 32 + 9 * (args.length + drops.length) + stringBound(subject);
  for (const arg of args) {
    if (arg instanceof Uint8Array) bound += arg.length;
    else if (!Array.isArray(arg)) bound += stringBound(arg);
    else for (const item of arg) bound += 9 + stringBound(item);
  }
  if (bound > scratch.length || (scratch.length > KEPT_SCRATCH_BYTES && bound <= KEPT_SCRATCH_BYTES)) {
    // (a scratch grown for a large frame is let go at the next small one)
    scratch = new Uint8Array(bound > scratch.length ? Math.max(bound, 2 * scratch.length) : KEPT_SCRATCH_BYTES);
    view = scratchView();
  }
  scratch[0] = drops.length ? 0x95 : 0x94;
  let at = packInt(1, op);
  at = packInt(at, target);
  at = subject instanceof RemoteRef ? packRemote(at, subject.id) : packScalar(at, subject);
  at = packArrayHeader(at, args.length);
  for (const arg of args) {
    if (arg instanceof RemoteRef) at = packRemote(at, arg.id);
    else if (arg instanceof Uint8Array) at = packBin(at, arg);
    else if (!Array.isArray(arg)) at = packScalar(at, arg);
    else {
      at = packArrayHeader(at, arg.length);
      for (const item of arg) at = packScalar(at, item);
    }
  }
  if (drops.length) {
    at = packArrayHeader(at, drops.length);
    for (const drop of drops) at = packInt(at, drop);
  }
  return scratch.subarray(0, at);
}

/** @typedef {null | boolean | number | string} Scalar */

/** @param {unknown} value bytes a string may take (3 a UTF-16 unit) and its header */
const stringBound = (value) => (typeof value === "string" ? 3 * value.length + 5 : 0);

/** @param {number} at @param {Scalar} value @returns {number} */
function packScalar(at, value) {
  if (value === null) {
    scratch[at] = 0xc0;
    return at + 1;
  }
  if (typeof value === "boolean") {
    scratch[at] = value ? 0xc3 : 0xc2;
    return at + 1;
  }
  if (typeof value === "string") return packString(at, value);
  if (Number.isInteger(value) && value >= -0x80000000 && value <= 0xffffffff && !Object.is(value, -0)) {
    return packInt(at, value);
  }
  scratch[at] = 0xcb;
  view.setFloat64(at + 1, value);
  return at + 9;
}

/** The smallest encoding of an integer of up to 32 bits, as msgpack-python writes it. */
function packInt(/** @type {number} */ at, /** @type {number} */ n) {
  if (n >= 0) {
    if (n < 0x80) {
      scratch[at] = n;
      return at + 1;
    }
    if (n <= 0xff) {
      scratch[at] = 0xcc;
      scratch[at + 1] = n;
      return at + 2;
    }
    return packWide(at, n, 0xcd, 0xce);
  }
  if (n >= -32) {
    scratch[at] = n & 0xff;
    return at + 1;
  }
  if (n >= -0x80) {
    scratch[at] = 0xd0;
    view.setInt8(at + 1, n);
    return at + 2;
  }
  if (n >= -0x8000) {
    scratch[at] = 0xd1;
    view.setInt16(at + 1, n);
    return at + 3;
  }
  scratch[at] = 0xd2;
  view.setInt32(at + 1, n);
  return at + 5;
}

function packString(/** @type {number} */ at, /** @type {string} */ text) {
  // the header's size depends on the byte length: write the bytes where the largest header
  // leaves room, then move them back when a smaller header fits (rare: strings over 31 bytes)
  const small = text.length < 32 ? encoder.encodeInto(text, scratch.subarray(at + 1)).written : -1;
  if (small >= 0 && small < 32) {
    scratch[at] = 0xa0 | small;
    return at + 1 + small;
  }
  const n = /** @type {number} */ (encoder.encodeInto(text, scratch.subarray(at + 5)).written);
  let header = 5;
  if (n <= 0xff) {
    scratch[at] = 0xd9;
    scratch[at + 1] = n;
    header = 2;
  } else if (n <= 0xffff) {
    scratch[at] = 0xda;
    view.setUint16(at + 1, n);
    header = 3;
  } else {
    scratch[at] = 0xdb;
    view.setUint32(at + 1, n);
  }
  if (header < 5) scratch.copyWithin(at + header, at + 5, at + 5 + n);
  return at + header + n;
}

/** `bytes` as msgpack bin (broker/minipack.py's: bin 8, 16 or 32 by their length). */
function packBin(/** @type {number} */ at, /** @type {Uint8Array} */ bytes) {
  const n = bytes.length;
  if (n <= 0xff) {
    scratch[at] = 0xc4;
    scratch[at + 1] = n;
    at += 2;
  } else {
    at = packWide(at, n, 0xc5, 0xc6);
  }
  scratch.set(bytes, at);
  return at + n;
}

/** The REMOTE ext of handle `id` (broker/wire.py `remote_ext`: id, then flags 0). */
function packRemote(/** @type {number} */ at, /** @type {number} */ id) {
  scratch[at] = 0xc7; // ext 8
  scratch[at + 1] = 5;
  scratch[at + 2] = 1; // Ext.REMOTE
  view.setUint32(at + 3, id);
  scratch[at + 7] = 0;
  return at + 8;
}

function packArrayHeader(/** @type {number} */ at, /** @type {number} */ n) {
  if (n < 16) {
    scratch[at] = 0x90 | n;
    return at + 1;
  }
  return packWide(at, n, 0xdc, 0xdd);
}

/** `n` (unsigned) after the code of its width: `code16` and 16 bits, or `code32` and 32. */
function packWide(/** @type {number} */ at, /** @type {number} */ n, /** @type {number} */ code16, /** @type {number} */ code32) {
  if (n <= 0xffff) {
    scratch[at] = code16;
    view.setUint16(at + 1, n);
    return at + 3;
  }
  scratch[at] = code32;
  view.setUint32(at + 1, n);
  return at + 5;
}

/**
 * The value of an OK reply `[0, value]` when it is one MicroPython's FFI turns into exactly the
 * Python value broker/wire.py would decode: None (nil, or the UNDEFINED ext), a bool, an int
 * that fits 32 bits signed (the FFI's integers are 32-bit), a float that is not integral (the
 * FFI makes an integral JS number a Python int), or a string of valid UTF-8. Else NOT_SCALAR:
 * an error reply, a proxy, bytes, a list, a dict, a 64-bit int, an integral float.
 * @param {Uint8Array} reply
 * @returns {Scalar | typeof NOT_SCALAR}
 */
export function decodeScalarReply(reply) {
  if (reply.length < 3 || reply[0] !== 0x92 || reply[1] !== 0x00) return NOT_SCALAR;
  const value = readScalar(reply, 2, new DataView(reply.buffer, reply.byteOffset, reply.length));
  return end === reply.length ? value : NOT_SCALAR;
}

/**
 * The JSON text of an OK reply `[0, [v0, v1, ...]]` (a gather's) whose items are each None, a
 * bool, an int of 32 bits signed or a valid UTF-8 string, as decodeScalarReply gives them: text
 * MicroPython's json.loads (C) reads back as the list broker/wire.py would decode, ~3 us for
 * ten strings where Python's minipack took ~50. Else NOT_SCALAR, floats among the rest: JSON
 * carries a float as decimal text, and MicroPython's parsing of decimals is not always the
 * nearest double.
 * @param {Uint8Array} reply
 * @returns {string | typeof NOT_SCALAR}
 */
export function decodeScalarListReply(reply) {
  const n = reply.length;
  if (n < 3 || reply[0] !== 0x92 || reply[1] !== 0x00) return NOT_SCALAR;
  const data = new DataView(reply.buffer, reply.byteOffset, n);
  const code = reply[2];
  let count = code & 0x0f;
  let at = 3;
  if (code === 0xdc && n >= 5) {
    count = data.getUint16(3);
    at = 5;
  } else if (code === 0xdd && n >= 7) {
    count = data.getUint32(3);
    at = 7;
  } else if ((code & 0xf0) !== 0x90) {
    return NOT_SCALAR;
  }
  if (count > n - at) return NOT_SCALAR; // each item takes a byte at least
  const values = new Array(count);
  for (let i = 0; i < count; i++) {
    const value = readScalar(reply, at, data);
    if (value === NOT_SCALAR || (typeof value === "number" && !Number.isInteger(value))) return NOT_SCALAR;
    values[i] = value;
    at = end;
  }
  return at === n ? JSON.stringify(values) : NOT_SCALAR;
}

/** Where the value readScalar read ends (the next value's offset). */
let end = 0;

/** Whether the `size` bytes after the code at `at` are in a reply of `n` bytes (`end` after them). */
const fits = (/** @type {number} */ at, /** @type {number} */ size, /** @type {number} */ n) => (end = at + 1 + size) <= n;

/**
 * The scalar at `at` in `reply` (`data`: a DataView of the reply, made once by the caller), as
 * decodeScalarReply takes them, and its end in `end`; else NOT_SCALAR.
 * @param {Uint8Array} reply @param {number} at @param {DataView} data
 * @returns {Scalar | typeof NOT_SCALAR}
 */
function readScalar(reply, at, data) {
  const n = reply.length;
  if (at >= n) return NOT_SCALAR;
  const code = reply[at];
  end = at + 1;
  if (code < 0x80) return code;
  if (code >= 0xe0) return code - 0x100;
  if (code === 0xc0) return null;
  if (code === 0xc2 || code === 0xc3) return code === 0xc3;
  if ((code & 0xe0) === 0xa0) return text(reply, at + 1, code & 0x1f);
  switch (code) {
    case 0xd9:
      return fits(at, 1, n) ? text(reply, at + 2, reply[at + 1]) : NOT_SCALAR;
    case 0xda:
      return fits(at, 2, n) ? text(reply, at + 3, data.getUint16(at + 1)) : NOT_SCALAR;
    case 0xdb:
      return fits(at, 4, n) ? text(reply, at + 5, data.getUint32(at + 1)) : NOT_SCALAR;
    case 0xcc:
      return fits(at, 1, n) ? reply[at + 1] : NOT_SCALAR;
    case 0xcd:
      return fits(at, 2, n) ? data.getUint16(at + 1) : NOT_SCALAR;
    case 0xce:
      return fits(at, 4, n) && data.getUint32(at + 1) <= 0x7fffffff ? data.getUint32(at + 1) : NOT_SCALAR;
    case 0xd0:
      return fits(at, 1, n) ? data.getInt8(at + 1) : NOT_SCALAR;
    case 0xd1:
      return fits(at, 2, n) ? data.getInt16(at + 1) : NOT_SCALAR;
    case 0xd2:
      return fits(at, 4, n) ? data.getInt32(at + 1) : NOT_SCALAR;
    case 0xca:
      return fits(at, 4, n) ? fraction(data.getFloat32(at + 1)) : NOT_SCALAR;
    case 0xcb:
      return fits(at, 8, n) ? fraction(data.getFloat64(at + 1)) : NOT_SCALAR;
    case 0xd4: // fixext 1: UNDEFINED (type 0), whose payload is one zero byte
      return fits(at, 2, n) && reply[at + 1] === 0 && reply[at + 2] === 0 ? null : NOT_SCALAR;
    default:
      return NOT_SCALAR;
  }
}

/** A float MicroPython keeps a float (an integral one would become an int). */
const fraction = (/** @type {number} */ x) => (Number.isInteger(x) || Object.is(x, -0) ? NOT_SCALAR : x);

/** The UTF-8 string of `length` bytes at `start` (its end in `end`), if the reply holds them
 * and they are UTF-8; else NOT_SCALAR. */
function text(/** @type {Uint8Array} */ reply, /** @type {number} */ start, /** @type {number} */ length) {
  end = start + length;
  if (end > reply.length) return NOT_SCALAR;
  if (length <= 64) {
    let ascii = "";
    let i = start;
    for (; i < end && reply[i] < 0x80; i++) ascii += String.fromCharCode(reply[i]);
    if (i === end) return ascii;
  }
  try {
    return decoder.decode(reply.slice(start, end)); // (a copy: TextDecoder refuses shared memory)
  } catch {
    return NOT_SCALAR; // not UTF-8 (a lone surrogate the page sent): Python raises its error
  }
}
