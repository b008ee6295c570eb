// The chunked transfer (js_glue/transfer.js) between its two real ends: a Caller (stub.js)
// blocking in a worker thread, and a Channel (channel.js) serving from this thread with
// Atomics.waitAsync. Small buffers force chunks both ways; timeouts, refusals and headers that
// describe no frame give the same errors on both ends.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { Channel } from "../../js_glue/channel.js";
import { Server } from "../../js_glue/serving.js";
import { DATA_OFFSET, Failure, Op, Slot, State, Status } from "../../js_glue/protocol.js";
import { decode, encode } from "../../js_glue/wire.js";

const refs = { remote: (id) => ({ remote: id }), callback: (id) => ({ callback: id }) };

/** Run `frames` through a Caller in a worker thread; resolves to what each round trip returned. */
function inWorker(message) {
  const worker = new Worker(new URL("./transfer_caller.mjs", import.meta.url));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the caller thread did not answer in 10 s")), 10000);
    worker.once("message", (results) => {
      clearTimeout(timer);
      resolve(results);
    });
    worker.once("error", reject);
    worker.postMessage(message);
  }).finally(() => worker.terminate());
}

/** A Channel on a buffer with `dataBytes` of DATA, and a Server (not yet serving it) whose doorbell the caller rings. */
function channel(dataBytes, options = {}) {
  const buffer = new SharedArrayBuffer(DATA_OFFSET + dataBytes);
  const server = new Server("doorbell");
  const ch = new Channel(buffer, { post: () => {}, timeoutMs: 2000, maxFrameBytes: 1 << 20, ...options });
  return { buffer, channel: ch, server, doorbell: server.doorbell };
}

/** A reply frame as the worker reads it: [status, body] (broker/wire.py decodes it there). */
function status(result) {
  const [code, body, ...rest] = decode(result.reply, refs);
  assert.equal(rest.length, 0, "a reply is [status, body]");
  return { status: code, body };
}

test("frames larger than the buffer go in chunks both ways", async () => {
  const { buffer, channel: ch, server, doorbell } = channel(64);
  server.add(ch);
  globalThis.transferBig = "y".repeat(5000);
  const results = await inWorker({
    buffer,
    doorbell,
    timeoutMs: 2000,
    frames: [
      encode([Op.SET, 0, "transferSent", ["x".repeat(3000)]]), // a chunked request
      encode([Op.GET, 0, "transferBig", []]), // a chunked reply
      encode([Op.GET, 0, "transferSent", []]),
    ],
  });
  ch.close("done");
  assert.equal(status(results[0]).status, Status.OK);
  assert.equal(globalThis.transferSent, "x".repeat(3000));
  assert.deepEqual(status(results[1]), { status: Status.OK, body: "y".repeat(5000) });
  assert.equal(status(results[2]).body, "x".repeat(3000));
  assert.equal(ch.statistics().calls, 3);
  delete globalThis.transferBig;
  delete globalThis.transferSent;
});

