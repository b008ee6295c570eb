// @ts-check
// The worker stub as MicroPython sees it (pyscript_ffi/_micro.py). MicroPython hands Python
// bytes to JavaScript as a proxy read element by element, while bytes.hex() / bytes.fromhex()
// are C code there: so frames cross its FFI as hex strings. And MicroPython runs no __del__ on
// Python objects, so each proxy holds a release token, a JS object MicroPython's own FFI frees
// when the proxy is collected: a FinalizationRegistry then queues the handle's release.

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
 * @param {object} options
 * @param {number} options.timeoutMs the worker's bound on one call
 * @param {(frame: Uint8Array) => Uint8Array | string} options.roundtrip one call (Caller.roundtrip)
 * @param {(ms: number) => void} options.pause block the worker for ms (Caller.pause)
 * @param {(call: number, frame: Uint8Array | null, error: string | null) => void} options.settle
 */
export function microStub({ timeoutMs, roundtrip, pause, settle }) {
  /** @type {number[]} handles whose proxies MicroPython collected */
  const dropped = [];
  const tokens = new FinalizationRegistry((/** @type {number} */ id) => dropped.push(id));
  return {
    timeoutMs,
    pause,
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
}
