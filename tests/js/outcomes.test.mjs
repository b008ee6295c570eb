// A page promise lent to a worker (js_glue/outcomes.js): its rejection is not reported as
// unhandled while the worker may still await it (a round trip after the lend), and is reported
// once, as the browser would have, if the worker lets the promise go without awaiting it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Channel } from "../../js_glue/channel.js";
import { DATA_OFFSET, GLOBAL_HANDLE, Op, Status } from "../../js_glue/protocol.js";
import { decode, encode } from "../../js_glue/wire.js";

const refs = { remote: (id) => ({ remote: id }), callback: (id) => ({ callback: id }) };

function channel() {
  return new Channel(new SharedArrayBuffer(DATA_OFFSET + 1024), { post: () => {}, timeoutMs: 1000, maxFrameBytes: 1 << 20 });
}

const serve = (ch, request) => decode(ch.handle(encode(request)), refs);
const turn = () => new Promise((resolve) => setTimeout(resolve, 20));

/** The reasons of the rejections reported unhandled while `body` runs. */
async function unhandledDuring(body) {
  const reported = [];
  const runners = process.listeners("unhandledRejection"); // node's test runner fails a test on one
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", (reason) => reported.push(reason));
  try {
    await body();
    await turn();
  } finally {
    process.removeAllListeners("unhandledRejection");
    for (const runner of runners) process.on("unhandledRejection", runner);
  }
  return reported;
}

/** A CALL_METHOD of the page's `name`: the id of the promise it lent. */
function lendPromise(ch, name) {
  const [status, ref] = serve(ch, [Op.CALL_METHOD, GLOBAL_HANDLE, name, []]);
  assert.equal(status, Status.OK);
  return ref.remote;
}

let settle;
globalThis.pendingPromise = () => new Promise((resolve, reject) => { settle = { resolve, reject }; });
globalThis.refusedSoon = () => new Promise((_, reject) => setTimeout(() => reject(new TypeError("refused")), 0));

test("a rejection before the worker's AWAIT is not unhandled; the AWAIT gets it", async () => {
  const ch = channel();
  const reported = await unhandledDuring(async () => {
    const id = lendPromise(ch, "refusedSoon");
    await turn(); // rejected, with no handler of the page's code
    const [status, error] = serve(ch, [Op.AWAIT, id, null, []]);
    assert.equal(status, Status.THROWN);
    assert.match(error.message, /refused/);
    serve(ch, [Op.RELEASE, GLOBAL_HANDLE, null, [], [id, 1]]); // taken: letting go reports nothing
  });
  assert.deepEqual(reported, []);
});

test("a rejection the worker lets go of without awaiting is reported once", async () => {
  const ch = channel();
  const reported = await unhandledDuring(async () => {
    const id = lendPromise(ch, "refusedSoon");
    await turn();
    serve(ch, [Op.RELEASE, GLOBAL_HANDLE, null, [], [id, 1]]);
  });
  assert.equal(reported.length, 1);
  assert.match(String(reported[0]), /refused/);
});

test("a promise let go of while pending is reported when it rejects", async () => {
  const ch = channel();
  const reported = await unhandledDuring(async () => {
    const id = lendPromise(ch, "pendingPromise");
    serve(ch, [Op.RELEASE, GLOBAL_HANDLE, null, [], [id, 1]]);
    await turn();
    assert.equal(ch.handles.size, 0);
    settle.reject(new Error("later"));
  });
  assert.equal(reported.length, 1);
  assert.match(String(reported[0]), /later/);
});

test("a lent promise that resolves, or that the worker still holds, reports nothing", async () => {
  const ch = channel();
  const reported = await unhandledDuring(async () => {
    const held = lendPromise(ch, "refusedSoon"); // rejected and held: the worker may await it yet
    const id = lendPromise(ch, "pendingPromise");
    settle.resolve(7);
    await turn();
    assert.deepEqual(serve(ch, [Op.AWAIT, id, null, []]), [Status.OK, [true, 7]]);
    serve(ch, [Op.RELEASE, GLOBAL_HANDLE, null, [], [id, 1]]);
    assert.equal(ch.handles.size, 1, held);
  });
  assert.deepEqual(reported, []);
});

test("a rejection still held when the worker ends is reported", async () => {
  const ch = channel();
  const reported = await unhandledDuring(async () => {
    lendPromise(ch, "refusedSoon");
    await turn();
    ch.close("the worker ended");
  });
  assert.equal(reported.length, 1);
  assert.match(String(reported[0]), /refused/);
});
