// An explicit RELEASE (js_glue/dispatch.js, run by Channel.run as every op is): its drops return
// lends, a bad drop fails it, and, as any op, it is aimed at a live handle (broker/connection.py
// answers the same).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Channel } from "../../js_glue/channel.js";
import { DATA_OFFSET, GLOBAL_HANDLE, Op, Status } from "../../js_glue/protocol.js";
import { decode, encode } from "../../js_glue/wire.js";

const refs = { remote: (id) => ({ remote: id }), callback: (id) => ({ callback: id }) };

function channel() {
  return new Channel(new SharedArrayBuffer(DATA_OFFSET + 1024), { post: () => {}, timeoutMs: 1000, maxFrameBytes: 1 << 20 });
}

/** [status, body] of the reply to `request`. */
const serve = (ch, request) => decode(ch.handle(encode(request)), refs);

test("RELEASE returns the lends its drops carry and answers nil", () => {
  const ch = channel();
  const { id } = ch.handles.lend({ held: true });
  ch.handles.lend(ch.handles.get(id)); // a second lend of the same object
  assert.equal(ch.handles.size, 1);
  const [status, body] = serve(ch, [Op.RELEASE, GLOBAL_HANDLE, null, [], [id, 2]]);
  assert.equal(status, Status.OK);
  assert.equal(body ?? null, null); // nil
  assert.equal(ch.handles.size, 0);
  assert.equal(ch.statistics().errors, 0);
});

test("a RELEASE whose drop is not live fails with BAD_HANDLE; riding on another op it does not", () => {
  const ch = channel();
  const [status, error] = serve(ch, [Op.RELEASE, GLOBAL_HANDLE, null, [], [4242, 1]]);
  assert.equal(status, Status.BAD_HANDLE);
  assert.match(error.message, /4242/);
  const [typeofStatus, type] = serve(ch, [Op.TYPEOF, GLOBAL_HANDLE, null, [], [4242, 1]]);
  assert.deepEqual([typeofStatus, type], [Status.OK, "object"]);
  assert.equal(ch.statistics().badDrops, 2);
});

test("a RELEASE aimed at a handle that is not live is BAD_HANDLE, as every op", () => {
  const ch = channel();
  const [status, error] = serve(ch, [Op.RELEASE, 777, null, []]);
  assert.equal(status, Status.BAD_HANDLE);
  assert.match(error.message, /777/);
});
