// @ts-check
// The worker stub as MicroPython sees it (pyscript_ffi/_micro.py). MicroPython hands Python
// bytes to JavaScript as a proxy read element by element, so frames do not cross its FFI as
// bytes: where the stub has MicroPython's wasm memory (`withMemory`), Python passes a frame's
// address (uctypes.addressof) and the stub reads it there, and writes the reply into a
// bytearray Python pinned; elsewhere (a MicroPython booted by PyScript) they cross as hex
// strings (bytes.hex() / bytes.fromhex() are C code there). And MicroPython runs no __del__ on
// Python objects, so each proxy holds a release token, a JS object MicroPython's own FFI frees
// when the proxy is collected: a FinalizationRegistry then queues the handle's release.
// Requests of scalars, and gathers, are coded here rather than in Python (`request`,
// `requestKeys`, scalar-frames.js).

import { Failure } from "./protocol.js";
import { NOT_SCALAR, RemoteRef, decodeScalarListReply, decodeScalarReply, encodeScalarRequest } from "./scalar-frames.js";

const DIGITS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** @param {string} hex @returns {Uint8Array} */
export function fromHex(hex) {
  const native = /** @type {any} */ (Uint8Array).fromHex; // Chromium has it; Node 20 not
  if (native) return native(hex);
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
  return out;
}

/** @param {Uint8Array} bytes @returns {string} */
export function toHex(bytes) {
  const native = /** @type {any} */ (bytes).toHex;
  if (native) return native.call(bytes);
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += DIGITS[bytes[i]];
  return out;
}

/**
 * Runs `load` (a loadMicroPython call) and returns what it made with the wasm memory of the
 * MicroPython instance it made, caught as WebAssembly instantiates it: MicroPython's module does
 * not export its memory (HEAPU8) to JavaScript. null if no instance with MicroPython's exports
 * was made meanwhile (the stub then moves frames as hex). Measured (docs/benchmarks.md,
 * "MicroPython and the CPython host"): 1 MB each way 379-727 ms with hex frames, 29-110 ms in
 * place, in the same runs.
 * @template T @param {() => Promise<T>} load @returns {Promise<{ made: T, memory: WebAssembly.Memory | null }>}
 */
export async function withMemory(load) {
  const wasm = /** @type {any} */ (WebAssembly);
  const { instantiate, instantiateStreaming } = wasm;
  /** @type {WebAssembly.Memory | null} */
  let memory = null;
  /** @param {any} made an Instance, or { instance, module } */
  const keep = (made) => {
    const exports = (made.instance ?? made).exports;
    if (memory === null && exports?.mp_js_init && exports.memory instanceof WebAssembly.Memory) {
      memory = exports.memory;
    }
    return made;
  };
  wasm.instantiate = (/** @type {any[]} */ ...args) => instantiate.apply(wasm, args).then(keep);
  if (instantiateStreaming) {
    wasm.instantiateStreaming = (/** @type {any[]} */ ...args) => instantiateStreaming.apply(wasm, args).then(keep);
  }
  try {
    const made = await load();
    return { made, memory };
  } finally {
    wasm.instantiate = instantiate;
    if (instantiateStreaming) wasm.instantiateStreaming = instantiateStreaming;
  }
}

const NO_DROPS = /** @type {number[]} */ ([]);
const NO_ARGS = /** @type {any[]} */ ([]);

/**
 * MicroPython's memory (bytes) at which the stub first says why it grows, and again at each
 * doubling. MicroPython's WebAssembly build frees memory only when Python returns to JavaScript
 * (or awaits): while one call runs, `gc.collect()` does nothing and every object made stays, so
 * a long loop that does neither grows the memory until the build's 2 GB limit stops the worker
 * ("Cannot enlarge memory"). Measured under Node: 1 MB made and dropped per turn ran out at
 * ~1,500 turns; the same loop awaiting `asyncio.sleep(0)` every 100 turns kept 1 MB in use.
 */
export const HEAP_WARN_BYTES = 512 * 1024 * 1024;

/**
 * @param {object} options
 * @param {number} options.timeoutMs the worker's bound on one call
 * @param {(frame: Uint8Array) => Uint8Array | string} options.roundtrip one call (Caller.roundtrip)
 * @param {(ms: number) => void} options.pause block the worker for ms (Caller.pause)
 * @param {(call: number, frame: Uint8Array | null, error: string | null) => void} options.settle
 * @param {WebAssembly.Memory | null} [options.memory] MicroPython's wasm memory (withMemory)
 * @param {number} [options.heapWarnBytes] memory at which to warn first (HEAP_WARN_BYTES)
 */
