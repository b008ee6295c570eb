// The JS exception tree and its one table to reply statuses (js_glue/errors.js): every error
// js_glue throws on purpose has its status, the tree drawn in the file says the same, and any
// other exception is THROWN.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { HandleError, MissingProperty, PermissionDenied, ProtocolError, STATUS_OF, statusOf } from "../../js_glue/errors.js";
import { Status } from "../../js_glue/protocol.js";

test("each error js_glue throws on purpose has its own status", () => {
  const cases = [
    [new ProtocolError("bad bytes"), Status.BAD_REQUEST],
    [new HandleError("not live"), Status.BAD_HANDLE],
    [new MissingProperty("x", {}), Status.MISSING],
    [new PermissionDenied("refused"), Status.DENIED],
  ];
  for (const [error, status] of cases) assert.equal(statusOf(error), status, error.name);
  assert.equal(new Set(STATUS_OF.map(([, status]) => status)).size, STATUS_OF.length);
});

test("any other exception, or a thrown non-Error, is THROWN", () => {
  for (const thrown of [new TypeError("t"), new RangeError("r"), new Error("e"), "a string", null, 3]) {
    assert.equal(statusOf(thrown), Status.THROWN, String(thrown));
  }
});

test("the tree drawn in errors.js names each class with its status in the table", () => {
  const source = readFileSync(new URL("../../js_glue/errors.js", import.meta.url), "utf8");
  const drawn = [...source.matchAll(/^\/\/\s+[├└]── (\w+)\s+(\w+)/gm)].map(([, name, status]) => [name, status]);
  const table = STATUS_OF.map(([type, status]) => [type.name, Object.keys(Status).find((k) => Status[k] === status)]);
  assert.deepEqual(new Map(drawn), new Map(table));
});
