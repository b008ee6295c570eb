// pyscript_ffi on MicroPython (npm @micropython/micropython-webassembly-pyscript) against the
// page's real dispatcher (js_glue/channel.js) and the JS fixtures, in one Node thread: the
// stub hands each frame straight to Channel.handle, so this proves the Python side (proxies,
// minipack, the codec, the API) on MicroPython without a browser. tests/scenarios/
// conformance.py runs here; MICROPYTHON_DIFFERENCES names the scenarios that cannot pass on
// MicroPython, each with its reason (tests/scenarios/micropython_differences.json, also read by
// the browser test), and they must fail.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";
import { Channel } from "../../js_glue/channel.js";
import { direct } from "../../js_glue/values.js";
import { microStub, withMemory } from "../../js_glue/micro.js";
import { makeFixtures } from "../browser/pages/fixtures.mjs";

const root = new URL("../../", import.meta.url);
const SCENARIOS = readFileSync(new URL("tests/scenarios/conformance.py", root), "utf8");

const MICROPYTHON_DIFFERENCES = JSON.parse(
  readFileSync(new URL("tests/scenarios/micropython_differences.json", root), "utf8"),
);

/** A MicroPython with pyscript-ffi's packages (and its shims) on its path, and its memory. */
async function bootWithMemory() {
  const { made: mp, memory } = await withMemory(() => loadMicroPython({ stdout: () => {}, stderr: (line) => console.error(line) }));
  const copy = (from, to) => {
    mp.FS.mkdirTree(to);
    for (const name of readdirSync(new URL(from, root))) {
      if (name.endsWith(".py")) mp.FS.writeFile(`${to}/${name}`, readFileSync(new URL(`${from}/${name}`, root)));
    }
  };
  copy("pyscript_ffi/_micropython_lib", "/lib");
  for (const pkg of ["broker", "pyscript_ffi", "pyscript"]) copy(pkg, `/lib/${pkg}`);
  return { mp, memory };
}

async function boot() {
  return (await bootWithMemory()).mp;
}

/** The worker's pause (stub.js Caller.pause): Node's main thread may block in Atomics.wait. */
const pause = (/** @type {number} */ ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

// frames by address in MicroPython's memory (as a PyWorker's stub has them), and as hex (as
// under PyScript's own MicroPython, whose memory the stub does not have)
for (const inPlace of [true, false]) test(`the conformance scenarios on MicroPython, frames ${inPlace ? "in place" : "as hex"}`, async () => {
  const { mp, memory } = await bootWithMemory();
  assert.ok(memory instanceof WebAssembly.Memory, "withMemory caught MicroPython's memory");
  globalThis.fixtures = makeFixtures(direct);
  const channel = new Channel(new SharedArrayBuffer(1 << 16), { post: () => {}, timeoutMs: 5000, maxFrameBytes: 1 << 28 });
  let trips = 0;
  const roundtrip = (/** @type {Uint8Array} */ frame) => {
    trips++;
    return channel.handle(frame);
  };
  mp.registerJsModule("_pyscript_ffi_stub", microStub({
    timeoutMs: 5000, roundtrip, pause, settle: () => {}, memory: inPlace ? memory : null,
  }));
  mp.runPython(`
import _pyscript_ffi_stub as stub
import pyscript_ffi._micro as _micro
app = _micro.start_worker(stub)
assert app.channel._transport._in_place is ${inPlace ? "True" : "False"}
`);
  mp.globals.set("SOURCE", SCENARIOS);
  mp.runPython(`
exports = app.run(SOURCE, "conformance.py")
def run(name):
    try:
        app.calls.exports["run_scenario"](name)
        return "ok"
    except BaseException as exc:
        from broker.interpreter import format_exception
        return format_exception(exc)
`);
  const run = mp.globals.get("run");
  // These block until a Promise settles, which needs the page's event loop to run meanwhile:
  // here it shares the one thread with MicroPython, so they run in Chromium only
  // (tests/browser/test_conformance.py), as do the async scenarios.
  const needPageLoop = ["scenario_run_sync_waits_for_the_value", "scenario_run_sync_rejection_is_js_exception"];
  const names = [...SCENARIOS.matchAll(/^def (scenario_\w+)/gm)].map((m) => m[1]).filter((n) => !needPageLoop.includes(n));
  assert.equal(names.length + needPageLoop.length, [...SCENARIOS.matchAll(/^def (scenario_\w+)/gm)].length);
  assert.ok(names.length > 20);
  const failures = [];
  for (const name of names) {
    const outcome = run(name);
    if (name in MICROPYTHON_DIFFERENCES) {
      assert.notEqual(outcome, "ok", `${name} passes on MicroPython now: take it off the list`);
    } else if (outcome !== "ok") {
      failures.push(`${name}:\n${outcome}`);
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(trips > 100, `${trips} round trips`);
});

test("MicroPython proxies are released when collected", async () => {
  assert.equal(typeof globalThis.gc, "function", "run node with --expose-gc");
  const mp = await boot();
  globalThis.fixtures = makeFixtures(direct);
  const channel = new Channel(new SharedArrayBuffer(1 << 16), { post: () => {}, timeoutMs: 5000, maxFrameBytes: 1 << 20 });
  const roundtrip = (/** @type {Uint8Array} */ frame) => channel.handle(frame);
  mp.registerJsModule("_pyscript_ffi_stub", microStub({ timeoutMs: 5000, roundtrip, pause, settle: () => {} }));
  mp.runPython(`
import gc
import _pyscript_ffi_stub as stub
import pyscript_ffi._micro as _micro
app = _micro.start_worker(stub)
from pyscript_ffi import js
def make(n):
    for i in range(n):
        js.fixtures.Point.new(i, i).norm1()
    gc.collect()
make(500)
`);
  const made = channel.statistics().handlesIssued;
  assert.ok(made >= 500, `${made} handles issued`);
  for (let i = 0; i < 5; i++) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  mp.runPython("app.channel.flush()");
  // MicroPython's collector is conservative: a stale pointer may keep a proxy or two alive
  assert.ok(channel.statistics().liveHandles <= 5, `${channel.statistics().liveHandles} live`);
});
