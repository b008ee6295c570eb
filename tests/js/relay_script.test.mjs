// relayWorkerScript (js_glue/relay.js): relay workers that start at the same time each start
// from a URL of their own (in WebKitGTK, of workers started at once from one URL, some are not
// controlled by the service worker); one started alone takes worker.js's own URL, so the
// browser's cache serves it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { relayWorkerScript } from "../../js_glue/relay.js";

const script = new URL("https://example.test/_ffi/worker.js");

test("workers starting at once get copies of the URL none of the others has", () => {
  const starts = [1, 2, 3, 4].map(() => relayWorkerScript(script));
  assert.deepEqual(starts.map((s) => s.url.href), [
    "https://example.test/_ffi/worker.js",
    "https://example.test/_ffi/worker.js?copy=1",
    "https://example.test/_ffi/worker.js?copy=2",
    "https://example.test/_ffi/worker.js?copy=3",
  ]);
  for (const s of starts) s.started();
  const alone = relayWorkerScript(script);
  assert.equal(alone.url.href, script.href, "all started: the script's own URL again");
  alone.started();
});

test("a copy is free again once its worker said hello, and only its own", () => {
  const first = relayWorkerScript(script);
  const second = relayWorkerScript(script);
  second.started();
  const third = relayWorkerScript(script); // takes copy 1, which the second freed
  assert.equal(third.url.searchParams.get("copy"), "1");
  second.started(); // the second worker closes after its hello: third's copy stays taken
  const fourth = relayWorkerScript(script);
  assert.equal(fourth.url.searchParams.get("copy"), "2");
  assert.equal(first.url.search, "");
  for (const s of [first, third, fourth]) s.started();
});
