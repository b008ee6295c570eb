// The page's end of the relay's suspending lane (js_glue/relay.js Relay, over a MessagePort the
// worker's RelayCaller gets in BOOT), and frames that leave the page by postMessage: each in a
// buffer of its own (wire.js owned), not a view into the encoder's chunk, which postMessage
// would copy whole (4 MiB after one 1 MB frame).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Channel } from "../../js_glue/channel.js";
import { DATA_OFFSET, GLOBAL_HANDLE, Message, Op, Status } from "../../js_glue/protocol.js";
import { Relay } from "../../js_glue/relay.js";
import { decode, encode, owned } from "../../js_glue/wire.js";

const refs = { remote: (id) => ({ remote: id }), callback: (id) => ({ callback: id }) };

function relay(posted = []) {
  const channel = new Channel(null, { post: (m) => posted.push(m), timeoutMs: 1000, maxFrameBytes: 1 << 24 });
  return new Relay(channel, `test-${Math.random()}`, /** @type {any} */ ({ active: null }));
}

/** Send `request` over the lane as the worker does; the messages the page answers with. */
function ask(port, seq, request, deadline = Date.now() + 1000) {
  const body = owned(encode(request)).buffer;
  return new Promise((resolve) => {
    const answers = [];
    port.onmessage = ({ data }) => {
      answers.push(data);
      if (data.reply !== undefined || data.failure !== undefined) resolve(answers);
    };
    port.postMessage({ id: seq, frame: body, seq, deadline }, [body]);
    setTimeout(() => resolve(answers), 200); // an expired call gets no answer
  });
}

globalThis.bigText = () => "x".repeat(1 << 20);

test("the lane answers a call: taken, then its reply, in a buffer of its own after a 1 MB one", async () => {
  const r = relay();
  const port = r.workerPort();
  try {
    const [taken, big] = await ask(port, 1, [Op.CALL_METHOD, GLOBAL_HANDLE, "bigText", []]);
    assert.deepEqual(taken, { id: 1, taken: true });
    assert.ok(big.reply.byteLength > 1 << 20);
    const answers = await ask(port, 2, [Op.TYPEOF, GLOBAL_HANDLE, null, []]);
    const { reply } = answers[1];
    assert.deepEqual(decode(reply, refs), [Status.OK, "object"]);
    assert.equal(reply.buffer.byteLength, reply.byteLength, "the small reply carried the encoder's whole chunk");
    assert.equal(r.statistics().suspending, 2);
  } finally {
    r.close();
    port.close();
  }
});

test("a call past its deadline is not run; a repeated seq gets the reply made before", async () => {
  const r = relay();
  const port = r.workerPort();
  try {
    assert.deepEqual(await ask(port, 1, [Op.TYPEOF, GLOBAL_HANDLE, null, []], Date.now() - 1), []);
    assert.equal(r.statistics().expired, 1);
    const first = await ask(port, 2, [Op.TYPEOF, GLOBAL_HANDLE, null, []]);
    const again = await ask(port, 2, [Op.TYPEOF, GLOBAL_HANDLE, null, []]);
    assert.deepEqual(again, [{ id: 2, reply: first[1].reply }]);
    assert.equal(r.statistics().repeats, 1);
  } finally {
    r.close();
    port.close();
  }
});

test("a page call posted to the worker carries a frame of its own", () => {
  const posted = [];
  const r = relay(posted);
  try {
    encode(new Uint8Array(1 << 20)); // the encoder's chunk grows to hold it
    r.channel.callExport("f", [1, "two"]).catch(() => {});
    const [message] = posted.filter((m) => m.kind === Message.EXPORT);
    assert.equal(message.frame.buffer.byteLength, message.frame.byteLength);
    assert.deepEqual(decode(message.frame, refs), [1, "two"]);
  } finally {
    r.close();
  }
});