export function microStub({ timeoutMs, roundtrip: roundtripOnce, pause, settle, memory = null, heapWarnBytes = HEAP_WARN_BYTES }) {
  let warnAt = heapWarnBytes;
  /** `blob`'s addresses and lengths, for the next `request` */
  const pendingBlobs = /** @type {number[]} */ ([]);
  /** One round trip; first a look at how far MicroPython's memory grew (HEAP_WARN_BYTES). */
  const roundtrip = (/** @type {Uint8Array} */ frame) => {
    if (memory !== null && memory.buffer.byteLength >= warnAt) warnAt = warnOfMemory(memory.buffer.byteLength, warnAt);
    return roundtripOnce(frame);
  };
  /** @type {number[]} handles whose proxies MicroPython collected */
  const dropped = [];
  const tokens = new FinalizationRegistry((/** @type {number} */ id) => dropped.push(id));
  let heap = memory ? new Uint8Array(memory.buffer) : new Uint8Array(0);
  /** MicroPython's memory as bytes (a new view once it grew: the old one is then empty) */
  const bytes = () => (heap.length === 0 && memory ? (heap = new Uint8Array(memory.buffer)) : heap);
  let [pinnedAt, pinnedBytes] = [0, 0];
  /** @type {Uint8Array | null} a reply too large for the pinned bytearray, till Python takes it */
  let held = null;
  /**
   * Where roundtripAt leaves a reply (see there).
   * @param {Uint8Array | string} reply @returns {number | string}
   */
  const keep = (reply) => {
    if (typeof reply === "string") return `!${reply}`;
    if (reply.length <= pinnedBytes) {
      bytes().set(reply, pinnedAt);
      return reply.length;
    }
    held = reply; // (it may be a view into the shared buffer: takeReply comes first)
    return -reply.length;
  };
  /**
   * A request coded here (encodeScalarRequest) with the collected drops, and its reply decoded
   * by `decode` (see `request`).
   * @param {number} op @param {number} target @param {any} subject @param {any[]} args
   * @param {(reply: Uint8Array) => any} decode
   */
  const send = (op, target, subject, args, decode) => {
    const drops = dropped.length ? dropped.splice(0).flatMap((id) => [id, 1]) : NO_DROPS;
    const frame = encodeScalarRequest(op, target, subject, args, drops);
    const reply = roundtrip(frame);
    stub.requests++;
    stub.sent += frame.length;
    if (typeof reply === "string") {
      // nothing ran: the drops go out with the next request (as the channel's own)
      if (reply === Failure.UNCLAIMED || reply === Failure.WITHDRAWN) {
        for (let i = 0; i < drops.length; i += 2) dropped.push(drops[i]);
      }
      stub.outcome = `!${reply}`;
      return undefined;
    }
    stub.received += reply.length;
    const value = decode(reply);
    if (value !== NOT_SCALAR) return value;
    stub.outcome = keep(reply);
    return undefined;
  };
  const stub = {
    timeoutMs,
    pause,
    /** whether frames may cross by address (roundtripAt), else as hex (roundtripHex) */
    inPlace: memory !== null,
    /**
     * The bytearray replies are written into: its address in MicroPython's memory and its size.
     * Python keeps it alive, and MicroPython's collector never moves an object.
     * @param {number} at @param {number} size
     */
    pin(at, size) {
      [pinnedAt, pinnedBytes] = [at, size];
    },
    /**
     * One round trip of the `n` bytes at address `at` (a Python bytearray or bytes object, alive
     * on Python's stack while this runs). Returns the reply's length once it is in the pinned
     * bytearray; minus its length if it is larger (Python then gives a bytearray of that size to
     * takeReply); or "!" and a Failure code.
     * @param {number} at @param {number} n @returns {number | string}
     */
    roundtripAt(at, n) {
      return keep(roundtrip(bytes().subarray(at, at + n)));
    },
    /**
     * One request of scalars, `[op, target, subject, [a0, a1, a2][:count & 3]]` plus the
     * collected drops, coded here (scalar-frames.js); with `count & 4`, `subject` is the handle
     * id of a page object (a method call's `this`), sent as its REMOTE reference, and so is
     * argument i where bit 3 + i of `count` is set; argument i where bit 6 + i is set is bytes,
     * given before by `blob`, sent as bin. Returns the
     * reply's value when MicroPython's FFI gives it exactly; else undefined, with the reply in
     * the pinned bytearray and `outcome` set as roundtripAt returns (a length, minus a length,
     * or "!" and a Failure code). Python (_micro.py `StubTransport.request_scalars`) checks
     * that the values are scalars its FFI gives exactly (small ints, floats, strings, bools,
     * None). Needs `inPlace`.
     * @param {number} op @param {number} target @param {any} subject @param {number} count
     * @param {any} [a0] @param {any} [a1] @param {any} [a2]
     */
    request(op, target, subject, count, a0, a1, a2) {
      const n = count & 3;
      const handles = (count >> 3) & 7;
      const blobs = count >> 6;
      const args = n === 0 ? NO_ARGS : [a0, a1, a2].slice(0, n);
      for (let i = 0; handles && i < n; i++) if ((handles >> i) & 1) args[i] = new RemoteRef(args[i]);
      for (let i = 0, next = 0; blobs && i < n; i++) {
        if (!((blobs >> i) & 1)) continue;
        const at = pendingBlobs[next++];
        args[i] = bytes().subarray(at, at + pendingBlobs[next++]);
      }
      pendingBlobs.length = 0;
      return send(op, target, count & 4 ? new RemoteRef(subject) : subject, args, decodeScalarReply);
    },
    /**
     * The bytes argument of the next `request` (in order, one call each): `n` bytes at address
     * `at` in MicroPython's memory (a bytes or bytearray alive in the caller), read as the
     * request is coded, before MicroPython runs again.
     * @param {number} at @param {number} n
     */
    blob(at, n) {
      pendingBlobs.push(at, n);
    },
    /**
     * One request `[op, target, null, lists]` whose arguments are lists of strings and small ints
     * (gather's key lists), given as their JSON text (`keysJson`: MicroPython's json.dumps, C, is
     * quicker than handing lists over its FFI), coded here. Returns the reply's JSON text when
     * it is a list of values decodeScalarListReply takes (Python's json.loads reads it back),
     * else undefined as `request` does.
     * @param {number} op @param {number} target @param {string} keysJson
     */
    requestKeys(op, target, keysJson) {
      return send(op, target, null, JSON.parse(keysJson), decodeScalarListReply);
    },
    /** requests coded here (`request`, `requestKeys`), their bytes and their replies' (the channel's statistics) */
    requests: 0,
    sent: 0,
    received: 0,
    /** how the last `request` that returned undefined ended (see there) */
    outcome: /** @type {number | string} */ (0),
    /** Copy the reply roundtripAt held to address `at` (a bytearray of its size). */
    takeReply(/** @type {number} */ at) {
      if (held !== null) bytes().set(held, at);
      held = null;
    },
    /** @param {string} hex */
    roundtripHex(hex) {
      const reply = roundtrip(fromHex(hex));
      return typeof reply === "string" ? `!${reply}` : toHex(reply);
    },
    /** @param {number} call @param {string | null} frame @param {string | null} error */
    settle(call, frame, error) {
      settle(call, frame == null ? null : fromHex(frame), error);
    },
    /** A token for one lend of `id`: when MicroPython frees it, the lend is returned. */
    releaseToken(/** @type {number} */ id) {
      const token = {};
      tokens.register(token, id);
      return token;
    },
    /** The collected lends since the last call, as "id,id,..." (numbers never cross as such). */
    takeDrops() {
      return dropped.length ? dropped.splice(0).join(",") : "";
    },
  };
  return stub;
}

/**
 * Say (once per doubling) that MicroPython's memory grew to `bytes`, and why it may; returns
 * the memory at which to say it again.
 * @param {number} bytes @param {number} at
 */
function warnOfMemory(bytes, at) {
  console.warn(
    `pyscript-ffi: this MicroPython worker's memory has grown to ${Math.round(bytes / 2 ** 20)} MB. ` +
      "MicroPython's WebAssembly build frees memory only when Python returns to JavaScript or awaits: " +
      "a long loop that does neither keeps every object it made (and the page every page object it " +
      "read) until the loop ends, and at 2 GB the worker stops. In such a loop, " +
      "`await asyncio.sleep(0)` now and then lets MicroPython free what is no longer used.",
  );
  while (at <= bytes) at *= 2;
  return at;
}
