// MicroPython's requests of scalars, coded in JavaScript (js_glue/scalar-frames.js, micro.js
// `request`): the same values as Python's own coding (broker/minipack.py and broker/wire.py),
// checked by running each read, write and call both ways on a real MicroPython against the
// page's real dispatcher (js_glue/channel.js), in one Node thread.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";
import { Channel } from "../../js_glue/channel.js";
import { microStub, withMemory } from "../../js_glue/micro.js";
import { NOT_SCALAR, RemoteRef, decodeScalarListReply, decodeScalarReply, encodeScalarRequest } from "../../js_glue/scalar-frames.js";

const root = new URL("../../", import.meta.url);
const pause = (/** @type {number} */ ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * A MicroPython worker on a stub with its memory (frames in place), its page's Channel.
 * `heapWarnAbove`: bytes past MicroPython's memory at its start at which the stub warns.
 */
async function worker({ heapWarnAbove = /** @type {number | undefined} */ (undefined) } = {}) {
  const { made: mp, memory } = await withMemory(() => loadMicroPython({ stdout: () => {}, stderr: (line) => console.error(line) }));
  assert.ok(memory, "withMemory caught MicroPython's memory");
  const heapWarnBytes = heapWarnAbove === undefined ? undefined : memory.buffer.byteLength + heapWarnAbove;
  const copy = (/** @type {string} */ from, /** @type {string} */ to) => {
    mp.FS.mkdirTree(to);
    for (const name of readdirSync(new URL(from, root))) {
      if (name.endsWith(".py")) mp.FS.writeFile(`${to}/${name}`, readFileSync(new URL(`${from}/${name}`, root)));
    }
  };
  copy("pyscript_ffi/_micropython_lib", "/lib");
  for (const pkg of ["broker", "pyscript_ffi"]) copy(pkg, `/lib/${pkg}`);
  const channel = new Channel(new SharedArrayBuffer(1 << 16), { post: () => {}, timeoutMs: 5000, maxFrameBytes: 1 << 24 });
  const stub = microStub({ timeoutMs: 5000, roundtrip: (frame) => channel.handle(frame), pause, settle: () => {}, memory, heapWarnBytes });
  mp.registerJsModule("_pyscript_ffi_stub", stub);
  mp.runPython(`
import _pyscript_ffi_stub as stub
import pyscript_ffi._micro as _micro
app = _micro.start_worker(stub)
from pyscript_ffi import js

def both_ways(show, coder):
    """show() with the stub coding, then with the channel's \`coder\` off (Python's minipack
    codes it instead); and how many requests the stub coded"""
    channel = app.channel
    before = stub.requests
    fast = show()
    coded = stub.requests - before
    kept = getattr(channel, coder)
    setattr(channel, coder, None)
    try:
        slow = show()
    finally:
        setattr(channel, coder, kept)
    return fast, slow, coded
`);
  return { mp, stub, channel, memory };
}

// every kind of reply: scalars the stub gives, and the rest (Python decodes them)
const CASES = {
  small: 7, negative: -5, int8: -100, uint16: 60000, int32: -(2 ** 31), uint31: 2 ** 31 - 1,
  uint32: 2 ** 31, big: 2 ** 40, half: 1.5, negativeZero: -0, nan: NaN, infinity: -Infinity,
  integralFloat: 3, empty: "", ascii: "document title", unicode: "héllo ✓ 𝄞",
  long: "x".repeat(70000), longUnicode: "é".repeat(40), lone: "a\ud800b", nul: null,
  undef: undefined, yes: true, no: false, object: { a: 1 }, array: [1, "two"],
  bytes: new Uint8Array([1, 2]), func: () => 1, bigint: 10n ** 30n,
};

test("a MicroPython worker reads, writes and calls the same through the stub's coding as through Python's", async () => {
  const { mp, stub } = await worker();
  globalThis.scalarCases = {
    ...CASES,
    describe(/** @type {any[]} */ ...args) {
      return `${this === globalThis.scalarCases}:${new globalThis.Described(...args).text}`;
    },
  };
  // what the page received: the constructor's arguments, each as its type and value
  globalThis.Described = class {
    constructor(/** @type {any[]} */ ...args) {
      this.text = args.map((a) => `${typeof a}:${Object.is(a, -0) ? "-0" : String(a)}`).join("|");
    }
  };
  mp.runPython(`
def shown(read):
    try:
        value = read()
    except Exception as exc:
        return "raised " + type(exc).__name__
    kind = type(value).__name__
    return kind + ":" + (repr(value) if kind in ("int", "float", "str", "bool", "NoneType") else "")

def both(read):
    return both_ways(lambda: shown(read), "_request_scalars")

cases = js.scalarCases
results = {}
for name in ${JSON.stringify(Object.keys(CASES))}:
    results[name] = both(lambda: getattr(cases, name))
# writes and calls with scalar arguments: what the page received
sent = (7, -5, 2 ** 30 - 1, -(2 ** 30), 1.5, 3.0, -0.0, float("inf"), "", "héllo ✓ 𝄞", "x" * 300,
        None, True, False)
for value in sent:
    results["set " + repr(value)] = both(lambda: (setattr(cases, "written", value), cases.written)[1])
    results["new " + repr(value)] = both(lambda: js.Described.new(value, value, value).text)
results["new, no arguments"] = both(lambda: js.Described.new().text)
results["new, 4 arguments (Python codes the new)"] = both(lambda: js.Described.new(1, 2, 3, 4).text)
results["new, an int over 31 bits (Python codes the new)"] = both(lambda: js.Described.new(2 ** 40).text)
results["missing attribute"] = both(lambda: cases.absent_key)
# method calls: the \`this\` is a page object, its handle coded by the stub
for value in sent:
    results["method " + repr(value)] = both(lambda: cases.describe(value, value, value))
results["method, 4 arguments (Python codes the call)"] = both(lambda: cases.describe(1, 2, 3, 4))
# page objects as arguments: their handles coded by the stub, in any place, beside scalars
results["method, a page object argument"] = both(lambda: cases.describe(cases))
D = js.Described
results["method, page objects around a scalar"] = both(lambda: cases.describe(cases, 7, D))
results["method, a page object last"] = both(lambda: cases.describe("a", None, cases))
results["new, page object arguments"] = both(lambda: js.Described.new(D, "x", cases).text)
results["set a page object"] = both(lambda: (setattr(cases, "written", D), cases.written)[1])
results["method, a function argument (Python codes the call)"] = both(lambda: cases.describe(shown))
results["method, a page object and 3 more (Python codes the call)"] = both(lambda: cases.describe(cases, 1, 2, 3))
# bytes arguments: read by the stub where they lie in MicroPython's memory (bin 8, 16, 32)
for label, value in (("empty", b""), ("3", b"abc"), ("bytearray", bytearray(b"xyz")),
                     ("300", bytes(range(256)) + bytes(44)), ("70000", bytes(range(250)) * 280)):
    results["bytes new " + label] = both(lambda: js.Described.new(value).text)
results["method, bytes beside a page object"] = both(lambda: cases.describe(cases, b"ab", 7))
before = stub.requests
cases.bytesWritten = b"\\x00\\xff"
results["bytes written: requests the stub coded"] = stub.requests - before
results["method, a memoryview (Python codes the call)"] = both(lambda: cases.describe(memoryview(b"mv")))
import json
results = json.dumps(results)
`);
  const results = JSON.parse(mp.globals.get("results"));
  assert.equal(results["bytes written: requests the stub coded"], 1);
  delete results["bytes written: requests the stub coded"];
  assert.deepEqual(Array.from(globalThis.scalarCases.bytesWritten), [0, 255]);
  assert.ok(globalThis.scalarCases.bytesWritten instanceof Uint8Array);
  for (const [name, [fast, slow, coded]] of Object.entries(results)) {
    assert.equal(fast, slow, `${name}: the stub's coding gave ${fast}, Python's ${slow}`);
    // requests the stub coded: a read; a write and its read back; the read of the class, the
    // new (when its arguments are scalars, at most three) and the read of its text
    // (a method call whose call Python codes: only its read)
    const expected = name in CASES || name === "missing attribute" ? 1
      : name.endsWith("(Python codes the call)") ? 1
      : name.startsWith("set ") || name.startsWith("method") ? 2
      : name.includes("Python codes") ? 2 : 3;
    assert.equal(coded, expected, `${name}: ${coded} requests coded by the stub`);
  }
  assert.equal(results.uint31[0], "int:2147483647");
  assert.equal(results.uint32[0], "int:2147483648");
  assert.equal(results.half[0], "float:1.5");
  assert.equal(results.unicode[0], "str:'h\\xe9llo \\u2713 \\U0001d11e'"); // (MicroPython's repr)
  assert.equal(results.undef[0], "NoneType:None");
  assert.equal(results["missing attribute"][0], "raised AttributeError");
  assert.equal(results["new 3.0"][0], "str:'number:3|number:3|number:3'");
  assert.equal(results["new -0.0"][0], "str:'number:-0|number:-0|number:-0'");
  assert.equal(results["method 7"][0], "str:'true:number:7|number:7|number:7'");
  assert.ok(results["method, page objects around a scalar"][0].startsWith(
    "str:'true:object:[object Object]|number:7|function:class {"), results["method, page objects around a scalar"][0]);
  assert.equal(results["set a page object"][0], "JsProxy:");
  assert.equal(globalThis.scalarCases.written, globalThis.Described, "the handle sent was Described's");
  assert.equal(results["bytes new 3"][0], "str:'object:97,98,99'");
  assert.equal(results["bytes new empty"][0], "str:'object:'");
  assert.equal(results["method, bytes beside a page object"][0], "str:'true:object:[object Object]|object:97,98|number:7'");
  assert.ok(results["bytes new 70000"][0].startsWith("str:'object:0,1,2,"), results["bytes new 70000"][0].slice(0, 40));
});

test("the drops of collected proxies ride on requests the stub codes", async () => {
  assert.equal(typeof globalThis.gc, "function", "run node with --expose-gc");
  const { mp, channel } = await worker();
  globalThis.points = { make: (/** @type {number} */ i) => ({ i }) };
  mp.runPython(`
import gc
def make(n):
    for i in range(n):
        js.points.make(i).i
    gc.collect()
make(300)
`);
  assert.ok(channel.statistics().handlesIssued >= 300, `${channel.statistics().handlesIssued} handles issued`);
  for (let i = 0; i < 5; i++) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  mp.runPython("js.points.make");  // a read of scalars: the stub codes it, with the drops
  // MicroPython's collector is conservative: a stale pointer may keep a proxy or two alive
  assert.ok(channel.statistics().liveHandles <= 5, `${channel.statistics().liveHandles} live`);
});

test("encodeScalarRequest writes msgpack-python's bytes", () => {
  const hex = (/** @type {Uint8Array} */ bytes) => Buffer.from(bytes).toString("hex");
  // [1, 0, "title", []]
  assert.equal(hex(encodeScalarRequest(1, 0, "title", [], [])), "940100a57469746c6590");
  // [2, 300, "x", [-1, null, true, 1.5]] + drops [7, 1]
  assert.equal(hex(encodeScalarRequest(2, 300, "x", [-1, null, true, 1.5], [7, 1])),
    "9502cd012ca17894ffc0c3cb3ff8000000000000920701");
  // a 40-byte string takes str8; 70,000 bytes str32; -200 int16; 2**32-1 uint32
  assert.equal(hex(encodeScalarRequest(5, 1, null, ["é".repeat(20)], [])).slice(0, 14), "940501c091d928");
  assert.equal(hex(encodeScalarRequest(5, 1, null, ["x".repeat(70000)], [])).slice(0, 20), "940501c091db00011170");
  assert.equal(hex(encodeScalarRequest(5, 1, -200, [2 ** 32 - 1], [])), "940501d1ff3891ceffffffff");
  // [5, 9, ExtType(REMOTE, >I 300, B 0), ["div"]]: a method call with `this`
  assert.equal(hex(encodeScalarRequest(5, 9, new RemoteRef(300), ["div"], [])), "940509c705010000012c0091a3646976");
  // [5, 9, REMOTE 300, [REMOTE 7, 1, REMOTE 70000]]: page objects as arguments (as wire.py's remote_ext)
  assert.equal(hex(encodeScalarRequest(5, 9, new RemoteRef(300), [new RemoteRef(7), 1, new RemoteRef(70000)], [])),
    "940509c705010000012c0093c70501000000070001c705010001117000");
  // bytes as bin 8, 16 and 32, as msgpack-python packs them
  assert.equal(hex(encodeScalarRequest(5, 1, null, [new Uint8Array([1, 2, 3]), new Uint8Array(0)], [])), "940501c092c403010203c400");
  assert.equal(hex(encodeScalarRequest(5, 1, null, [new Uint8Array(300)], [])).slice(0, 20), "940501c091c5012c0000");
  assert.equal(hex(encodeScalarRequest(5, 1, null, [new Uint8Array(70000)], [])).slice(0, 24), "940501c091c6000111700000");
  // [17, 1, None, [["title"], ["body", "children", 0], [300]]]: a gather's key lists
  assert.equal(hex(encodeScalarRequest(17, 1, null, [["title"], ["body", "children", 0], [300]], [])),
    "941101c09391a57469746c6593a4626f6479a86368696c6472656e0091cd012c");
  // sixteen lists take array16
  assert.equal(hex(encodeScalarRequest(17, 1, null, Array.from({ length: 16 }, (_, i) => [`k${i}`]), [])).slice(0, 20),
    "941101c0dc001091a26b");
});

test("decodeScalarListReply gives JSON text only for lists json.loads reads back exactly", () => {
  const reply = (/** @type {string} */ hex) => new Uint8Array(Buffer.from(hex, "hex"));
  // [0, ['a"b', None, True, -1, 2**31 - 1, "é"]], as msgpack-python packs it
  assert.equal(decodeScalarListReply(reply("920096a3612262c0c3ffce7fffffffa2c3a9")), '["a\\"b",null,true,-1,2147483647,"é"]');
  assert.equal(decodeScalarListReply(reply("920090")), "[]");
  assert.equal(decodeScalarListReply(reply("9200dc000201a161")), '[1,"a"]'); // array16
  assert.equal(decodeScalarListReply(reply("920092d4000001")), "[null,1]"); // UNDEFINED ext: None
  assert.equal(decodeScalarListReply(reply("920091cb3ff8000000000000")), NOT_SCALAR); // 1.5: a float
  assert.equal(decodeScalarListReply(reply("920091ce80000000")), NOT_SCALAR); // 2**31
  assert.equal(decodeScalarListReply(reply("92009191a161")), NOT_SCALAR); // a list in the list
  assert.equal(decodeScalarListReply(reply("920091d60100000001")), NOT_SCALAR); // a REMOTE handle
  assert.equal(decodeScalarListReply(reply("920092a161")), NOT_SCALAR); // one item short
  assert.equal(decodeScalarListReply(reply("920091a161ff")), NOT_SCALAR); // a byte past the list
  assert.equal(decodeScalarListReply(reply("920091a3616263")), '["abc"]');
  assert.equal(decodeScalarListReply(reply("920091a4616263")), NOT_SCALAR); // a string cut short
  assert.equal(decodeScalarListReply(reply("92009ca161")), NOT_SCALAR); // 12 items in 2 bytes
  assert.equal(decodeScalarListReply(reply("9201c0")), NOT_SCALAR); // an error status
  assert.equal(decodeScalarListReply(reply("9200a3616263")), NOT_SCALAR); // not a list
});

test("a MicroPython worker's gather gives the same through the stub's coding as through Python's", async () => {
  const { mp, stub } = await worker();
  globalThis.gatherCases = {
    ...CASES,
    quoted: 'say "hi" \\ \n\t\u0001\u0000 end', separators: "a\u2028b\u2029c", nested: { list: [1, "two", { deep: "x" }] },
    'é ✓ "q" 𝄞': "unicode key", 99999999999: "an index over 32 bits",
  };
  mp.runPython(`
from pyscript_ffi import gather

cases = js.gatherCases

def gathered(paths):
    try:
        values = gather(cases, *paths)
    except Exception as exc:
        return "raised " + type(exc).__name__ + ": " + str(exc)
    return repr([(type(v).__name__, v if type(v).__name__ in ("int", "float", "str", "bool", "NoneType") else None)
                 for v in values]) + " " + type(values).__name__

def both(paths):
    return both_ways(lambda: gathered(paths), "_request_keys")

names = ${JSON.stringify([...Object.keys(CASES), "quoted", "separators"])}
results = {name: both((name,)) for name in names}
results["all at once"] = both(names)
results["scalars at once"] = both(("small", "ascii", "nul", "yes", "unicode", "quoted", "separators", "undef"))
results["paths"] = both(("nested.list[1]", "nested.list.length", "nested.list[2].deep", "array[0]"))
results["keys JSON must escape"] = both(("['" + 'é ✓ "q" 𝄞' + "']", "[99999999999]"))
results["none"] = both(())
results["missing"] = both(("ascii", "absent.key"))
results["a proxy among scalars"] = both(("ascii", "object"))
import json
results = json.dumps(results)
`);
  const results = JSON.parse(mp.globals.get("results"));
  for (const [name, [fast, slow, coded]] of Object.entries(results)) {
    assert.equal(fast, slow, `${name}: the stub's coding gave ${fast}, Python's ${slow}`);
    assert.equal(coded, 1, `${name}: ${coded} requests coded by the stub`);
  }
  assert.equal(results.quoted[0], `[('str', 'say "hi" \\\\ \\n\\t\\x01\\x00 end')] tuple`);
  assert.equal(results["scalars at once"][0].startsWith("[('int', 7), ('str', 'document title'), ('NoneType', None), ('bool', True)"), true, results["scalars at once"][0]);
  assert.equal(results.paths[0], "[('str', 'two'), ('int', 3), ('str', 'x'), ('int', 1)] tuple");
  assert.equal(results.none[0], "[] tuple");
  assert.equal(results["keys JSON must escape"][0], "[('str', 'unicode key'), ('str', 'an index over 32 bits')] tuple");
  assert.ok(results.missing[0].startsWith("raised AttributeError"), results.missing[0]);
});

test("decodeScalarReply leaves to Python what MicroPython's FFI would change", () => {
  const reply = (/** @type {string} */ hex) => new Uint8Array(Buffer.from(hex, "hex"));
  assert.equal(decodeScalarReply(reply("9200a3616263")), "abc");
  assert.equal(decodeScalarReply(reply("9200d2ffffff9c")), -100);
  assert.equal(decodeScalarReply(reply("9200d40000")), null); // UNDEFINED ext: None
  assert.equal(decodeScalarReply(reply("9200ce80000000")), NOT_SCALAR); // 2**31: over 32 bits signed
  assert.equal(decodeScalarReply(reply("9200cb4008000000000000")), NOT_SCALAR); // 3.0: would be an int
  assert.equal(decodeScalarReply(reply("9200a2c328")), NOT_SCALAR); // not UTF-8
  assert.equal(decodeScalarReply(reply("9200a3616263ff")), NOT_SCALAR); // a byte past the value
  assert.equal(decodeScalarReply(reply("9201c0")), NOT_SCALAR); // an error status
  assert.equal(decodeScalarReply(reply("9200d60100000001")), NOT_SCALAR); // a REMOTE handle
});

test("a MicroPython worker whose memory grows in a long call says why, once per doubling", async () => {
  const { mp, memory } = await worker({ heapWarnAbove: 64 * 2 ** 20 });
  const start = memory.buffer.byteLength;
  const warnings = /** @type {string[]} */ ([]);
  const warn = console.warn;
  console.warn = (/** @type {any} */ message) => warnings.push(String(message));
  try {
    globalThis.loopTarget = { x: 1 };
    // MicroPython frees nothing while one call runs: 1 MB dropped per turn piles up
    mp.runPython(`
for i in range(150):
    garbage = bytearray(1000000)
    js.loopTarget.x
`);
    const grown = memory.buffer.byteLength - start;
    assert.ok(grown > 100 * 2 ** 20, `the memory grew by ${grown} bytes`);
    // said as it passed the bound, then once for each doubling of the memory at most
    const sizes = warnings.map((text) => Number(/grown to (\d+) MB/.exec(text)?.[1]));
    assert.ok(sizes.length >= 1 && sizes.every((mb, i) => i === 0 || mb >= 2 * sizes[i - 1]), warnings.join("\n"));
    assert.ok(sizes[0] * 2 ** 20 >= start + 64 * 2 ** 20, `${sizes[0]} MB: not before the bound`);
    assert.match(warnings[0], /frees memory only when Python returns to JavaScript or awaits/);
    assert.match(warnings[0], /await asyncio\.sleep\(0\)/);
    const said = warnings.length;
    // the advice works: a loop that awaits now and then is freed as it goes
    const before = memory.buffer.byteLength;
    await mp.runPythonAsync(`
import asyncio
for i in range(150):
    garbage = bytearray(1000000)
    js.loopTarget.x
    if i % 10 == 0:
        await asyncio.sleep(0)
`);
    const more = memory.buffer.byteLength - before;
    assert.ok(more < 32 * 2 ** 20, `the memory grew by ${more} bytes more`);
    assert.equal(warnings.length, said, warnings.join("\n"));
  } finally {
    console.warn = warn;
  }
});