test("a request over maxFrameBytes is refused at its first chunk", async () => {
  const { buffer, channel: ch, server, doorbell } = channel(64, { maxFrameBytes: 100 });
  server.add(ch);
  const [result] = await inWorker({ buffer, doorbell, timeoutMs: 2000, frames: [encode([Op.SET, 0, "x", ["z".repeat(1000)]])] });
  ch.close("done");
  const reply = status(result);
  assert.equal(reply.status, Status.BAD_REQUEST);
  assert.equal(reply.body.name, "ProtocolError");
  assert.match(reply.body.message, /over this page's limit of 100 bytes \(PyWorker option maxFrameBytes\)/);
});

test("a request header that describes no frame is a BAD_REQUEST reply", async () => {
  const { buffer, channel: ch, server, doorbell } = channel(1024); // (the reply fits: the raw reader takes one chunk)
  server.add(ch);
  const [result] = await inWorker({ buffer, doorbell, timeoutMs: 2000, rawHeader: { total: 10, chunk: 20 } });
  ch.close("done");
  const reply = status(result);
  assert.equal(reply.status, Status.BAD_REQUEST);
  assert.match(reply.body.message, /bad request header: TOTAL 10, CHUNK 20 bytes/);
});

test("a reply header that describes no frame is a ProtocolError on the caller's end", async () => {
  const buffer = new SharedArrayBuffer(DATA_OFFSET + 64);
  new Channel(buffer, { post: () => {}, timeoutMs: 2000, maxFrameBytes: 1 << 20 }); // writes VERSION; not served
  const i32 = new Int32Array(buffer, 0, DATA_OFFSET / 4);
  const answered = (async () => {
    const waiting = Atomics.waitAsync(i32, Slot.STATE, State.IDLE, 5000);
    if (waiting.async) await waiting.value;
    i32[Slot.TOTAL] = 5;
    i32[Slot.CHUNK] = 9;
    Atomics.store(i32, Slot.STATE, State.REPLY);
    Atomics.notify(i32, Slot.STATE);
  })();
  const [result] = await inWorker({ buffer, timeoutMs: 2000, frames: [encode([Op.GET, 0, "x", []])] });
  await answered;
  assert.equal(result.error?.name, "ProtocolError", JSON.stringify(result));
  assert.match(result.error.message, /bad reply header: TOTAL 5, CHUNK 9 bytes/);
});

test("an unclaimed request is withdrawn; a late reply is owed and discarded", async () => {
  const { buffer, channel: ch, server, doorbell } = channel(64);
  // nobody serves yet: the first call is withdrawn at its deadline
  let results = await inWorker({ buffer, doorbell, timeoutMs: 100, frames: [encode([Op.GET, 0, "x", []])] });
  assert.deepEqual(results, [{ failure: Failure.UNCLAIMED }]);
  server.add(ch);
  globalThis.transferSlow = () => {
    const end = performance.now() + 300;
    while (performance.now() < end); // holds this thread past the caller's deadline
    return "slow";
  };
  globalThis.transferValue = "fine";
  results = await inWorker({
    buffer,
    doorbell,
    timeoutMs: 200,
    frames: [encode([Op.CALL_METHOD, 0, "transferSlow", []]), encode([Op.GET, 0, "transferValue", []])],
  });
  ch.close("done");
  assert.deepEqual(results[0], { failure: Failure.BUSY });
  assert.deepEqual(status(results[1]), { status: Status.OK, body: "fine" });
  delete globalThis.transferSlow;
  delete globalThis.transferValue;
});

test("a request withdrawn mid-transfer and followed at once by another: the other is served as itself", async () => {
  // the caller's end played here, as a stub whose deadline passed after its second chunk was
  // written and that then wrote its next request before the page took its turn
  const { channel: ch } = channel(32, { timeoutMs: 200 });
  const i32 = ch.transfer.i32;
  const data = ch.transfer.data;
  const put = (bytes, total, offset) => {
    data.set(bytes);
    if (total !== null) i32[Slot.TOTAL] = total;
    i32[Slot.CHUNK] = bytes.length;
    i32[Slot.OFFSET] = offset;
    Atomics.store(i32, Slot.STATE, State.REQUEST);
  };
  globalThis.transferRestart = "the second request";
  const first = encode([Op.SET, 0, "transferRestart", ["the first request, never run: ".repeat(3)]]);
  const second = encode([Op.GET, 0, "transferRestart", []]);
  assert.ok(second.length <= 32 && first.length > 64);
  put(first.subarray(0, 32), first.length, 0);
  assert.equal(ch.poll(), true);
  assert.equal(Atomics.load(i32, Slot.STATE), State.MORE);
  put(first.subarray(32, 64), null, 32);
  assert.equal(Atomics.compareExchange(i32, Slot.STATE, State.REQUEST, State.REPLY), State.REQUEST); // withdrawn
  put(second, second.length, 0);
  ch.poll();
  for (let i = 0; i < 50 && Atomics.load(i32, Slot.STATE) !== State.REPLY; i++) await null;
  assert.equal(Atomics.load(i32, Slot.STATE), State.REPLY);
  assert.equal(i32[Slot.TOTAL], i32[Slot.CHUNK], "a short reply, whole");
  const [code, value] = decode(data.slice(0, i32[Slot.CHUNK]), refs);
  assert.equal(code, Status.OK);
  assert.equal(value, "the second request");
  assert.equal(globalThis.transferRestart, "the second request", "the withdrawn request never ran");
  ch.close("done");
});
