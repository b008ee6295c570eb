// broker/minipack.py running under MicroPython (the npm WebAssembly build), against the golden
// frames: the bytes a MicroPython worker writes must be the bytes CPython's msgpack writes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";

const root = new URL("../../", import.meta.url);
const vectors = JSON.parse(readFileSync(new URL("tests/vectors/values.json", root), "utf8"));

// Builds a tagged vector value in Python, packs it, and checks decoding gives it back.
const CHECK = String.raw`
import json, struct, minipack

def build(tagged):
    [(tag, v)] = tagged.items()
    if tag in ("nil",): return None
    if tag in ("bool", "str"): return v
    if tag == "undefined": return minipack.ExtType(0, b"\x00")
    if tag == "int":
        n = int(v)
        if -(2**63) <= n < 2**64: return n
        bits = len(bin(n if n >= 0 else ~n)) - 2
        size = 8 * (bits // 64 + 1)
        return minipack.ExtType(0x42, (n % (1 << (8 * size))).to_bytes(size, "big"))
    if tag == "float": return float(v)
    if tag == "bytes": return bytes.fromhex(v)
    if tag == "list": return [build(x) for x in v]
    if tag == "map": return {k: build(x) for k, x in v}
    if tag == "remote": return minipack.ExtType(1, struct.pack(">IB", v[0], v[1]))
    if tag == "callback": return minipack.ExtType(2, struct.pack(">I", v))
    if tag == "error": return minipack.ExtType(3, minipack.Packer().pack(v))
    raise ValueError(tag)

def check(vector_json):
    vector = json.loads(vector_json)
    value = build(vector["value"])
    packed = minipack.Packer().pack(value).hex()
    back = minipack.unpackb(bytes.fromhex(vector["hex"]))
    return json.dumps([packed, repr(back) == repr(value) or (back != back)])
`;

test("minipack under MicroPython writes the golden bytes", async () => {
  const mp = await loadMicroPython({ stdout: () => {}, stderr: (line) => console.error(line) });
  mp.FS.mkdirTree("/lib");
  mp.FS.writeFile("/lib/minipack.py", readFileSync(new URL("broker/minipack.py", root)));
  mp.runPython(CHECK);
  const check = mp.globals.get("check");
  let checked = 0;
  for (const vector of vectors) {
    const [packed, decoded] = JSON.parse(check(JSON.stringify(vector)));
    assert.equal(packed, vector.hex, vector.name);
    assert.ok(decoded, `${vector.name}: decodes back to the same value`);
    checked++;
  }
  assert.equal(checked, vectors.length);
});
