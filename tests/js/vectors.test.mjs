// The JS codec against the golden frames in tests/vectors/values.json (node --test).
// Encoding takes the value through the same wire shaping the broker uses (`wireNumber`,
// RemoteRef, CallbackRef, ErrorRecord); decoding compares with the value JS should see.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { CallbackRef, ErrorRecord, RemoteRef, decode, encode, wireNumber } from "../../js_glue/wire.js";
import * as protocol from "../../js_glue/protocol.js";

const vectors = JSON.parse(readFileSync(new URL("../vectors/values.json", import.meta.url), "utf8"));
const hex = (bytes) => Buffer.from(bytes).toString("hex");
const resolve = { remote: (id, flags) => ({ remote: [id, flags] }), callback: (id) => ({ callback: id }) };

/** The value JavaScript holds for a tagged vector value. */
function jsValue(tagged) {
  const [[tag, v]] = Object.entries(tagged);
  switch (tag) {
    case "nil": return null;
    case "undefined": return undefined;
    case "bool": case "str": return v;
    case "int": { const n = BigInt(v); return n >= -(2n ** 53n) && n <= 2n ** 53n ? Number(n) : n; }
    case "float": return v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : Number(v);
    case "bytes": return Uint8Array.from(Buffer.from(v, "hex"));
    case "list": return v.map(jsValue);
    case "map": return Object.fromEntries(v.map(([k, x]) => [k, jsValue(x)]));
    case "remote": return { remote: v };
    case "callback": return { callback: v };
    case "error": return new ErrorRecord(...v);
    default: throw new Error(tag);
  }
}

/** The same value shaped for the encoder, as the broker shapes what it sends. */
function wireValue(tagged) {
  const [[tag, v]] = Object.entries(tagged);
  switch (tag) {
    case "int": case "float": { const x = jsValue(tagged); return wireNumber(x); }
    case "list": return v.map(wireValue);
    case "map": return Object.fromEntries(v.map(([k, x]) => [k, wireValue(x)]));
    case "remote": return new RemoteRef(v[0], v[1]);
    case "callback": return new CallbackRef(v);
    default: return jsValue(tagged);
  }
}

for (const vector of vectors) {
  test(`decode ${vector.name}`, () => {
    const decoded = decode(Uint8Array.from(Buffer.from(vector.hex, "hex")), resolve);
    assert.deepEqual(decoded, jsValue(vector.value));
    if (vector.value.float === "-0.0") assert.ok(Object.is(decoded, -0));
  });
  if (vector.js_encode !== false) {
    test(`encode ${vector.name}`, () => {
      assert.equal(hex(encode(wireValue(vector.value))), vector.hex);
    });
  }
}

test("unknown ext codes are refused, not turned into objects", () => {
  for (const code of ["d46500", "d47300", "d4ff00", "d47700"]) {
    assert.throws(() => decode(Uint8Array.from(Buffer.from(code, "hex")), resolve), { name: "ProtocolError" });
  }
});

test("truncated frames are protocol errors", () => {
  assert.throws(() => decode(Uint8Array.from([0x92, 0x01]), resolve), { name: "ProtocolError" });
});

test("protocol vocabulary is printed for the parity test", () => {
  // consumed by tests/unit/test_protocol_parity.py through `node --input-type=module`
  assert.equal(typeof protocol.PROTOCOL_VERSION, "number");
});
