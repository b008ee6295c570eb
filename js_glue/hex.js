// @ts-check
// Frames as hex strings, for MicroPython workers: MicroPython hands Python bytes to JavaScript
// as a proxy read element by element, while bytes.hex() / bytes.fromhex() are C code there.
// Uses Uint8Array.fromHex / toHex where the engine has them (Chromium), else a loop.

const DIGITS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** @param {string} hex @returns {Uint8Array} */
export function fromHex(hex) {
  const native = /** @type {any} */ (Uint8Array).fromHex;
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
