// The page's answers (js_glue/channel.js) when a request fails half-way or is refused: nothing
// it lent is stranded, drops ride on a refused request, and the statuses are those of
// docs/protocol.md. The CPython host's twin is tests/integration/test_answers.py.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Channel } from "../../js_glue/channel.js";
import { DATA_OFFSET, Op, Status } from "../../js_glue/protocol.js";
import { RemoteRef, decode, encode } from "../../js_glue/wire.js";

const refs = { remote: (id) => ({ remote: id }), callback: (id) => ({ callback: id }) };

function channel() {
  const ch = new Channel(new SharedArrayBuffer(DATA_OFFSET + 4096), { post: () => {}, timeoutMs: 2000, maxFrameBytes: 1 << 20 });
  /** One request through the page's handler: [status, body]. */
  const ask = (/** @type {any[]} */ request) => decode(ch.handle(encode(request)), refs);
  const live = () => ch.statistics().liveHandles;
  return { ch, ask, live };
}

/** The handle id of global `name`, lent once. */
const lend = (ask, name) => ask([Op.GET, 0, name, []])[1].remote;

test("a COPY that fails half-way strands no handle", () => {
  const { ch, ask, live } = channel();
  globalThis.halfCopy = { get m() { return new Map(); }, get boom() { throw new Error("boom"); } };
  const id = lend(ask, "halfCopy");
  assert.equal(live(), 1);
  for (let i = 0; i < 3; i++) {
    const [status, body] = ask([Op.COPY, id, null, []]);
    assert.equal(status, Status.THROWN);
    assert.equal(body.message, "boom");
    assert.equal(live(), 1, "the Map the copy lent before it failed went back");
  }
  assert.equal(ask([Op.RELEASE, 0, null, [], [id, 1]])[0], Status.OK);
  assert.equal(live(), 0);
  delete globalThis.halfCopy;
  ch.close("done");
});

test("a NEXT that fails half-way strands no handle, and one that succeeds keeps its lends", () => {
  const { ch, ask, live } = channel();
  globalThis.halfNext = function* () {
    yield new Map();
    yield new Map();
    throw new Error("generator failed");
  };
  const gen = ask([Op.CALL, lend(ask, "halfNext"), null, []])[1].remote;
  assert.equal(live(), 2);
  const [status, body] = ask([Op.NEXT, gen, 10, []]);
  assert.equal(status, Status.THROWN);
  assert.equal(body.message, "generator failed");
  assert.equal(live(), 2);
  globalThis.goodNext = [new Map(), new Map()];
  const it = ask([Op.ITER, lend(ask, "goodNext"), null, []])[1].remote;
  const [ok, [done, values]] = ask([Op.NEXT, it, 10, []]);
  assert.deepEqual([ok, done, values.length], [Status.OK, true, 2]);
  assert.equal(live(), 6);
  delete globalThis.halfNext;
  delete globalThis.goodNext;
  ch.close("done");
});

test("a dead handle id in the arguments is BAD_HANDLE, as it is as the target; its drops apply", () => {
  const { ch, ask, live } = channel();
  globalThis.deadArg = { f: (x) => x };
  const obj = lend(ask, "deadArg");
  const f = ask([Op.GET, obj, "f", []])[1].remote;
  assert.equal(live(), 2);
  const frame = encode([Op.CALL, f, null, [new RemoteRef(999999, 0)], [obj, 1]]);
  const [status, body] = decode(ch.handle(frame), refs);
  assert.equal(status, Status.BAD_HANDLE, body.message);
  assert.match(body.message, /handle 999999 is not live/);
  assert.equal(live(), 1, "the drop that rode on the refused request was applied");
  const [asTarget] = ask([Op.GET, 999999, "x", []]);
  assert.equal(asTarget, Status.BAD_HANDLE);
  delete globalThis.deadArg;
  ch.close("done");
});

test("drop counts must be non-negative integers", () => {
  const { ch, ask, live } = channel();
  globalThis.dropped = {};
  const id = lend(ask, "dropped");
  for (const count of [1.5, "1", [1], -1, true, null]) {
    const [status, body] = ask([Op.RELEASE, 0, null, [], [id, count]]);
    assert.equal(status, Status.BAD_REQUEST, `count ${JSON.stringify(count)}`);
    assert.match(body.message, /drops must be an array of \[id, count\] integer pairs/);
    assert.equal(live(), 1, `count ${JSON.stringify(count)} changed nothing`);
  }
  assert.equal(ask([Op.RELEASE, 0, null, [], ["x", 1]])[0], Status.BAD_REQUEST);
  assert.equal(ask([Op.RELEASE, 0, null, [], [id, 1]])[0], Status.OK);
  assert.equal(live(), 0);
  delete globalThis.dropped;
  ch.close("done");
});

test("byte 0xC1 (never used in msgpack) anywhere in a frame is BAD_REQUEST", () => {
  const { ch } = channel();
  let called = 0;
  globalThis.neverUsed = () => called++;
  const get = [0x94, Op.GET, 0x00, 0xa1, 0x78];
  const frames = [
    [0xc1],
    [...get, 0xc1],
    [0x94, Op.CALL, 0x00, 0xc0, 0x91, 0xc1],
    [0x94, Op.CALL, 0x00, 0xc0, 0x91, 0x81, 0xa1, 0x6b, 0xc1],
    [0x95, Op.GET, 0x00, 0xa1, 0x78, 0x90, 0x92, 0x01, 0xc1],
  ];
  for (const bytes of frames) {
    const [status, body] = decode(ch.handle(Uint8Array.from(bytes)), refs);
    assert.equal(status, Status.BAD_REQUEST, Buffer.from(bytes).toString("hex"));
    assert.match(body.message, /undecodable frame/);
  }
  // the byte inside a string or a number is not the never-used value
  const [status, body] = decode(ch.handle(encode([Op.GET, 0, "neverUsed\u00c1", []])), refs);
  assert.equal(status, Status.MISSING, body?.message);
  const [ok] = decode(ch.handle(encode([Op.CALL, 0, null, [193, "\u00c1"]])), refs);
  assert.equal(ok, Status.THROWN); // the global scope is not a function: the frame decoded
  assert.equal(called, 0);
  delete globalThis.neverUsed;
  ch.close("done");
});
