// The zip reader a Pyodide boot installs msgpack's wheel and python.zip with (js_glue/unzip.js):
// stored and deflated entries read back byte for byte, folders skipped, and an archive it cannot
// read (not a zip, a path out of its folder, another compression) refused with its name.
import { test } from "node:test";
import assert from "node:assert/strict";
import { deflateRawSync } from "node:zlib";
import { canUnzip, unzip, writeFiles } from "../../js_glue/unzip.js";

/** A zip of `entries` ([path, bytes, method]), as zipfile writes one (no CRC check is made). */
function zip(entries) {
  const parts = [];
  const central = [];
  let offset = 0;
  for (const [path, bytes, method = 8] of entries) {
    const name = Buffer.from(path);
    const data = method === 8 ? deflateRawSync(bytes) : Buffer.from(bytes);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(bytes.length, 22);
    local.writeUInt16LE(name.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(method, 10);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(bytes.length, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    parts.push(local, name, data);
    central.push(entry, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  const all = Buffer.concat([...parts, directory, end]);
  return all.buffer.slice(all.byteOffset, all.byteOffset + all.length);
}

test("stored and deflated files read back byte for byte; folders are skipped", async () => {
  assert.ok(canUnzip());
  const text = Buffer.from("print('hello')\n".repeat(200));
  const binary = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256));
  const files = await unzip(zip([["pkg/", Buffer.alloc(0), 0], ["pkg/__init__.py", text], ["pkg/_c.so", binary, 0]]), "test.zip");
  assert.deepEqual(files.map((f) => f.path), ["pkg/__init__.py", "pkg/_c.so"]);
  assert.deepEqual(Buffer.from(files[0].bytes), text);
  assert.deepEqual(Buffer.from(files[1].bytes), binary);
});

test("an archive it cannot read is refused, naming it and why", async () => {
  await assert.rejects(unzip(new ArrayBuffer(100), "junk.zip"), /junk\.zip is not a zip archive .*no end of central directory/);
  await assert.rejects(unzip(zip([["../evil.py", Buffer.from("x")]]), "a.whl"), /a\.whl .*\.\.\/evil\.py points outside/);
  await assert.rejects(unzip(zip([["/etc/x", Buffer.from("x")]]), "a.whl"), /\/etc\/x points outside/);
  await assert.rejects(unzip(zip([["a.py", Buffer.from("x"), 12]]), "b.zip"), /a\.py is compressed with method 12/);
});

test("writeFiles makes each file's folders and writes it under the folder given", () => {
  const made = [];
  const written = new Map();
  const fs = { mkdirTree: (dir) => made.push(dir), writeFile: (file, bytes) => written.set(file, bytes) };
  const bytes = new Uint8Array([1, 2]);
  writeFiles(fs, "/lib/x", [{ path: "a/b/c.py", bytes }, { path: "top.py", bytes }]);
  assert.deepEqual(made, ["/lib/x/a/b", "/lib/x"]);
  assert.deepEqual([...written.keys()], ["/lib/x/a/b/c.py", "/lib/x/top.py"]);
});
