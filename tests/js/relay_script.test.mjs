// controlledWorkerScript (js_glue/relay.js): relay workers that start at the same time each start
// from a URL of their own (in WebKitGTK, of workers started at once from one URL, some are not
// controlled by the service worker); one started alone takes worker.js's own URL, so the
// browser's cache serves it. On a page a service worker controls, each worker starts from a copy
// the page never used (a worker from a URL used before loads without the service worker).
import { test } from "node:test";
import assert from "node:assert/strict";
import { controlledWorkerScript } from "../../js_glue/relay.js";

const script = new URL("https://example.test/_ffi/worker.js");

test("workers starting at once get copies of the URL none of the others has", () => {
  const starts = [1, 2, 3, 4].map(() => controlledWorkerScript(script));
  assert.deepEqual(starts.map((s) => s.url.href), [
    "https://example.test/_ffi/worker.js",
    "https://example.test/_ffi/worker.js?copy=1",
    "https://example.test/_ffi/worker.js?copy=2",
    "https://example.test/_ffi/worker.js?copy=3",
  ]);
  for (const s of starts) s.started();
  const alone = controlledWorkerScript(script);
  assert.equal(alone.url.href, script.href, "all started: the script's own URL again");
  alone.started();
});

test("a copy is free again once its worker said hello, and only its own", () => {
  const first = controlledWorkerScript(script);
  const second = controlledWorkerScript(script);
  second.started();
  const third = controlledWorkerScript(script); // takes copy 1, which the second freed
  assert.equal(third.url.searchParams.get("copy"), "1");
  second.started(); // the second worker closes after its hello: third's copy stays taken
  const fourth = controlledWorkerScript(script);
  assert.equal(fourth.url.searchParams.get("copy"), "2");
  assert.equal(first.url.search, "");
  for (const s of [first, third, fourth]) s.started();
});

test("fresh: each worker of a page its service worker controls gets a copy never used before", () => {
  const first = controlledWorkerScript(script, { fresh: true });
  first.started();
  const second = controlledWorkerScript(script, { fresh: true });
  second.started();
  const third = controlledWorkerScript(script, { fresh: true });
  const urls = [first, second, third].map((s) => s.url.href);
  assert.equal(new Set(urls).size, 3, urls.join(" "));
});
