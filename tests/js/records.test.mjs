// Frames decoded at the edge (js_glue/wire.js): requests and replies become frozen records, and
// every shape that broker/wire.py refuses is a ProtocolError here too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ErrorRecord, Reply, Request, decode, decodeRequest, encode, encodeReply } from "../../js_glue/wire.js";
import { Op, Status } from "../../js_glue/protocol.js";

const refs = { remote: (id) => ({ remote: id }), callback: (id) => ({ callback: id }) };

test("a request decodes to a frozen Request", () => {
  const request = decodeRequest(encode([Op.CALL_METHOD, 7, "m", [1, "a"], [7, 1]]), refs);
  assert.ok(request instanceof Request);
  assert.ok(Object.isFrozen(request));
  assert.deepEqual({ ...request }, { op: Op.CALL_METHOD, target: 7, subject: "m", args: [1, "a"], drops: [7, 1] });
  assert.equal(decodeRequest(encode([Op.GET, 0, "x", []]), refs).drops, null);
});

test("every wrong request shape is a ProtocolError naming what is wrong", () => {
  const cases = [
    [[], /a request must be \[op, target, subject, args\]/],
    [[Op.GET, 0, "x", [], [], 1], /a request must be/],
    [{ op: 1 }, /a request must be/],
    [[99, 0, null, []], /unknown op number 99/],
    [["constructor", 0, null, []], /unknown op string constructor/],
    [[Op.GET, "0", "x", []], /request target must be a handle id, not string 0/],
    [[Op.GET, -1, "x", []], /request target must be a handle id, not number -1/],
    [[Op.GET, 0, "x", "args"], /request args must be an array, not string args/],
    [[Op.RELEASE, 0, null, [], [1]], /request drops must be an array of \[id, count\] integer pairs/],
    [[Op.RELEASE, 0, null, [], "drops"], /request drops must be/],
  ];
  for (const [shape, message] of cases) {
    assert.throws(() => decodeRequest(encode(shape), refs), { name: "ProtocolError", message }, JSON.stringify(shape));
  }
});

test("a Reply encodes as [status, body], an error's body as an ERROR ext", () => {
  // (the page only encodes replies: the worker's codec, broker/wire.py, decodes and checks them)
  const ok = new Reply(Status.OK, [1, "two"]);
  assert.ok(Object.isFrozen(ok));
  const bytes = encodeReply(ok);
  assert.deepEqual(bytes, encode([Status.OK, [1, "two"]]));
  assert.deepEqual(decode(bytes, refs), [Status.OK, [1, "two"]]);
  const [status, body] = decode(encodeReply(new Reply(Status.DENIED, new ErrorRecord("PermissionDenied", "no", ""))), refs);
  assert.equal(status, Status.DENIED);
  assert.ok(body instanceof ErrorRecord);
  assert.deepEqual({ ...body }, { name: "PermissionDenied", message: "no", stack: "" });
});
